package io.github.gpt2explainer.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds safetensors bytes by hand, independently of {@link SafetensorsWriter}. */
final class TestFiles {

    private TestFiles() {
    }

    /** vocab 32, context 16, width 8, 2 layers, 2 heads: small enough to write thousands of times. */
    static Gpt2Config tinyConfig() {
        return new Gpt2Config(32, 16, 8, 2, 2, 1e-5);
    }

    /** 8-byte little-endian length of {@code header}, the header's UTF-8 bytes, then {@code data}. */
    static Path raw(Path file, String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return rawWithDeclaredLength(file, h.length, concat(h, data));
    }

    /** A file whose first 8 bytes claim {@code declaredHeaderLength}, followed by {@code rest}. */
    static Path rawWithDeclaredLength(Path file, long declaredHeaderLength, byte[] rest) {
        ByteBuffer b = ByteBuffer.allocate(8 + rest.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(declaredHeaderLength).put(rest);
        return write(file, b.array());
    }

    static Path write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] toBytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] f32le(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static float[] toArray(java.nio.FloatBuffer buffer) {
        java.nio.FloatBuffer b = buffer.duplicate();
        float[] out = new float[b.remaining()];
        b.get(out);
        return out;
    }
}
