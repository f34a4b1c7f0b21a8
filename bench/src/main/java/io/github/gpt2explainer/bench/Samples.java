package io.github.gpt2explainer.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * Repeated measurements of one quantity (milliseconds unless said otherwise), summarised as the
 * median with the spread: min, max and the interquartile range.
 *
 * @param values the measurements, sorted ascending
 */
public record Samples(double[] values) {

    public Samples {
        if (values.length == 0) {
            throw new IllegalArgumentException("no measurements");
        }
        values = values.clone();
        Arrays.sort(values);
    }

    public static Samples of(double... values) {
        return new Samples(values);
    }

    @Override
    public double[] values() {
        return values.clone();
    }

    public int count() {
        return values.length;
    }

    public double median() {
        return quantile(0.5);
    }

    public double min() {
        return values[0];
    }

    public double max() {
        return values[values.length - 1];
    }

    /** Linear interpolation between order statistics (the "R-7" rule numpy uses by default). */
    public double quantile(double q) {
        if (q < 0 || q > 1) {
            throw new IllegalArgumentException("quantile must be in [0, 1], got " + q);
        }
        double position = q * (values.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(below + 1, values.length - 1);
        double fraction = position - below;
        return values[below] + fraction * (values[above] - values[below]);
    }

    /** Each value transformed, e.g. milliseconds to tokens per second. */
    public Samples map(java.util.function.DoubleUnaryOperator f) {
        return new Samples(Arrays.stream(values).map(f).toArray());
    }

    /** "12.3 (11.9-13.0, IQR 12.1-12.6, n=9)" with the given number of decimals. */
    public String describe(int decimals) {
        String f = "%." + decimals + "f";
        return String.format(Locale.ROOT, f + " (" + f + "-" + f + ", IQR " + f + "-" + f + ", n=%d)",
                median(), min(), max(), quantile(0.25), quantile(0.75), values.length);
    }
}
