package io.github.gpt2explainer.forward;

import java.util.Arrays;

/**
 * One recorded intermediate, copied out of native memory: row-major float32.
 * The data array is handed over, not copied: treat it as read-only.
 *
 * @param name  the trace name, e.g. {@code h.0.attn.softmax} (see {@link TraceNames})
 * @param shape the dimensions, outermost first
 * @param data  exactly product(shape) values
 */
public record CapturedTensor(String name, long[] shape, float[] data) {

    public CapturedTensor {
        shape = shape.clone();
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " needs " + n
                    + " values, got " + data.length);
        }
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public long dim(int axis) {
        return shape[axis];
    }

    /** The value at a full multi-index, e.g. {@code at(head, query, key)}. */
    public float at(long... index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException(name + ": index " + Arrays.toString(index) + " has rank "
                    + index.length + ", tensor has shape " + Arrays.toString(shape));
        }
        long flat = 0;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new IndexOutOfBoundsException(name + ": index " + Arrays.toString(index)
                        + " outside shape " + Arrays.toString(shape));
            }
            flat = flat * shape[i] + index[i];
        }
        return data[(int) flat];
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
