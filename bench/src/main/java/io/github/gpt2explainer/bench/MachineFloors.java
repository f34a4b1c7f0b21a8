package io.github.gpt2explainer.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * What this machine can do at best, measured with the same engine (PyTorch through DJL, same threads)
 * our forward pass uses, so the floors are what our engine could reach here, not a datasheet figure.
 *
 * <ul>
 *   <li>SGEMM rate: one n x n x n float32 matMul (2 n^3 floating-point operations), GFLOP/s.
 *   <li>Memory bandwidth: reading a float32 array far larger than every cache once, two ways: a sum
 *       over 1 GiB, and a matrix-vector product with a 1 GiB matrix (what a decode step does with its
 *       weights). Bytes / time is the streaming read bandwidth, GB/s (10^9 bytes); the higher of the two is
 *       the best this engine reads memory here.
 * </ul>
 *
 * <p>Each measurement is a {@link Probe}, which can also be timed in pairs with our own work
 * ({@link Stopwatch#timePaired}) so that a ratio to a floor compares runs taken at the same moment.
 */
public final class MachineFloors {

    /**
     * The work of one floor measurement, holding its native arrays until closed.
     *
     * @param name   what it does, for the report
     * @param amount floating-point operations (compute probes) or bytes read (bandwidth probes) per run
     * @param rateUnit {@link #GFLOPS} or {@link #GBS}: amount per nanosecond
     */
    public record Probe(String name, double amount, String rateUnit, NDManager scope, Runnable work)
            implements Runnable, AutoCloseable {

        @Override
        public void run() {
            work.run();
        }

        /** Units of {@link #amount} per nanosecond, i.e. GFLOP/s or GB/s, one sample per repetition. */
        public Samples rate(Stopwatch watch) {
            return watch.time(work).map(ms -> amount / (ms * 1e6));
        }

        @Override
        public void close() {
            scope.close();
        }
    }

    public static final String GFLOPS = "GFLOP/s";
    public static final String GBS = "GB/s";

    private MachineFloors() {
    }

    /** An n x n by n x n float32 matMul: 2 n^3 flops. */
    public static Probe sgemm(NDManager parent, int n) {
        NDManager scope = parent.newSubManager();
        NDArray a = scope.randomUniform(-1f, 1f, new Shape(n, n), DataType.FLOAT32);
        NDArray b = scope.randomUniform(-1f, 1f, new Shape(n, n), DataType.FLOAT32);
        return new Probe("SGEMM " + n + "x" + n + "x" + n, 2.0 * n * (double) n * n, GFLOPS, scope, () -> {
            try (NDArray c = a.matMul(b)) {
                c.getFloat(0, 0); // forces the result (eager on CPU anyway)
            }
        });
    }

    /** A [n, n] float32 matrix times an [n, 1] vector: the matrix is read once. */
    public static Probe gemv(NDManager parent, int n) {
        NDManager scope = parent.newSubManager();
        NDArray matrix = scope.ones(new Shape(n, n), DataType.FLOAT32);
        NDArray vector = scope.ones(new Shape(n, 1), DataType.FLOAT32);
        return new Probe(n + "x" + n + " matrix x vector", (double) n * n * Float.BYTES, GBS, scope, () -> {
            try (NDArray y = matrix.matMul(vector)) {
                y.getFloat(0, 0);
            }
        });
    }

    /** A full sum over {@code bytes} bytes of float32: every element read once. */
    public static Probe sum(NDManager parent, long bytes) {
        long count = bytes / Float.BYTES;
        NDManager scope = parent.newSubManager();
        NDArray big = scope.ones(new Shape(count), DataType.FLOAT32);
        return new Probe("sum over " + bytes / (1 << 20) + " MiB", count * (double) Float.BYTES, GBS, scope, () -> {
            try (NDArray s = big.sum()) {
                s.getFloat();
            }
        });
    }

    /** GFLOP/s of an n x n by n x n float32 matMul, one sample per repetition. */
    public static Samples sgemmGflops(NDManager parent, int n, Stopwatch watch) {
        try (Probe probe = sgemm(parent, n)) {
            return probe.rate(watch);
        }
    }

    /** GB/s of a [n, n] float32 matrix times an [n, 1] vector: the matrix is read once. */
    public static Samples gemvBandwidthGBs(NDManager parent, int n, Stopwatch watch) {
        try (Probe probe = gemv(parent, n)) {
            return probe.rate(watch);
        }
    }

    /** GB/s of reading {@code bytes} bytes of float32 once (a full sum). */
    public static Samples readBandwidthGBs(NDManager parent, long bytes, Stopwatch watch) {
        try (Probe probe = sum(parent, bytes)) {
            return probe.rate(watch);
        }
    }
}
