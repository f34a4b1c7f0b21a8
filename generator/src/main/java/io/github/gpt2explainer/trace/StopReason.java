package io.github.gpt2explainer.trace;

/** Why a generation ended. */
public enum StopReason {
    /** The model produced {@code <|endoftext|>}. */
    END_OF_TEXT,
    /** {@code max_new_tokens} steps were taken. */
    MAX_NEW_TOKENS,
    /** The sequence reached the model's context length (n_positions). */
    CONTEXT_LIMIT
}
