package io.github.gpt2explainer.forward;

import java.util.BitSet;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which intermediates a forward step copies out of native memory. {@link #none()} is the fast path:
 * nothing is recorded and only the last position's logits are computed. Layer filters restrict
 * per-layer kinds; model-level kinds are unaffected by them.
 *
 * @param kinds  the kinds to record
 * @param layers the layers whose per-layer kinds are recorded, or {@code null} for every layer
 */
public record CaptureSpec(Set<CaptureKind> kinds, BitSet layers) {

    public CaptureSpec {
        kinds = kinds.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(kinds));
        layers = layers == null ? null : (BitSet) layers.clone();
    }

    /** Record nothing: the fastest pass, returning only the last position's logits. */
    public static CaptureSpec none() {
        return new CaptureSpec(Set.of(), null);
    }

    /** Record every intermediate of every layer. */
    public static CaptureSpec all() {
        return new CaptureSpec(EnumSet.allOf(CaptureKind.class), null);
    }

    public static CaptureSpec of(Collection<CaptureKind> kinds) {
        return new CaptureSpec(kinds.isEmpty() ? Set.of() : EnumSet.copyOf(kinds), null);
    }

    public static CaptureSpec of(CaptureKind first, CaptureKind... rest) {
        return new CaptureSpec(EnumSet.of(first, rest), null);
    }

    /** The same kinds, but per-layer kinds only for the given layer indices. */
    public CaptureSpec onlyLayers(int... layerIndices) {
        BitSet selected = new BitSet();
        for (int l : layerIndices) {
            if (l < 0) {
                throw new IllegalArgumentException("layer index must be >= 0, got " + l);
            }
            selected.set(l);
        }
        return new CaptureSpec(kinds, selected);
    }

    @Override
    public BitSet layers() {
        return layers == null ? null : (BitSet) layers.clone();
    }

    /** Whether a model-level kind is recorded. */
    public boolean captures(CaptureKind kind) {
        return kinds.contains(kind);
    }

    /** Whether {@code kind} is recorded for {@code layer} (the layer is ignored for model-level kinds). */
    public boolean captures(CaptureKind kind, int layer) {
        if (!kinds.contains(kind)) {
            return false;
        }
        return !kind.perLayer() || layers == null || layers.get(layer);
    }

    public boolean isNone() {
        return kinds.isEmpty();
    }
}
