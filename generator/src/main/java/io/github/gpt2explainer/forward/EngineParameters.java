package io.github.gpt2explainer.forward;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.gpt2explainer.model.Checkpoint;
import io.github.gpt2explainer.model.CheckpointException;
import io.github.gpt2explainer.model.ParameterValues;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Puts a checkpoint's parameters into PyTorch float32 tensors without a copy of the weights in Java:
 * PyTorch allocates each tensor, and the stored bytes are read straight into its memory (for a checkpoint
 * on disk, ordinary positional file reads into a view of the tensor). Nothing goes through Java direct
 * buffers, so the JVM's direct-memory limit plays no part, and the weights are in memory once.
 *
 * <p>Element types: F32 is read as is. F16 is read into a staging tensor that the engine converts from
 * float16. BF16 is never made a bfloat16 array (DJL's bfloat16 arrays can kill the JVM): its two bytes per
 * element are read into the staging tensor and the engine copies them into the upper half of each float32
 * of the destination, zeroing the lower half, which is exactly the widening bfloat16 -> float32 (both
 * little-endian).
 */
final class EngineParameters implements AutoCloseable {

    /** Rows of the transposed head are moved in chunks of about this many bytes, not all at once. */
    static final long CHUNK_BYTES = 16L << 20;

    private final Checkpoint checkpoint;
    private final NDManager manager;
    private final long chunkBytes;
    private NDArray staging;          // uint8 [largest F16/BF16 tensor's bytes], made on first use
    private ByteBuffer stagingBytes;  // a view of its memory

    EngineParameters(Checkpoint checkpoint, NDManager manager) {
        this(checkpoint, manager, CHUNK_BYTES);
    }

    EngineParameters(Checkpoint checkpoint, NDManager manager, long chunkBytes) {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new IllegalStateException("loading weights needs a little-endian machine, as safetensors files are");
        }
        this.checkpoint = checkpoint;
        this.manager = manager;
        this.chunkBytes = chunkBytes;
    }

    /** The parameter as a float32 tensor of {@code expectedShape} in the model's manager. */
    NDArray load(String name, long... expectedShape) {
        ParameterValues values = checked(name, expectedShape);
        return read(values, 0, new Shape(expectedShape), manager);
    }

    /**
     * A [rows, cols] parameter as its [cols, rows] transpose, so the head's matMul reads it in row-major
     * order. Built a chunk of rows at a time, so the only extra memory is one chunk, not a second full copy.
     */
    NDArray loadTransposed(String name, int rows, int cols) {
        ParameterValues values = checked(name, rows, cols);
        NDArray transposed = manager.create(new Shape(cols, rows), DataType.FLOAT32);  // [cols, rows], uninitialized
        int chunkRows = (int) Math.max(1, Math.min(rows, chunkBytes / ((long) cols * Float.BYTES)));
        for (int first = 0; first < rows; first += chunkRows) {
            int count = Math.min(chunkRows, rows - first);
            try (NDManager scope = manager.newSubManager()) {
                NDArray chunk = read(values, (long) first * cols, new Shape(count, cols), scope); // [count, cols]
                transposed.set(new NDIndex().addAllDim().addSliceDim(first, first + count),
                        chunk.transpose());                                                    // [cols, count]
            }
        }
        return transposed;
    }

    /** Elements {@code first ..} of {@code values}, {@code shape.size()} of them, as a new float32 tensor in {@code into}. */
    private NDArray read(ParameterValues values, long first, Shape shape, NDManager into) {
        long count = shape.size();
        return switch (values.dtype()) {
            case F32 -> {
                NDArray out = into.create(shape, DataType.FLOAT32);
                values.copyTo(first, bytesOf(out, values));
                yield out;
            }
            case F16 -> {
                ByteBuffer stored = stage(count * 2, values);
                values.copyTo(first, stored);
                try (NDManager scope = into.newSubManager()) {
                    NDArray half = scope.create(stored, shape, DataType.FLOAT16);          // a view of the staging memory
                    NDArray out = half.toType(DataType.FLOAT32, false);
                    out.attach(into);
                    yield out;
                }
            }
            case BF16 -> {
                ByteBuffer stored = stage(count * 2, values);
                values.copyTo(first, stored);
                NDArray out = into.create(shape, DataType.FLOAT32);
                try (NDManager scope = into.newSubManager()) {
                    NDArray storedBytes = scope.create(stored, new Shape(count, 2), DataType.UINT8); // [n, 2] staging view
                    // The same memory as out, seen as 4 bytes per element (little-endian: bytes 2, 3 are the top half).
                    NDArray outBytes = scope.create(bytesOf(out, values), new Shape(count, 4), DataType.UINT8); // [n, 4]
                    outBytes.set(new NDIndex().addAllDim().addSliceDim(2, 4), storedBytes);
                    outBytes.set(new NDIndex().addAllDim().addSliceDim(0, 2), 0);
                }
                yield out;
            }
            default -> throw new CheckpointException(values + ": unsupported dtype " + values.dtype()
                    + ", expected F32/F16/BF16");
        };
    }

    /**
     * The first {@code bytes} of one staging tensor that every F16/BF16 tensor passes through on its way to
     * float32. One allocation, large enough for the largest, instead of a temporary per tensor: freed
     * temporaries of every size between the weights would fragment the native heap and keep it resident.
     */
    private ByteBuffer stage(long bytes, ParameterValues values) {
        if (staging == null || staging.size() < bytes) {
            if (staging != null) {
                staging.close();
            }
            long largest = bytes;
            for (String name : checkpoint.names()) {
                ParameterValues v = checkpoint.values(name);
                if (v.dtype().byteSize() == 2) {
                    largest = Math.max(largest, v.size() * 2);
                }
            }
            staging = manager.create(new Shape(largest), DataType.UINT8);                   // [bytes], uninitialized
            stagingBytes = bytesOf(staging, values);
        }
        return stagingBytes.duplicate().position(0).limit(Math.toIntExact(bytes)).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Frees the staging memory; the loaded parameters stay. */
    @Override
    public void close() {
        if (staging != null) {
            staging.close();
            staging = null;
        }
    }

    /** A writable view of a contiguous CPU tensor's memory (no copy). */
    private static ByteBuffer bytesOf(NDArray array, ParameterValues values) {
        long bytes = array.size() * array.getDataType().getNumOfBytes();
        if (bytes > Integer.MAX_VALUE) {
            throw new CheckpointException(values + ": " + bytes + " bytes in one tensor; at most 2 GiB per tensor"
                    + " can be loaded");
        }
        ByteBuffer view = array.toByteBuffer(true);
        if (view.capacity() != bytes) {
            throw new IllegalStateException("expected a " + bytes + "-byte view of " + values.name()
                    + "'s tensor, got " + view.capacity());
        }
        return view.order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Fails, naming the tensor, when it does not have {@code expectedShape}. */
    void requireShape(String name, long... expectedShape) {
        checked(name, expectedShape);
    }

    private ParameterValues checked(String name, long... expectedShape) {
        ParameterValues values = checkpoint.values(name);
        if (!Arrays.equals(values.shape(), expectedShape)) {
            throw new CheckpointException(checkpoint.source() + ": tensor " + name + " has shape "
                    + Arrays.toString(values.shape()) + ", expected " + Arrays.toString(expectedShape)
                    + " for " + checkpoint.config());
        }
        return values;
    }
}
