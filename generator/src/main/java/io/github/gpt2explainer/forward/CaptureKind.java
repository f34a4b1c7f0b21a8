package io.github.gpt2explainer.forward;

/**
 * Every kind of intermediate tensor the forward pass can record. Model-level kinds occur once per
 * step ({@code embed.sum}); layer kinds occur once per block ({@code h.3.attn.softmax}). Shapes are
 * given for a step of T new tokens attending over S = (cached + T) keys.
 *
 * <p>{@code logits} are the last position's only; {@code ln_f.out} is recorded at every position. Why: the
 * README's "The trace format".
 */
public enum CaptureKind {
    EMBED_TOKEN("embed.token", false),        // [T, E]
    EMBED_POSITION("embed.position", false),  // [T, E]
    EMBED_SUM("embed.sum", false),            // [T, E]
    LN_1_OUT("ln_1.out", true),               // [T, E]
    ATTN_Q("attn.q", true),                   // [H, T, D]
    ATTN_K("attn.k", true),                   // [H, T, D]  (the new positions only)
    ATTN_V("attn.v", true),                   // [H, T, D]  (the new positions only)
    ATTN_SCORES("attn.scores", true),         // [H, T, S]
    ATTN_SCALED("attn.scaled", true),         // [H, T, S]
    ATTN_MASKED("attn.masked", true),         // [H, T, S]  future keys hold -infinity
    ATTN_SOFTMAX("attn.softmax", true),       // [H, T, S]
    ATTN_HEADS("attn.heads", true),           // [H, T, D]
    ATTN_PROJ("attn.proj", true),             // [T, E]
    RESID_MID("resid_mid", true),             // [T, E]
    LN_2_OUT("ln_2.out", true),               // [T, E]
    MLP_FC("mlp.fc", true),                   // [T, 4E]
    MLP_GELU("mlp.gelu", true),               // [T, 4E]
    MLP_PROJ("mlp.proj", true),               // [T, E]
    RESID_POST("resid_post", true),           // [T, E]
    LN_F_OUT("ln_f.out", false),              // [T, E]
    LOGITS("logits", false);                  // [1, V]  the last position only: the step's prediction

    private final String suffix;
    private final boolean perLayer;

    CaptureKind(String suffix, boolean perLayer) {
        this.suffix = suffix;
        this.perLayer = perLayer;
    }

    /** The name without any layer prefix, e.g. {@code attn.softmax}. */
    public String suffix() {
        return suffix;
    }

    /** True when the kind is recorded once per transformer block under {@code h.<l>.}. */
    public boolean perLayer() {
        return perLayer;
    }
}
