package io.github.gpt2explainer.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a standard safetensors file that Python's {@code safetensors} library accepts: header keys in the
 * order tensors were added (optional {@code __metadata__} first), header padded with spaces to a multiple
 * of 8 bytes, tensor data contiguous in header order with no gaps, little-endian. The file is written to a
 * temporary file beside the target and then atomically moved into place.
 *
 * <pre>{@code
 * SafetensorsWriter.create()
 *     .metadata("format", "pt")
 *     .add("wte.weight", SafetensorsDtype.F16, new long[] {V, E}, floats)
 *     .add("tokens", new long[] {T}, tokenIds)          // I64
 *     .write(path);
 * }</pre>
 *
 * Float sources are not copied when added: keep them unchanged until {@link #write(Path)} returns.
 */
public final class SafetensorsWriter {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHUNK_BYTES = 1 << 20;

    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final List<Pending> tensors = new ArrayList<>();
    private final Set<String> names = new HashSet<>();

    private SafetensorsWriter() {
    }

    public static SafetensorsWriter create() {
        return new SafetensorsWriter();
    }

    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** A float tensor stored as F32, F16 or BF16 (converted with round-to-nearest-even). */
    public SafetensorsWriter add(String name, SafetensorsDtype dtype, long[] shape, FloatBuffer data) {
        if (!dtype.isFloatReadable()) {
            throw new IllegalArgumentException(name + ": float data can be written as F32, F16 or BF16, not " + dtype);
        }
        FloatBuffer source = data.duplicate();
        checkCount(name, shape, source.remaining());
        return addPending(new Pending(name, dtype, shape, source, null, null));
    }

    public SafetensorsWriter add(String name, SafetensorsDtype dtype, long[] shape, float[] data) {
        return add(name, dtype, shape, FloatBuffer.wrap(data));
    }

    /** An F32 tensor. */
    public SafetensorsWriter add(String name, long[] shape, float[] data) {
        return add(name, SafetensorsDtype.F32, shape, data);
    }

    /** A float tensor stored as the given dtype. */
    public SafetensorsWriter add(FloatTensor tensor, SafetensorsDtype dtype) {
        return add(tensor.name(), dtype, tensor.shape(), tensor.view());
    }

    /** An I64 tensor. */
    public SafetensorsWriter add(String name, long[] shape, long[] data) {
        checkCount(name, shape, data.length);
        return addPending(new Pending(name, SafetensorsDtype.I64, shape, null, LongBuffer.wrap(data), null));
    }

    /** Any dtype from raw little-endian bytes (e.g. I32 or U8 tensors); the byte count must match the shape. */
    public SafetensorsWriter addRaw(String name, SafetensorsDtype dtype, long[] shape, ByteBuffer littleEndianBytes) {
        ByteBuffer bytes = littleEndianBytes.duplicate();
        long expected = Math.multiplyExact(FloatTensor.elementCount(shape), (long) dtype.byteSize());
        if (bytes.remaining() != expected) {
            throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " of " + dtype + " needs "
                    + expected + " bytes, got " + bytes.remaining());
        }
        return addPending(new Pending(name, dtype, shape, null, null, bytes));
    }

    private SafetensorsWriter addPending(Pending p) {
        if (p.name.equals("__metadata__") || !names.add(p.name)) {
            throw new IllegalArgumentException("tensor name '" + p.name + "' is reserved or already added");
        }
        tensors.add(p);
        return this;
    }

    private static void checkCount(String name, long[] shape, long count) {
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(name + ": negative dimension in " + Arrays.toString(shape));
            }
        }
        if (FloatTensor.elementCount(shape) != count) {
            throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " needs "
                    + FloatTensor.elementCount(shape) + " elements, got " + count);
        }
    }

    /** The exact header bytes (JSON plus space padding) this writer would produce. */
    public byte[] headerBytes() {
        ObjectNode root = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Pending t : tensors) {
            ObjectNode entry = root.putObject(t.name);
            entry.put("dtype", t.dtype.name());
            ArrayNode shape = entry.putArray("shape");
            for (long d : t.shape) {
                shape.add(d);
            }
            long end = offset + t.byteLength();
            entry.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json = root.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] header = Arrays.copyOf(json, padded);
        Arrays.fill(header, json.length, padded, (byte) ' ');
        return header;
    }

    /** Writes the file atomically (temp file in the same directory, then a move). Returns {@code target}. */
    public Path write(Path target) {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Path temp = null;
        try {
            Files.createDirectories(dir);
            temp = Files.createTempFile(dir, "." + absolute.getFileName(), ".tmp");
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                byte[] header = headerBytes();
                ByteBuffer prefix = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
                prefix.putLong(header.length).put(header).flip();
                writeAll(out, prefix);
                ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
                for (Pending t : tensors) {
                    t.writeTo(out, chunk);
                }
                out.force(false);
            }
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // best effort: the temp file only exists if writing failed
                }
            }
        }
    }

    private static void writeAll(FileChannel out, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            out.write(bytes);
        }
    }

    /** One tensor waiting to be written; exactly one of the three sources is set. */
    private record Pending(String name, SafetensorsDtype dtype, long[] shape,
                           FloatBuffer floats, LongBuffer longs, ByteBuffer raw) {

        long byteLength() {
            return FloatTensor.elementCount(shape) * dtype.byteSize();
        }

        /** Encodes the source chunk by chunk so memory stays at one chunk whatever the tensor size. */
        void writeTo(FileChannel out, ByteBuffer chunk) throws IOException {
            if (raw != null) {
                writeAll(out, raw.duplicate());
                return;
            }
            if (longs != null) {
                LongBuffer src = longs.duplicate();
                while (src.hasRemaining()) {
                    chunk.clear();
                    while (src.hasRemaining() && chunk.remaining() >= 8) {
                        chunk.putLong(src.get());
                    }
                    writeAll(out, chunk.flip());
                }
                return;
            }
            FloatBuffer src = floats.duplicate();
            while (src.hasRemaining()) {
                chunk.clear();
                while (src.hasRemaining() && chunk.remaining() >= 4) {
                    float f = src.get();
                    switch (dtype) {
                        case F32 -> chunk.putFloat(f);
                        case F16 -> chunk.putShort(HalfFloat.floatToHalf(f));
                        case BF16 -> chunk.putShort(HalfFloat.floatToBfloat16(f));
                        default -> throw new IllegalStateException("unreachable: " + dtype);
                    }
                }
                writeAll(out, chunk.flip());
            }
        }
    }
}
