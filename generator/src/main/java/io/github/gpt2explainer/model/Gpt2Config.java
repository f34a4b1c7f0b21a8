package io.github.gpt2explainer.model;

/**
 * The hyper-parameters of a GPT-2-family model, as named in a Hugging Face {@code config.json}.
 *
 * @param vocabSize        V, number of tokens
 * @param contextLength    n_positions, the longest sequence the position table covers
 * @param width            E = n_embd
 * @param layers           n_layer
 * @param heads            H = n_head; E must be divisible by H
 * @param layerNormEpsilon added to the variance in every layer norm
 */
public record Gpt2Config(int vocabSize, int contextLength, int width, int layers, int heads, double layerNormEpsilon) {

    public Gpt2Config {
        if (vocabSize < 1 || contextLength < 1 || width < 1 || layers < 1 || heads < 1) {
            throw new IllegalArgumentException("every size must be positive: " + this);
        }
        if (width % heads != 0) {
            throw new IllegalArgumentException("n_embd " + width + " is not divisible by n_head " + heads);
        }
        if (!(layerNormEpsilon > 0) || !Double.isFinite(layerNormEpsilon)) {
            throw new IllegalArgumentException("layer_norm_epsilon must be a positive number, got " + layerNormEpsilon);
        }
    }

    /** D = E / H, the width of one attention head. */
    public int headDim() {
        return width / heads;
    }

    /** The width of the MLP's hidden layer (GPT-2 always uses 4E). */
    public int mlpWidth() {
        return 4 * width;
    }
}
