package io.github.gpt2explainer.site;

import io.github.gpt2explainer.forward.CapturedTensor;

/**
 * The per-token statistics a layer norm computes from its input: the mean and the (biased, 1/E) variance of
 * each row. The forward pass does not record them as tensors; they are derived exactly from the captured
 * input of the norm (the residual stream entering it), in double precision, so the site can show the
 * normalisation step by step: {@code (x - mean) / sqrt(variance + eps)}, then the learned gain and bias.
 *
 * @param mean     [T] mean of each row
 * @param variance [T] mean squared deviation of each row (what GPT-2's LayerNorm divides by, before eps)
 */
public record LayerNormStats(float[] mean, float[] variance) {

    /** [T, E] -> per-row mean and variance, accumulated in double (two passes, no cancellation). */
    public static LayerNormStats of(CapturedTensor input) {
        if (input.rank() != 2) {
            throw new IllegalArgumentException(input.name() + ": a layer norm input must be [T, E], got shape "
                    + java.util.Arrays.toString(input.shape()));
        }
        int rows = (int) input.dim(0);
        int width = (int) input.dim(1);
        float[] data = input.toArray();
        float[] mean = new float[rows];
        float[] variance = new float[rows];
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int c = 0; c < width; c++) {
                sum += data[r * width + c];
            }
            double mu = sum / width;
            double squares = 0;
            for (int c = 0; c < width; c++) {
                double d = data[r * width + c] - mu;
                squares += d * d;
            }
            mean[r] = (float) mu;
            variance[r] = (float) (squares / width);
        }
        return new LayerNormStats(mean, variance);
    }
}
