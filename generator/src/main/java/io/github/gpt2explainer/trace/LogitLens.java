package io.github.gpt2explainer.trace;

/**
 * What the model would predict if it stopped after each block: the final layer norm and the LM head
 * applied to the residual stream {@code h.l.resid_post}. Row {@code l} is after block {@code l}; the
 * last row therefore equals the model's own prediction.
 *
 * @param ids    [layers][positions][k] token ids, most likely first
 * @param probs  [layers][positions][k] their softmax probabilities (temperature 1, full vocabulary)
 */
public record LogitLens(int[][][] ids, float[][][] probs) {
    public int layers() {
        return ids.length;
    }

    public int positions() {
        return ids.length == 0 ? 0 : ids[0].length;
    }
}
