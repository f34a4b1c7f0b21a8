package io.github.gpt2explainer.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A parameter as a validated safetensors entry on disk: nothing is read until {@link #copyTo} asks, and
 * then with ordinary positional reads straight into the caller's buffer (no memory mapping, so the file's
 * pages are never counted as this process's memory, and no intermediate buffer).
 *
 * @param name      the canonical name (a tied head is {@code lm_head.weight} over {@code wte.weight}'s entry)
 * @param file      the safetensors file
 * @param entry     the header entry, already checked against the file's size
 * @param dataStart the file offset of the data region (8 + header length)
 */
public record StoredTensor(String name, Path file, SafetensorsEntry entry, long dataStart) implements ParameterValues {

    public StoredTensor {
        if (!entry.dtype().isFloatReadable()) {
            throw new CheckpointException(file + ": unsupported dtype " + entry.dtype() + " for tensor '"
                    + entry.name() + "', expected F32/F16/BF16");
        }
    }

    @Override
    public long[] shape() {
        return entry.shape();
    }

    @Override
    public SafetensorsDtype dtype() {
        return entry.dtype();
    }

    /** The same stored values under another canonical name (the tied head). */
    public StoredTensor named(String canonicalName) {
        return new StoredTensor(canonicalName, file, entry, dataStart);
    }

    @Override
    public void copyTo(long firstElement, ByteBuffer target) {
        int elementBytes = entry.dtype().byteSize();
        long offset = firstElement * elementBytes;
        if (firstElement < 0 || offset + target.remaining() > entry.byteLength()) {
            throw new IllegalArgumentException(name + ": bytes [" + offset + ", " + (offset + target.remaining())
                    + ") are outside the tensor's " + entry.byteLength() + " bytes");
        }
        ByteBuffer into = target.duplicate();
        long position = dataStart + entry.begin() + offset;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (into.hasRemaining()) {
                int n = channel.read(into, position);
                if (n < 0) {
                    throw new CheckpointException(file + ": ended while reading tensor '" + entry.name()
                            + "' at byte " + position + "; the file was truncated or replaced after it was opened");
                }
                position += n;
            }
        } catch (IOException e) {
            throw new CheckpointException(file + ": cannot read tensor '" + entry.name() + "': " + e);
        }
    }

    /**
     * The values as Java floats (F32 memory-mapped, F16/BF16 widened in a direct buffer): for tests and tools
     * that inspect weights, not for loading the model.
     */
    public FloatTensor toFloatTensor() {
        try (SafetensorsFile reopened = SafetensorsFile.open(file)) {
            SafetensorsEntry now = reopened.contains(entry.name()) ? reopened.entry(entry.name()) : null;
            if (!entry.equals(now)) {
                throw new CheckpointException(file + ": tensor '" + entry.name() + "' changed since the checkpoint"
                        + " was opened (was " + entry + ", now " + now + ")");
            }
            return reopened.floatTensor(entry.name(), name);
        }
    }

    @Override
    public String toString() {
        return name + Arrays.toString(entry.shape()) + " " + entry.dtype() + " in " + file;
    }
}
