package io.github.gpt2explainer.insight;

import io.github.gpt2explainer.model.SafetensorsFile;
import io.github.gpt2explainer.model.SafetensorsWriter;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.EnumMap;
import java.util.Map;

/**
 * Every head's role scores together with the probe they were measured on: what the {@code heads} command
 * exports and what the trace store keeps for the site's "meet the heads" page.
 *
 * <p>In safetensors: {@code heads.<role>} [L, H] F32 for every {@link HeadRole}, {@code heads.probe} [2n + 1]
 * I64, and the probe's {@code seed} and {@code n} in {@code __metadata__}.
 *
 * @param probe the probe the scores were measured on
 * @param roles the scores
 */
public record ProbedHeadRoles(HeadRoleProbe probe, HeadRoles roles) {

    public static final String PROBE_TENSOR = "heads.probe";

    /** Runs {@code probe} through the model: one forward pass of 2n + 1 tokens. */
    public static ProbedHeadRoles measure(io.github.gpt2explainer.forward.Gpt2Model model, HeadRoleProbe probe) {
        return new ProbedHeadRoles(probe, HeadRoles.measure(model, probe));
    }

    /** Adds the scores, the probe's ids and its settings (metadata {@code probe}, {@code seed}, {@code n}). */
    public void writeTo(SafetensorsWriter writer) {
        writer.metadata("probe", "<|endoftext|> + n random token ids + the same n ids")
                .metadata("seed", Long.toString(probe.seed()))
                .metadata("n", Integer.toString(probe.n()));
        roles.writeTo(writer);
        writer.add(PROBE_TENSOR, new long[] {probe.ids().length}, probe.ids());
    }

    /**
     * Reads what {@link #writeTo} wrote.
     *
     * @throws IllegalArgumentException naming what is missing or malformed
     */
    public static ProbedHeadRoles readFrom(SafetensorsFile file) {
        Map<String, String> metadata = file.metadata();
        long seed;
        int n;
        try {
            seed = Long.parseLong(metadata.getOrDefault("seed", ""));
            n = Integer.parseInt(metadata.getOrDefault("n", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the metadata has no numeric seed and n: " + metadata);
        }
        LongBuffer idData = file.longs(PROBE_TENSOR);
        long[] ids = new long[idData.remaining()];
        idData.get(ids);
        HeadRoleProbe probe = new HeadRoleProbe(ids, n, seed);
        long[] shape = file.entry(HeadRole.PREVIOUS_TOKEN.tensorName()).shape();
        if (shape.length != 2) {
            throw new IllegalArgumentException(HeadRole.PREVIOUS_TOKEN.tensorName() + " is not [L, H]");
        }
        int layers = (int) shape[0];
        int heads = (int) shape[1];
        Map<HeadRole, double[][]> scores = new EnumMap<>(HeadRole.class);
        for (HeadRole role : HeadRole.values()) {
            if (!java.util.Arrays.equals(file.entry(role.tensorName()).shape(), shape)) {
                throw new IllegalArgumentException(role.tensorName() + " is not [" + layers + ", " + heads + "]");
            }
            FloatBuffer data = file.floats(role.tensorName()); // [L, H]
            double[][] values = new double[layers][heads];
            for (int l = 0; l < layers; l++) {
                for (int h = 0; h < heads; h++) {
                    float v = data.get();
                    if (!(v >= 0 && v <= 1.0001f)) {
                        throw new IllegalArgumentException(role.tensorName() + "[" + l + ", " + h + "] = " + v
                                + " is not a mean attention weight in [0, 1]");
                    }
                    values[l][h] = v;
                }
            }
            scores.put(role, values);
        }
        return new ProbedHeadRoles(probe, new HeadRoles(layers, heads, scores));
    }
}
