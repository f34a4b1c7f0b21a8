package io.github.gpt2explainer.forward;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The one place that spells trace names: {@code tokens}, {@code embed.token}, {@code h.<l>.attn.q},
 * {@code ln_f.out}, {@code logits}, ... The site and the trace store key tensors by these strings.
 */
public final class CaptureNames {

    /** The step's input token ids, [T]. */
    public static final String TOKENS = "tokens";

    private static final String LAYER_PREFIX = "h.";

    private CaptureNames() {
    }

    /** The name of a model-level kind, e.g. {@code embed.sum}; rejects per-layer kinds. */
    public static String of(CaptureKind kind) {
        if (kind.perLayer()) {
            throw new IllegalArgumentException(kind + " is recorded per layer: give the layer index");
        }
        return kind.suffix();
    }

    /** The name of a per-layer kind in layer {@code layer}, e.g. {@code h.3.attn.softmax}; rejects model-level kinds. */
    public static String of(int layer, CaptureKind kind) {
        if (!kind.perLayer()) {
            throw new IllegalArgumentException(kind + " is a model-level tensor and has no layer");
        }
        if (layer < 0) {
            throw new IllegalArgumentException("layer index must be >= 0, got " + layer);
        }
        return LAYER_PREFIX + layer + "." + kind.suffix();
    }

    /** Either of the two forms above; {@code layer} is ignored for model-level kinds. */
    public static String name(CaptureKind kind, int layer) {
        return kind.perLayer() ? of(layer, kind) : of(kind);
    }

    /** Every tensor name a full capture of a model with {@code layers} blocks produces, in pass order (without {@link #TOKENS}). */
    public static List<String> all(int layers) {
        List<String> names = new ArrayList<>();
        for (CaptureKind kind : CaptureKind.values()) {
            if (!kind.perLayer() && kind.ordinal() < CaptureKind.LN_1_OUT.ordinal()) {
                names.add(of(kind));
            }
        }
        for (int l = 0; l < layers; l++) {
            for (CaptureKind kind : CaptureKind.values()) {
                if (kind.perLayer()) {
                    names.add(of(l, kind));
                }
            }
        }
        names.add(of(CaptureKind.LN_F_OUT));
        names.add(of(CaptureKind.LOGITS));
        return Collections.unmodifiableList(names);
    }
}
