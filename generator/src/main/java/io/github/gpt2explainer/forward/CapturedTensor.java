package io.github.gpt2explainer.forward;

import java.lang.ref.Reference;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * One recorded intermediate: row-major float32 values with a name and a shape.
 *
 * <p>A tensor captured by {@link Gpt2Model} is read in place from native memory owned by its trace (see
 * {@link CaptureMemory}): it stays readable until its {@link CapturedPass} is closed, after which every read
 * throws {@link IllegalStateException}. A tensor made by {@link #of} (read back from the trace store, or
 * built by a test) lives in a Java array and never expires.
 */
public final class CapturedTensor {

    private final String name;
    private final long[] shape;
    private final int size;
    private final FloatBuffer values;  // read-only, absolute reads only
    private final CaptureMemory memory;  // the owner of `values`, or null when they are on the Java heap

    private CapturedTensor(String name, long[] shape, FloatBuffer values, CaptureMemory memory) {
        this.name = name;
        this.shape = shape.clone();
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n != values.remaining()) {
            throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " needs " + n
                    + " values, got " + values.remaining());
        }
        this.size = values.remaining();
        this.values = values.slice();
        this.memory = memory;
    }

    /** A tensor over {@code data}, which is handed over, not copied: do not change it afterwards. */
    public static CapturedTensor of(String name, long[] shape, float[] data) {
        return new CapturedTensor(name, shape, FloatBuffer.wrap(data).asReadOnlyBuffer(), null);
    }

    /** A tensor read in place from {@code memory}, valid while that memory is open. */
    static CapturedTensor inMemory(String name, long[] shape, FloatBuffer values, CaptureMemory memory) {
        return new CapturedTensor(name, shape, values, memory);
    }

    public String name() {
        return name;
    }

    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public long dim(int axis) {
        return shape[axis];
    }

    /** The number of values, the product of the shape. */
    public int size() {
        return size;
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
        return get((int) flat);
    }

    /** The value at a row-major flat index. */
    public float get(int flatIndex) {
        requireReadable();
        try {
            return values.get(flatIndex);
        } finally {
            Reference.reachabilityFence(memory); // the memory may not be freed while the read runs
        }
    }

    /** A copy of all values, row-major. */
    public float[] toArray() {
        return copyRange(0, size);
    }

    /** A copy of {@code length} values from the flat index {@code from}, e.g. one row. */
    public float[] copyRange(int from, int length) {
        requireReadable();
        try {
            float[] out = new float[length];
            values.get(from, out);
            return out;
        } finally {
            Reference.reachabilityFence(memory);
        }
    }

    /** Frees this tensor's native memory, and that of every tensor of the same step and sequence. */
    void release() {
        if (memory != null) {
            memory.close();
        }
    }

    private void requireReadable() {
        if (memory != null && !memory.isOpen()) {
            throw new IllegalStateException(name + " was read after its trace was closed; close a trace "
                    + "only when its tensors are no longer needed");
        }
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
