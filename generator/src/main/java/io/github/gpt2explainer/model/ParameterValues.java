package io.github.gpt2explainer.model;

import java.nio.ByteBuffer;

/**
 * A parameter's values in the element type they are stored in (F32, F16 or BF16), copied on request into
 * memory that someone else owns: the engine allocates its tensors and has them filled, so loading needs no
 * second copy of the weights in Java.
 */
public interface ParameterValues {

    /** The canonical GPT-2 name, e.g. {@code h.0.attn.c_attn.weight}. */
    String name();

    /** The dimensions, outermost first. */
    long[] shape();

    /** {@link SafetensorsDtype#F32}, {@link SafetensorsDtype#F16} or {@link SafetensorsDtype#BF16}. */
    SafetensorsDtype dtype();

    /**
     * Fills {@code target} from its position to its limit with the elements from {@code firstElement} on,
     * in row-major order, each in {@link #dtype()}'s little-endian encoding. The target's position is left
     * unchanged.
     *
     * @throws CheckpointException when the values cannot be read (a file that changed or became unreadable)
     */
    void copyTo(long firstElement, ByteBuffer target);

    /** Number of elements. */
    default long size() {
        return FloatTensor.elementCount(shape());
    }
}
