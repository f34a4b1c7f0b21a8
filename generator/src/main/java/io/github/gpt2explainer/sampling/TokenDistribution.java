package io.github.gpt2explainer.sampling;

/**
 * The final next-token distribution over the whole vocabulary after temperature, top-k and top-p,
 * built by {@link Sampler#distribution}. Immutable.
 *
 * <p>Draws use the inverse CDF over token ids in ascending order: with {@code w} the unnormalised
 * weights (zero for removed tokens) and {@code W} their sum accumulated in id order, {@code draw(u)}
 * returns the smallest id whose running sum exceeds {@code u * W}.
 */
public final class TokenDistribution {

    private final double[] weights;     // [V] unnormalised, 0 for removed tokens
    private final boolean[] kept;       // [V]
    private final double total;         // the weights' sum, accumulated in id order

    TokenDistribution(double[] weights, boolean[] kept) {
        this.weights = weights;
        this.kept = kept;
        double running = 0;
        for (double w : weights) {
            running += w;
        }
        this.total = running;
        if (!(total > 0) || !Double.isFinite(total)) {
            throw new IllegalStateException("distribution has no mass (total weight " + total + ")");
        }
    }

    public int vocabSize() {
        return weights.length;
    }

    /** Probability of {@code tokenId}; 0.0 for removed tokens. */
    public double probability(int tokenId) {
        checkId(tokenId);
        return weights[tokenId] / total;
    }

    /** All probabilities, indexed by token id (a fresh copy). */
    public double[] probabilities() {
        double[] p = new double[weights.length];
        for (int id = 0; id < p.length; id++) {
            p[id] = weights[id] / total;
        }
        return p;
    }

    /** Whether top-k/top-p (or greedy) kept this token. */
    public boolean isKept(int tokenId) {
        checkId(tokenId);
        return kept[tokenId];
    }

    /** Number of tokens kept by the filters. */
    public int keptCount() {
        int n = 0;
        for (boolean k : kept) {
            n += k ? 1 : 0;
        }
        return n;
    }

    /**
     * The token chosen by the uniform draw {@code u}: the smallest id whose running weight sum exceeds
     * {@code u * total}.
     *
     * @throws IllegalArgumentException if u is not in [0, 1)
     */
    public int draw(double u) {
        Sampler.requireUniform(u);
        double target = u * total;
        // The running sum in id order, the same additions that made the total: the first id whose sum exceeds the
        // target. A scan, not a binary search over a stored [V] running sum: it is drawn once, for every row of a step.
        double running = 0;
        for (int id = 0; id < weights.length; id++) {
            running += weights[id];
            if (running > target) {
                return id;
            }
        }
        // u * total rounded up to total: take the last token that carries weight.
        return lastWeighted();
    }

    /** The unnormalised weights themselves, [V], for ranking within this package; not to be changed. */
    double[] weightsView() {
        return weights;
    }

    private int lastWeighted() {
        for (int id = weights.length - 1; id >= 0; id--) {
            if (weights[id] > 0) {
                return id;
            }
        }
        throw new IllegalStateException("unreachable: total weight is positive");
    }

    private void checkId(int tokenId) {
        if (tokenId < 0 || tokenId >= weights.length) {
            throw new IllegalArgumentException(
                    "token id " + tokenId + " is outside the vocabulary [0, " + weights.length + ")");
        }
    }
}
