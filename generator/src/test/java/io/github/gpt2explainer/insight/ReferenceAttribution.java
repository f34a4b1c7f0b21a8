package io.github.gpt2explainer.insight;

import io.github.gpt2explainer.forward.ReferenceGpt2;
import io.github.gpt2explainer.model.Checkpoint;
import java.util.Map;

/**
 * The attribution formula written out on the double-precision oracle's tensors, in its vector
 * form: a component c at the last position contributes {@code (W_U[target] ⊙ γ) · (c − mean(c)) / σ}
 * (the code under test uses the equivalent readout direction). Per-head vectors are rebuilt from the
 * oracle's {@code attn.heads} and the rows of {@code c_proj.weight}.
 */
final class ReferenceAttribution {

    private final ReferenceGpt2 reference;
    private final Map<String, ReferenceGpt2.Tensor> run;
    private final int width;
    private final int last;
    private final double[] scaledRow; // W_U[target] ⊙ γ
    private final double sigma;
    final double biasTerm;
    final double[][] logits;          // [T][V]

    ReferenceAttribution(Checkpoint checkpoint, long[] tokens, long target) {
        this.reference = new ReferenceGpt2(checkpoint);
        this.run = reference.run(tokens);
        this.width = checkpoint.config().width();
        this.last = tokens.length - 1;
        this.logits = reference.logitsAtEveryPosition(run);
        double[] unembed = reference.matrix("lm_head.weight")[(int) target];
        double[] gamma = reference.vector("ln_f.weight");
        double[] beta = reference.vector("ln_f.bias");
        scaledRow = new double[width];
        double bias = 0;
        for (int i = 0; i < width; i++) {
            scaledRow[i] = unembed[i] * gamma[i];
            bias += unembed[i] * beta[i];
        }
        biasTerm = bias;
        int layers = checkpoint.config().layers();
        double[] x = lastRow(layers == 0 ? "embed.sum" : "h." + (layers - 1) + ".resid_post");
        double mean = mean(x);
        double variance = 0;
        for (double v : x) {
            variance += (v - mean) * (v - mean);
        }
        sigma = Math.sqrt(variance / width + checkpoint.config().layerNormEpsilon());
    }

    /** The contribution of the last position's row of a [T, E] tensor of the oracle's run. */
    double ofRow(String name) {
        return of(lastRow(name));
    }

    /** Head {@code head}'s write in layer {@code layer}: its slice of the merged heads times its rows of c_proj. */
    double ofHead(int layer, int head, int heads) {
        int d = width / heads;
        ReferenceGpt2.Tensor outputs = run.get("h." + layer + ".attn.heads"); // [H, T, D]
        int t = (int) outputs.shape()[1];
        double[][] proj = reference.matrix("h." + layer + ".attn.c_proj.weight"); // [E in, E out]
        double[] write = new double[width];
        for (int k = 0; k < d; k++) {
            double a = outputs.data()[(head * t + last) * d + k];
            for (int o = 0; o < width; o++) {
                write[o] += a * proj[head * d + k][o];
            }
        }
        return of(write);
    }

    /** The c_proj bias's contribution in layer {@code layer}. */
    double ofAttentionBias(int layer) {
        return of(reference.vector("h." + layer + ".attn.c_proj.bias"));
    }

    double of(double[] c) {
        double mean = mean(c);
        double sum = 0;
        for (int i = 0; i < width; i++) {
            sum += scaledRow[i] * (c[i] - mean);
        }
        return sum / sigma;
    }

    private double[] lastRow(String name) {
        double[] row = new double[width];
        System.arraycopy(run.get(name).data(), last * width, row, 0, width);
        return row;
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }
}
