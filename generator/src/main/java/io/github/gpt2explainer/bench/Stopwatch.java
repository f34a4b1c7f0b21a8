package io.github.gpt2explainer.bench;

/** Wall-clock timing of repeated work after warm-up runs that are not counted. */
public final class Stopwatch {

    private final int warmups;
    private final int repetitions;

    public Stopwatch(int warmups, int repetitions) {
        if (warmups < 0 || repetitions < 1) {
            throw new IllegalArgumentException("need warmups >= 0 and repetitions >= 1, got " + warmups
                    + " and " + repetitions);
        }
        this.warmups = warmups;
        this.repetitions = repetitions;
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
            long start = System.nanoTime();
            work.run();
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        return new Samples(ms);
    }

    /** Milliseconds of one call, for work too slow to repeat. */
    public static double once(Runnable work) {
        long start = System.nanoTime();
        work.run();
        return (System.nanoTime() - start) / 1e6;
    }
}
