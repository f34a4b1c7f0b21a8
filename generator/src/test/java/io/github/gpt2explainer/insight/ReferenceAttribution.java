package io.github.gpt2explainer.insight;

import io.github.gpt2explainer.forward.ReferenceGpt2;
import io.github.gpt2explainer.model.Checkpoint;
import io.github.gpt2explainer.model.FloatTensor;
import io.github.gpt2explainer.model.HalfFloat;
import io.github.gpt2explainer.model.SafetensorsDtype;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

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

    /** The weights as a file of {@code dtype} holds them: F16/BF16 rounded, so the oracle runs on exactly those. */
    static Checkpoint roundedTo(Checkpoint checkpoint, SafetensorsDtype dtype) {
        if (dtype == SafetensorsDtype.F32) {
            return checkpoint;
        }
        SortedMap<String, FloatTensor> rounded = new TreeMap<>();
        for (Map.Entry<String, FloatTensor> e : checkpoint.parameters().entrySet()) {
            FloatBuffer source = e.getValue().view();
            FloatBuffer copy = ByteBuffer.allocateDirect(source.remaining() * Float.BYTES)
                    .order(ByteOrder.nativeOrder()).asFloatBuffer();
            for (int i = 0; i < source.remaining(); i++) {
                float v = source.get(i);
                copy.put(i, dtype == SafetensorsDtype.F16 ? HalfFloat.halfToFloat(HalfFloat.floatToHalf(v))
                        : HalfFloat.bfloat16ToFloat(HalfFloat.floatToBfloat16(v)));
            }
            rounded.put(e.getKey(), new FloatTensor(e.getKey(), e.getValue().shape(), copy));
        }
        return new Checkpoint(checkpoint.source(), checkpoint.config(), rounded);
    }
}
