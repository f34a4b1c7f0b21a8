package io.github.gpt2explainer.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A GPT-2 with seeded random weights, built in memory (direct buffers). {@link java.util.Random}'s
 * algorithm is specified by the JDK, so the same config and seed give the same weights on any JDK.
 *
 * <p>Matrices and token embeddings ~ N(0, 0.02), position embeddings ~ N(0, 0.01), layer-norm gains
 * 1 + N(0, 0.1) and all biases ~ N(0, 0.02), so no layer norm or bias is trivially the identity or zero.
 * The head is tied: {@code lm_head.weight} shares {@code wte.weight}'s data.
 */
public final class RandomCheckpoint {

    private RandomCheckpoint() {
    }

    /** The demo model: GPT-2's real vocabulary (50257) and context (1024), but 4 layers of width 64, 4 heads. */
    public static Gpt2Config demoConfig() {
        return new Gpt2Config(50257, 1024, 64, 4, 4, 1e-5);
    }

    public static Checkpoint create(Gpt2Config config, long seed) {
        Random random = new Random(seed);
        Map<String, FloatTensor> parameters = new TreeMap<>();
        // Generated in forward-pass order (not name order) so the stream of draws is easy to reason about.
        for (Map.Entry<String, long[]> e : Gpt2TensorLayout.expectedShapes(config).entrySet()) {
            String name = e.getKey();
            if (name.equals("lm_head.weight")) {
                FloatTensor wte = parameters.get("wte.weight");
                parameters.put(name, new FloatTensor(name, wte.shape(), wte.data()));
                continue;
            }
            parameters.put(name, new FloatTensor(name, e.getValue(), fill(random, e.getValue(), kind(name))));
        }
        return new Checkpoint("random(seed=" + seed + ")", config, new TreeMap<>(parameters));
    }

    private record Distribution(double mean, double std) {
    }

    private static Distribution kind(String name) {
        boolean layerNorm = name.contains("ln_");
        if (layerNorm && name.endsWith(".weight")) {
            return new Distribution(1.0, 0.1);
        }
        if (name.equals("wpe.weight")) {
            return new Distribution(0.0, 0.01);
        }
        return new Distribution(0.0, 0.02);
    }

    private static FloatBuffer fill(Random random, long[] shape, Distribution d) {
        long count = FloatTensor.elementCount(shape);
        FloatBuffer data = ByteBuffer.allocateDirect(Math.toIntExact(count * 4)).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        for (long i = 0; i < count; i++) {
            data.put((float) (d.mean() + d.std() * random.nextGaussian()));
        }
        return data.flip();
    }
}
