package io.github.gpt2explainer.bench;

import java.util.function.LongSupplier;

/**
 * Wall-clock timing of repeated work after warm-up runs that are not counted.
 *
 * <p>{@link #time} samples one quantity in a block. {@link #timePaired} samples two quantities in adjacent
 * pairs, for a ratio that survives the machine's drift: on a shared machine the same work moves 20-40%
 * between blocks taken seconds apart, while the two runs of one pair see nearly the same machine.
 */
public final class Stopwatch {

    /**
     * One timed run with untimed preparation just before it, e.g. re-forking a KV cache so that every
     * decode step starts from the same cached length.
     */
    public record Trial(Runnable prepare, Runnable work) {
        public static Trial of(Runnable work) {
            return new Trial(() -> { }, work);
        }
    }

    private final int warmups;
    private final int repetitions;
    private final LongSupplier nanoClock;

    public Stopwatch(int warmups, int repetitions) {
        this(warmups, repetitions, System::nanoTime);
    }

    /** With a clock in nanoseconds, so tests can time fake work deterministically. */
    Stopwatch(int warmups, int repetitions, LongSupplier nanoClock) {
        if (warmups < 0 || repetitions < 1) {
            throw new IllegalArgumentException("need warmups >= 0 and repetitions >= 1, got " + warmups
                    + " and " + repetitions);
        }
        this.warmups = warmups;
        this.repetitions = repetitions;
        this.nanoClock = nanoClock;
    }

    public int repetitions() {
        return repetitions;
    }

    /** Milliseconds per run of {@code work}. */
    public Samples time(Runnable work) {
        for (int i = 0; i < warmups; i++) {
            work.run();
        }
        double[] ms = new double[repetitions];
        for (int i = 0; i < repetitions; i++) {
            ms[i] = timeOnce(Trial.of(work));
        }
        return new Samples(ms);
    }

    /** {@link #timePaired(Trial, Trial)} without preparation. */
    public Paired timePaired(Runnable a, Runnable b) {
        return timePaired(Trial.of(a), Trial.of(b));
    }

    /**
     * {@code repetitions} pairs of one run of {@code a} and one of {@code b}, alternating which goes first
     * (A B, B A, A B, B A, ...: ABBA order, so neither side always runs on a cache the other just
     * warmed or cooled), after {@code warmups} uncounted pairs in the same order. The ratio of each pair,
     * A ms / B ms, is one sample of {@link Paired#ratio()}.
     */
    public Paired timePaired(Trial a, Trial b) {
        for (int i = 0; i < warmups; i++) {
            runPair(i, a, b);
        }
        double[] aMs = new double[repetitions];
        double[] bMs = new double[repetitions];
        double[] ratio = new double[repetitions];
        for (int i = 0; i < repetitions; i++) {
            double[] pair = runPair(i, a, b);
            aMs[i] = pair[0];
            bMs[i] = pair[1];
            ratio[i] = pair[0] / pair[1];
        }
        return new Paired(new Samples(aMs), new Samples(bMs), new Samples(ratio));
    }

    /** Pair {@code index}: A then B when even, B then A when odd; returns {A ms, B ms}. */
    private double[] runPair(int index, Trial a, Trial b) {
        if (index % 2 == 0) {
            double aMs = timeOnce(a);
            return new double[] {aMs, timeOnce(b)};
        }
        double bMs = timeOnce(b);
        return new double[] {timeOnce(a), bMs};
    }

    private double timeOnce(Trial trial) {
        trial.prepare().run();
        long start = nanoClock.getAsLong();
        trial.work().run();
        return (nanoClock.getAsLong() - start) / 1e6;
    }

    /** Milliseconds of one call, for work too slow to repeat. */
    public static double once(Runnable work) {
        long start = System.nanoTime();
        work.run();
        return (System.nanoTime() - start) / 1e6;
    }
}
