package io.github.gpt2explainer.trace;

import io.github.gpt2explainer.insight.DirectLogitAttribution;
import io.github.gpt2explainer.insight.Insight;
import io.github.gpt2explainer.insight.InputAttribution;
import io.github.gpt2explainer.model.SafetensorsFile;
import io.github.gpt2explainer.model.SafetensorsWriter;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code insight.safetensors} of a stored run: the {@link Insight} as tensors, K candidates, L layers, H heads,
 * T prompt tokens, F32 except the ids (I64).
 * <pre>
 * dla.target [K] I64      dla.sigma, dla.embed, dla.ln_f_bias [K]
 * dla.attn, dla.attn_bias, dla.mlp [K, L]      dla.attn_heads [K, L, H]
 * attr.target, attr.neutral [1] I64   attr.log_prob [1]   attr.occlusion [T]     (only with attribution)
 * </pre>
 */
final class InsightFile {

    private InsightFile() {
    }

    static void write(Insight insight, Path target) {
        List<DirectLogitAttribution> candidates = insight.candidates();
        int k = candidates.size();
        int layers = candidates.get(0).layers();
        int heads = layers == 0 ? 0 : candidates.get(0).attnHeads()[0].length;
        long[] ids = new long[k];
        float[] sigma = new float[k];
        float[] embed = new float[k];
        float[] lnFBias = new float[k];
        float[] attn = new float[k * layers];
        float[] attnBias = new float[k * layers];
        float[] mlp = new float[k * layers];
        float[] attnHeads = new float[k * layers * heads];
        for (int c = 0; c < k; c++) {
            DirectLogitAttribution d = candidates.get(c);
            ids[c] = d.target();
            sigma[c] = (float) d.sigma();
            embed[c] = (float) d.embed();
            lnFBias[c] = (float) d.lnFBias();
            for (int l = 0; l < layers; l++) {
                attn[c * layers + l] = (float) d.attn()[l];
                attnBias[c * layers + l] = (float) d.attnBias()[l];
                mlp[c * layers + l] = (float) d.mlp()[l];
                for (int h = 0; h < heads; h++) {
                    attnHeads[(c * layers + l) * heads + h] = (float) d.attnHeads()[l][h];
                }
            }
        }
        SafetensorsWriter writer = SafetensorsWriter.create()
                .add(DirectLogitAttribution.TARGET, new long[] {k}, ids)
                .add("dla.sigma", new long[] {k}, sigma)
                .add(DirectLogitAttribution.EMBED, new long[] {k}, embed)
                .add(DirectLogitAttribution.LN_F_BIAS, new long[] {k}, lnFBias)
                .add(DirectLogitAttribution.ATTN, new long[] {k, layers}, attn)
                .add("dla.attn_bias", new long[] {k, layers}, attnBias)
                .add(DirectLogitAttribution.MLP, new long[] {k, layers}, mlp)
                .add(DirectLogitAttribution.ATTN_HEADS, new long[] {k, layers, heads}, attnHeads);
        InputAttribution a = insight.attribution();
        if (a != null) {
            double[] occlusion = a.occlusion();
            float[] values = new float[occlusion.length];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) occlusion[i];
            }
            writer.add("attr.target", new long[] {1}, new long[] {a.target()})
                    .add(InputAttribution.NEUTRAL, new long[] {1}, new long[] {a.neutral()})
                    .add("attr.log_prob", new long[] {1}, new float[] {(float) a.baseline()})
                    .add(InputAttribution.OCCLUSION, new long[] {values.length}, values);
        }
        writer.write(target);
    }

    /**
     * Reads the file back.
     *
     * @throws IllegalStateException naming the tensor when one is missing or has another shape than expected
     */
    static Insight read(SafetensorsFile file, int layers, int heads, int tokens) {
        long[] ids = longs(file, DirectLogitAttribution.TARGET, -1);
        int k = ids.length;
        double[] sigma = floats(file, "dla.sigma", k);
        double[] embed = floats(file, DirectLogitAttribution.EMBED, k);
        double[] lnFBias = floats(file, DirectLogitAttribution.LN_F_BIAS, k);
        double[] attn = floats(file, DirectLogitAttribution.ATTN, k, layers);
        double[] attnBias = floats(file, "dla.attn_bias", k, layers);
        double[] mlp = floats(file, DirectLogitAttribution.MLP, k, layers);
        double[] attnHeads = floats(file, DirectLogitAttribution.ATTN_HEADS, k, layers, heads);
        List<DirectLogitAttribution> candidates = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            double[][] perHead = new double[layers][];
            for (int l = 0; l < layers; l++) {
                int from = (c * layers + l) * heads;
                perHead[l] = Arrays.copyOfRange(attnHeads, from, from + heads);
            }
            candidates.add(new DirectLogitAttribution(ids[c], embed[c],
                    Arrays.copyOfRange(attn, c * layers, (c + 1) * layers), perHead,
                    Arrays.copyOfRange(attnBias, c * layers, (c + 1) * layers),
                    Arrays.copyOfRange(mlp, c * layers, (c + 1) * layers), lnFBias[c], sigma[c]));
        }
        InputAttribution attribution = null;
        if (file.contains(InputAttribution.OCCLUSION)) {
            attribution = new InputAttribution(longs(file, "attr.target", 1)[0], longs(file, InputAttribution.NEUTRAL, 1)[0],
                    floats(file, "attr.log_prob", 1)[0], floats(file, InputAttribution.OCCLUSION, tokens));
        }
        return new Insight(candidates, attribution);
    }

    /** An I64 tensor of shape [n] ({@code n} < 0: any length). */
    private static long[] longs(SafetensorsFile file, String name, int n) {
        long[] shape = file.entry(name).shape();
        if (shape.length != 1 || (n >= 0 && shape[0] != n)) {
            throw new IllegalStateException(name + " has shape " + Arrays.toString(shape) + ", expected ["
                    + (n >= 0 ? n : "K") + "]");
        }
        LongBuffer data = file.longs(name);
        long[] out = new long[data.remaining()];
        data.get(out);
        return out;
    }

    /** An F32 tensor of the given shape, widened to double (exactly). */
    private static double[] floats(SafetensorsFile file, String name, long... expected) {
        long[] shape = file.entry(name).shape();
        if (!Arrays.equals(shape, expected)) {
            throw new IllegalStateException(name + " has shape " + Arrays.toString(shape) + ", expected "
                    + Arrays.toString(expected));
        }
        FloatBuffer data = file.floats(name);
        double[] out = new double[data.remaining()];
        for (int i = 0; i < out.length; i++) {
            out[i] = data.get();
        }
        return out;
    }
}
