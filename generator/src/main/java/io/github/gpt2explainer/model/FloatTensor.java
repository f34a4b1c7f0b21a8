package io.github.gpt2explainer.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * A named F32 tensor in row-major order. The data may live off the Java heap (a memory-mapped
 * file region or a direct buffer); a stored F16 or BF16 tensor is widened to F32 when read as one
 * ({@link StoredTensor#toFloatTensor()}). It is also {@link ParameterValues} that the engine can load.
 *
 * @param name  the canonical GPT-2 name without any {@code transformer.} prefix, e.g. {@code h.0.attn.c_attn.weight}
 * @param shape the dimensions, outermost first
 * @param data  exactly product(shape) floats, position 0 at the first element
 */
public record FloatTensor(String name, long[] shape, FloatBuffer data) implements ParameterValues {

    public FloatTensor {
        shape = shape.clone();
        long n = elementCount(shape);
        if (data.remaining() != n) {
            throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " needs " + n
                    + " floats, buffer has " + data.remaining());
        }
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public long size() {
        return elementCount(shape);
    }

    @Override
    public SafetensorsDtype dtype() {
        return SafetensorsDtype.F32;
    }

    @Override
    public void copyTo(long firstElement, ByteBuffer target) {
        int count = target.remaining() / Float.BYTES;
        FloatBuffer source = view();
        source.position(Math.toIntExact(firstElement)).limit(Math.toIntExact(firstElement + count));
        target.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(source);
    }

    /** A fresh read-only view positioned at the first element. */
    public FloatBuffer view() {
        return data.duplicate().asReadOnlyBuffer();
    }

    public static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
