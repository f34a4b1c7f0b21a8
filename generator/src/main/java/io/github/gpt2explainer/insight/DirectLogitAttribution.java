package io.github.gpt2explainer.insight;

import io.github.gpt2explainer.forward.CapturedTensor;
import io.github.gpt2explainer.forward.CapturedPass;
import io.github.gpt2explainer.forward.CaptureKind;
import io.github.gpt2explainer.model.Checkpoint;
import io.github.gpt2explainer.model.Gpt2Config;
import io.github.gpt2explainer.model.SafetensorsWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Direct logit attribution of one token's logit at the last position of a captured pass: how much the
 * embedding, each layer's attention (each head, and the output bias apart) and each MLP wrote toward it,
 * read through the final layer norm with its scale frozen at the actual value ({@link LogitReadout}).
 *
 * <p>The residual stream at the last position is {@code embed.sum + Σ_l (attn.proj_l + mlp.proj_l)}, so
 * {@code embed + Σ attn + Σ mlp + lnFBias} is exactly the logit (up to float rounding of the captured
 * values). Layer l's attention output is {@code Σ_h heads_h · c_proj.weight[hD:(h+1)D, :] + c_proj.bias}:
 * {@code Σ_h attnHeads[l][h] + attnBias[l] == attn[l]}.
 *
 * @param target    the token attributed
 * @param embed     token + position embedding
 * @param attn      [L] each layer's attention output, its c_proj bias included
 * @param attnHeads [L][H] each head's part of it, bias excluded
 * @param attnBias  [L] the c_proj bias's part
 * @param mlp       [L] each layer's MLP output, its bias included
 * @param lnFBias   the final layer norm's bias term {@code W_U[target] · β}
 * @param sigma     the final layer norm's actual σ at the last position, ε included
 */
public record DirectLogitAttribution(long target, double embed, double[] attn, double[][] attnHeads,
                                     double[] attnBias, double[] mlp, double lnFBias, double sigma) {

    public static final String TARGET = "dla.target";
    public static final String EMBED = "dla.embed";
    public static final String ATTN = "dla.attn";
    public static final String ATTN_HEADS = "dla.attn_heads";
    public static final String MLP = "dla.mlp";
    public static final String LN_F_BIAS = "dla.ln_f_bias";

    /**
     * The attribution of {@code target}'s logit at the last position of {@code trace}, a pass from position
     * 0 that captured {@code embed.sum} and, per layer, {@code attn.heads}, {@code attn.proj},
     * {@code mlp.proj} and {@code resid_post}; the parameters come from {@code checkpoint}.
     */
    public static DirectLogitAttribution of(Checkpoint checkpoint, CapturedPass trace, long target) {
        return of(checkpoint, trace, new long[] {target}).get(0);
    }

    /**
     * The attributions of several targets of the same pass, in the order given: as {@link #of(Checkpoint,
     * CapturedPass, long)} for each, value for value, but each layer's {@code c_proj} is read from the
     * checkpoint once for all of them.
     */
    public static List<DirectLogitAttribution> of(Checkpoint checkpoint, CapturedPass trace, long[] targets) {
        Gpt2Config config = checkpoint.config();
        int layers = config.layers();
        int heads = config.heads();
        int headDim = config.headDim();
        int e = config.width();
        int n = targets.length;
        int last = trace.tokens().length - 1;
        if (trace.startPosition() != 0) {
            throw new IllegalArgumentException("direct logit attribution needs a pass from position 0, this one starts at "
                    + trace.startPosition());
        }
        CapturedTensor finalResidual = layers == 0 ? trace.get(CaptureKind.EMBED_SUM, -1)
                : trace.get(CaptureKind.RESID_POST, layers - 1);                       // [T, E]
        LogitReadout[] readouts = new LogitReadout[n];
        float[] embedRow = row(trace.get(CaptureKind.EMBED_SUM, -1), last, e);
        double[] embed = new double[n];
        double[][] attn = new double[n][layers];
        double[][][] attnHeads = new double[n][layers][heads];
        double[][] attnBias = new double[n][layers];
        double[][] mlp = new double[n][layers];
        for (int c = 0; c < n; c++) {
            readouts[c] = LogitReadout.of(checkpoint, targets[c], row(finalResidual, last, e));
            embed[c] = readouts[c].contribution(embedRow);
        }
        for (int l = 0; l < layers; l++) {
            float[] attnRow = row(trace.get(CaptureKind.ATTN_PROJ, l), last, e);
            float[] mlpRow = row(trace.get(CaptureKind.MLP_PROJ, l), last, e);
            float[] bias = checkpoint.floats("h." + l + ".attn.c_proj.bias", 0, e).array();
            // What head h writes into the stream at the last position: its output [D] times its rows of
            // c_proj.weight [E, E] (Conv1D [in, out]; head h owns rows hD .. hD + D - 1), without the bias. Computed
            // once for every candidate, each of which then reads it through its own direction r.
            float[] proj = checkpoint.floats("h." + l + ".attn.c_proj.weight", 0, e * e).array(); // [E, E]
            CapturedTensor headOutputs = trace.get(CaptureKind.ATTN_HEADS, l);         // [H, T, D]
            double[][] written = new double[heads][e];                                 // [H, E]
            for (int h = 0; h < heads; h++) {
                for (int dim = 0; dim < headDim; dim++) {
                    double out = headOutputs.at(h, last, dim);
                    int input = (h * headDim + dim) * e;
                    for (int o = 0; o < e; o++) {
                        written[h][o] += out * proj[input + o];
                    }
                }
            }
            for (int c = 0; c < n; c++) {
                LogitReadout readout = readouts[c];
                double[] r = readout.direction();
                attn[c][l] = readout.contribution(attnRow);
                mlp[c][l] = readout.contribution(mlpRow);
                attnBias[c][l] = readout.contribution(bias);
                for (int h = 0; h < heads; h++) {
                    double sum = 0;
                    for (int o = 0; o < e; o++) {
                        sum += written[h][o] * r[o];
                    }
                    attnHeads[c][l][h] = sum;
                }
            }
        }
        List<DirectLogitAttribution> out = new ArrayList<>(n);
        for (int c = 0; c < n; c++) {
            out.add(new DirectLogitAttribution(targets[c], embed[c], attn[c], attnHeads[c], attnBias[c], mlp[c],
                    readouts[c].biasTerm(), readouts[c].sigma()));
        }
        return out;
    }

    /** The sum of every part: the target's logit as the attribution reconstructs it. */
    public double total() {
        double sum = embed + lnFBias;
        for (int l = 0; l < attn.length; l++) {
            sum += attn[l] + mlp[l];
        }
        return sum;
    }

    public int layers() {
        return attn.length;
    }

    /** Adds the {@code dla.*} tensors: target I64 [1], the rest F32 ([1], [L] or [L, H]). */
    public void writeTo(SafetensorsWriter writer) {
        int layers = attn.length;
        int heads = layers == 0 ? 0 : attnHeads[0].length;
        writer.add(TARGET, new long[] {1}, new long[] {target});
        writer.add(EMBED, new long[] {1}, new float[] {(float) embed});
        writer.add(ATTN, new long[] {layers}, narrow(attn));
        float[] perHead = new float[layers * heads];
        for (int l = 0; l < layers; l++) {
            for (int h = 0; h < heads; h++) {
                perHead[l * heads + h] = (float) attnHeads[l][h];
            }
        }
        writer.add(ATTN_HEADS, new long[] {layers, heads}, perHead);
        writer.add(MLP, new long[] {layers}, narrow(mlp));
        writer.add(LN_F_BIAS, new long[] {1}, new float[] {(float) lnFBias});
    }

    /** The highest value's index, the lowest index on ties: the temperature-0 choice. */
    public static int argmax(float[] values, int from, int length) {
        int best = 0;
        for (int i = 1; i < length; i++) {
            if (values[from + i] > values[from + best]) {
                best = i;
            }
        }
        return best;
    }

    private static float[] row(CapturedTensor rows, int index, int width) {
        return rows.copyRange(index * width, width);
    }

    private static float[] narrow(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }
}
