package io.github.gpt2explainer.forward;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Tensor comparison for the tests. Relative error of a tensor = max |actual - expected| over finite
 * entries divided by max |expected| (so tiny entries are judged against the tensor's scale, not
 * their own). Entries that are -infinity in the expected tensor (masked attention) must be exactly
 * -infinity in the actual one, and vice versa.
 */
final class TensorComparison {

    private TensorComparison() {
    }

    static void assertClose(String name, long[] actualShape, float[] actual, long[] expectedShape, double[] expected,
                            double tolerance) {
        assertThat(actualShape).as("%s shape", name).isEqualTo(expectedShape);
        double scale = 0;
        for (double e : expected) {
            if (Double.isFinite(e)) {
                scale = Math.max(scale, Math.abs(e));
            }
        }
        double worst = 0;
        int worstAt = -1;
        for (int i = 0; i < expected.length; i++) {
            boolean expectedMasked = expected[i] == Double.NEGATIVE_INFINITY;
            boolean actualMasked = actual[i] == Float.NEGATIVE_INFINITY;
            if (expectedMasked || actualMasked) {
                if (expectedMasked != actualMasked) {
                    fail("%s at %s: expected %s, got %s (masked entries must be -Infinity on both sides)",
                            name, indexOf(i, expectedShape), expected[i], actual[i]);
                }
                continue;
            }
            if (!Float.isFinite(actual[i])) {
                fail("%s at %s: got non-finite %s, expected %s", name, indexOf(i, expectedShape), actual[i], expected[i]);
            }
            double diff = Math.abs(actual[i] - expected[i]);
            if (diff > worst) {
                worst = diff;
                worstAt = i;
            }
        }
        double relative = worst / Math.max(scale, 1e-30);
        if (relative > tolerance) {
            fail("%s: relative error %.3e > %.1e; largest difference %.3e at %s: got %s, expected %s (tensor scale %.3e)",
                    name, relative, tolerance, worst, indexOf(worstAt, expectedShape), actual[worstAt],
                    expected[worstAt], scale);
        }
    }

    static void assertClose(String name, CapturedTensor actual, ReferenceGpt2.Tensor expected, double tolerance) {
        assertClose(name, actual.shape(), actual.toArray(), expected.shape(), expected.data(), tolerance);
    }

    static void assertClose(String name, long[] actualShape, float[] actual, long[] expectedShape, float[] expected,
                            double tolerance) {
        double[] wide = new double[expected.length];
        for (int i = 0; i < expected.length; i++) {
            wide[i] = expected[i];
        }
        assertClose(name, actualShape, actual, expectedShape, wide, tolerance);
    }

    static void assertClose(String name, CapturedTensor actual, CapturedTensor expected, double tolerance) {
        assertClose(name, actual.shape(), actual.toArray(), expected.shape(), expected.toArray(), tolerance);
    }

    private static String indexOf(int flat, long[] shape) {
        long[] index = new long[shape.length];
        long rest = flat;
        for (int i = shape.length - 1; i >= 0; i--) {
            index[i] = rest % shape[i];
            rest /= shape[i];
        }
        return Arrays.toString(index);
    }
}
