package io.github.gpt2explainer.forward;

import io.github.gpt2explainer.model.Checkpoint;
import io.github.gpt2explainer.model.FloatTensor;
import io.github.gpt2explainer.model.Gpt2Config;
import io.github.gpt2explainer.model.HalfFloat;
import io.github.gpt2explainer.model.SafetensorsDtype;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;

/** Random GPT-2 checkpoints built in memory, with the canonical parameter names and direct buffers. */
public final class TestCheckpoints {

    private TestCheckpoints() {
    }

    /** A small GPT-2 with the real vocabulary size: 2 layers, width 32, 4 heads, 64 positions. */
    public static Gpt2Config tinyConfig() {
        return new Gpt2Config(50257, 64, 32, 2, 4, 1e-5);
    }

    /**
     * Weights ~ N(0, 0.02), LayerNorm weights ~ 1 + N(0, 0.1), every bias ~ N(0, 0.02) (non-zero, so
     * a dropped bias shows), lm_head a separate draw so a head/embedding mix-up shows too.
     */
    public static Checkpoint random(Gpt2Config config, long seed) {
        Random random = new Random(seed);
        int e = config.width();
        int m = config.mlpWidth();
        SortedMap<String, FloatTensor> p = new TreeMap<>();
        put(p, random, "wte.weight", 0, 0.02, config.vocabSize(), e);
        put(p, random, "wpe.weight", 0, 0.02, config.contextLength(), e);
        for (int l = 0; l < config.layers(); l++) {
            String h = "h." + l + ".";
            put(p, random, h + "ln_1.weight", 1, 0.1, e);
            put(p, random, h + "ln_1.bias", 0, 0.02, e);
            put(p, random, h + "attn.c_attn.weight", 0, 0.02, e, 3L * e);
            put(p, random, h + "attn.c_attn.bias", 0, 0.02, 3L * e);
            put(p, random, h + "attn.c_proj.weight", 0, 0.02, e, e);
            put(p, random, h + "attn.c_proj.bias", 0, 0.02, e);
            put(p, random, h + "ln_2.weight", 1, 0.1, e);
            put(p, random, h + "ln_2.bias", 0, 0.02, e);
            put(p, random, h + "mlp.c_fc.weight", 0, 0.02, e, m);
            put(p, random, h + "mlp.c_fc.bias", 0, 0.02, m);
            put(p, random, h + "mlp.c_proj.weight", 0, 0.02, m, e);
            put(p, random, h + "mlp.c_proj.bias", 0, 0.02, e);
        }
        put(p, random, "ln_f.weight", 1, 0.1, e);
        put(p, random, "ln_f.bias", 0, 0.02, e);
        put(p, random, "lm_head.weight", 0, 0.02, config.vocabSize(), e);
        return new Checkpoint("random(seed=" + seed + ")", config, p);
    }

    private static void put(SortedMap<String, FloatTensor> parameters, Random random, String name,
                            double mean, double std, long... shape) {
        int n = Math.toIntExact(FloatTensor.elementCount(shape));
        FloatBuffer data = ByteBuffer.allocateDirect(n * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (int i = 0; i < n; i++) {
            data.put(i, (float) (mean + std * random.nextGaussian()));
        }
        parameters.put(name, new FloatTensor(name, shape, data));
    }

    /** Random token ids over the whole vocabulary. */
    public static long[] randomTokens(Gpt2Config config, int count, long seed) {
        Random random = new Random(seed);
        long[] ids = new long[count];
        for (int i = 0; i < count; i++) {
            ids[i] = random.nextInt(config.vocabSize());
        }
        return ids;
    }

    /** The weights as the file holds them: F32 unchanged, F16/BF16 rounded (the oracle then runs on exactly those). */
    public static Checkpoint roundedTo(Checkpoint checkpoint, SafetensorsDtype dtype) {
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
