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
 */
public final class MachineFloors {

    private MachineFloors() {
    }

    /** GFLOP/s of an n x n by n x n float32 matMul, one sample per repetition. */
    public static Samples sgemmGflops(NDManager parent, int n, Stopwatch watch) {
        try (NDManager scope = parent.newSubManager()) {
            NDArray a = scope.randomUniform(-1f, 1f, new Shape(n, n), DataType.FLOAT32);
            NDArray b = scope.randomUniform(-1f, 1f, new Shape(n, n), DataType.FLOAT32);
            Samples ms = watch.time(() -> {
                try (NDArray c = a.matMul(b)) {
                    c.getFloat(0, 0); // forces the result (eager on CPU anyway)
                }
            });
            double flops = 2.0 * n * (double) n * n;
            return ms.map(t -> flops / (t * 1e6));
        }
    }

    /** GB/s of a [n, n] float32 matrix times an [n, 1] vector: the matrix is read once. */
    public static Samples gemvBandwidthGBs(NDManager parent, int n, Stopwatch watch) {
        try (NDManager scope = parent.newSubManager()) {
            NDArray matrix = scope.ones(new Shape(n, n), DataType.FLOAT32);
            NDArray vector = scope.ones(new Shape(n, 1), DataType.FLOAT32);
            Samples ms = watch.time(() -> {
                try (NDArray y = matrix.matMul(vector)) {
                    y.getFloat(0, 0);
                }
            });
            double read = (double) n * n * Float.BYTES;
            return ms.map(t -> read / (t * 1e6));
        }
    }

    /** GB/s of reading {@code bytes} bytes of float32 once (a full sum). */
    public static Samples readBandwidthGBs(NDManager parent, long bytes, Stopwatch watch) {
        long count = bytes / Float.BYTES;
        try (NDManager scope = parent.newSubManager()) {
            NDArray big = scope.ones(new Shape(count), DataType.FLOAT32);
            Samples ms = watch.time(() -> {
                try (NDArray s = big.sum()) {
                    s.getFloat();
                }
            });
            double read = count * (double) Float.BYTES;
            return ms.map(t -> read / (t * 1e6));
        }
    }
}
