package io.github.gpt2explainer.bench;

/**
 * Two quantities timed in adjacent pairs ({@link Stopwatch#timePaired}): each side's own milliseconds,
 * and the ratio A / B of every pair. The median of the per-pair ratios is the figure to judge a ratio by:
 * it cancels the machine's slow drift, which the ratio of two medians taken from different moments
 * does not.
 *
 * @param a     A's milliseconds, one per pair
 * @param b     B's milliseconds, one per pair
 * @param ratio A ms / B ms of each pair (not the ratio of the medians)
 */
public record Paired(Samples a, Samples b, Samples ratio) {

    public Paired {
        if (a.count() != b.count() || a.count() != ratio.count()) {
            throw new IllegalArgumentException("a pair needs one sample of each side and one ratio, got "
                    + a.count() + " A, " + b.count() + " B and " + ratio.count() + " ratios");
        }
    }

    /**
     * The same pairs with every B converted by {@code factor} (e.g. a probe's milliseconds to the
     * milliseconds a floor allows for other work): B is multiplied by it, so every ratio is divided by it.
     */
    public Paired withBScaled(double factor) {
        if (!(factor > 0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("the scale of B must be a positive finite number, got " + factor);
        }
        return new Paired(a, b.map(ms -> ms * factor), ratio.map(r -> r / factor));
    }

    /** "1.23x (IQR 1.18-1.30)": the paired median with its interquartile range. */
    public String describeRatio() {
        return Report.ratio(ratio.median()) + " (IQR " + Report.fmt(ratio.quantile(0.25), 2) + "-"
                + Report.fmt(ratio.quantile(0.75), 2) + ")";
    }
}
