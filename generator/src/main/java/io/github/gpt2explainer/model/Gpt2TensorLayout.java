package io.github.gpt2explainer.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The parameters a GPT-2 of a given config has, by canonical name, with their shapes, in the order
 * of the forward pass. Conv1D weights are [in, out] as in Hugging Face GPT-2.
 */
public final class Gpt2TensorLayout {

    /** The legacy causal-mask buffers older Hugging Face checkpoints saved; not parameters. */
    private static final Pattern LEGACY_BUFFER = Pattern.compile("h\\.\\d+\\.attn\\.(bias|masked_bias)");

    private Gpt2TensorLayout() {
    }

    /** Canonical name to shape, wte first and lm_head.weight last. */
    public static Map<String, long[]> expectedShapes(Gpt2Config c) {
        long v = c.vocabSize();
        long p = c.contextLength();
        long e = c.width();
        long m = c.mlpWidth();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("wte.weight", new long[] {v, e});
        shapes.put("wpe.weight", new long[] {p, e});
        for (int l = 0; l < c.layers(); l++) {
            String h = "h." + l + ".";
            shapes.put(h + "ln_1.weight", new long[] {e});
            shapes.put(h + "ln_1.bias", new long[] {e});
            shapes.put(h + "attn.c_attn.weight", new long[] {e, 3 * e});
            shapes.put(h + "attn.c_attn.bias", new long[] {3 * e});
            shapes.put(h + "attn.c_proj.weight", new long[] {e, e});
            shapes.put(h + "attn.c_proj.bias", new long[] {e});
            shapes.put(h + "ln_2.weight", new long[] {e});
            shapes.put(h + "ln_2.bias", new long[] {e});
            shapes.put(h + "mlp.c_fc.weight", new long[] {e, m});
            shapes.put(h + "mlp.c_fc.bias", new long[] {m});
            shapes.put(h + "mlp.c_proj.weight", new long[] {m, e});
            shapes.put(h + "mlp.c_proj.bias", new long[] {e});
        }
        shapes.put("ln_f.weight", new long[] {e});
        shapes.put("ln_f.bias", new long[] {e});
        shapes.put("lm_head.weight", new long[] {v, e});
        return Collections.unmodifiableMap(shapes);
    }

    /** True for {@code h.N.attn.bias} and {@code h.N.attn.masked_bias} (canonical names, prefix removed). */
    public static boolean isLegacyAttentionBuffer(String canonicalName) {
        return LEGACY_BUFFER.matcher(canonicalName).matches();
    }
}
