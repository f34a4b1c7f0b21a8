package io.github.gpt2explainer.bench;

import io.github.gpt2explainer.model.Gpt2Config;

/**
 * Analytic work of our forward pass, for the compute and memory floors. Counts multiply-adds as two
 * operations and ignores layer norms, GELU, softmax and bias adds (under 1% here).
 */
public final class Gpt2Cost {

    private Gpt2Cost() {
    }

    /**
     * Floating-point operations of a prefill of {@code t} tokens from an empty cache that computes the
     * logits of the last position only (our fast path): per layer the four weight matMuls (12 E^2 per
     * token) and attention (QK^T and softmax x V, 2 x 2 T S E with S = T), then the head (2 E V).
     */
    public static double prefillFlops(Gpt2Config c, int t) {
        double e = c.width();
        double perLayer = 2.0 * t * 12 * e * e + 4.0 * t * t * e;
        return c.layers() * perLayer + 2.0 * e * c.vocabSize();
    }

    /** The same pass computing logits at every position, as a reference implementation would (~4 GFLOP at T=16). */
    public static double prefillFlopsAllLogits(Gpt2Config c, int t) {
        return prefillFlops(c, t) + 2.0 * (t - 1) * c.width() * (double) c.vocabSize();
    }

    /**
     * Bytes of float32 weights one decode step must read at least once: every block's four matrices
     * and the head ({@code lm_head}, E x V). Biases and layer norms are ignored (0.1%).
     */
    public static double decodeWeightBytes(Gpt2Config c) {
        double e = c.width();
        return Float.BYTES * (c.layers() * 12 * e * e + e * c.vocabSize());
    }
}
