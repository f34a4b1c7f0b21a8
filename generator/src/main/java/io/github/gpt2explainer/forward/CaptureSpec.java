package io.github.gpt2explainer.forward;

/**
 * Whether a forward step records its intermediates: every one of every layer, or none. Nothing outside the
 * tests ever wanted a subset, so there is no per-kind or per-layer filter.
 */
public enum CaptureSpec {
    /** Record nothing: the fastest pass, returning only the last position's logits. */
    NONE,
    /** Record every intermediate of every layer, named as in {@link CaptureNames}. */
    ALL;

    public static CaptureSpec none() {
        return NONE;
    }

    public static CaptureSpec all() {
        return ALL;
    }

    public boolean isNone() {
        return this == NONE;
    }
}
