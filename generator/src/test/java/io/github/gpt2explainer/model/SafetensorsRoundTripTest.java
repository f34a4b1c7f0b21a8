package io.github.gpt2explainer.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SafetensorsRoundTripTest {

    @TempDir
    Path tmp;

    @Test
    void f32IsReturnedAsAViewOfTheMappingWithExactValues() {
        float[] values = {1.5f, -0f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NEGATIVE_INFINITY, 3.14159f};
        Path file = SafetensorsWriter.create().add("w", new long[] {2, 3}, values).write(tmp.resolve("a.safetensors"));
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            FloatBuffer read = f.floats("w");
            assertThat(read.isDirect()).as("mapped, not copied to the heap").isTrue();
            assertThat(read.hasArray()).isFalse();
            assertThat(TestFiles.toArray(read)).containsExactly(values);
            assertThat(f.entry("w").shape()).containsExactly(2, 3);
            assertThat(f.entry("w").dtype()).isEqualTo(SafetensorsDtype.F32);
        }
    }

    @Test
    void f16StoresExactlyRepresentableValuesExactlyAndOthersWithinHalfPrecision() {
        float[] exact = {1.0f, -2.0f, 65504f, 0x1p-24f, Float.POSITIVE_INFINITY, 0.333251953125f, 0f};
        float[] approximate = new float[1000];
        Random r = new Random(7);
        for (int i = 0; i < approximate.length; i++) {
            approximate[i] = (float) (r.nextGaussian() * 10);
        }
        Path file = SafetensorsWriter.create()
                .add("exact", SafetensorsDtype.F16, new long[] {exact.length}, exact)
                .add("approx", SafetensorsDtype.F16, new long[] {10, 100}, approximate)
                .add("nan", SafetensorsDtype.F16, new long[] {1}, new float[] {Float.NaN})
                .write(tmp.resolve("h.safetensors"));
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertThat(f.bytes("exact").remaining()).isEqualTo(exact.length * 2);
            assertThat(TestFiles.toArray(f.floats("exact"))).containsExactly(exact);
            FloatBuffer widened = f.floats("approx");
            assertThat(widened.isDirect()).as("widened off-heap").isTrue();
            float[] back = TestFiles.toArray(widened);
            for (int i = 0; i < back.length; i++) {
                // binary16 has an 11-bit significand: relative error at most 2^-11
                assertThat(back[i]).isCloseTo(approximate[i], within(Math.abs(approximate[i]) * 0x1p-11f + 0x1p-24f));
            }
            assertThat(f.floats("nan").get(0)).isNaN();
        }
    }

    @Test
    void bf16KeepsTheTopSixteenBits() {
        float[] values = {1.0f, -2.0f, 0.5f, 3.0f, Float.NEGATIVE_INFINITY, 1.0078125f /* 1 + 2^-7, the last significand bit */};
        Path file = SafetensorsWriter.create().add("b", SafetensorsDtype.BF16, new long[] {values.length}, values)
                .write(tmp.resolve("b.safetensors"));
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            ByteBuffer raw = f.bytes("b");
            assertThat(raw.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
            assertThat(raw.getShort(0)).isEqualTo((short) 0x3F80);
            assertThat(raw.getShort(2)).isEqualTo((short) 0xC000);
            assertThat(TestFiles.toArray(f.floats("b"))).containsExactly(values);
        }
    }

    @Test
    void i64AndMetadataRoundTripAndI64IsNotReadableAsFloats() {
        long[] tokens = {50256, 0, -1, Long.MAX_VALUE, Long.MIN_VALUE};
        Path file = SafetensorsWriter.create().metadata("format", "pt").metadata("prompt", "héllo \"quoted\"")
                .add("tokens", new long[] {5}, tokens).write(tmp.resolve("t.safetensors"));
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            LongBuffer read = f.longs("tokens");
            long[] back = new long[read.remaining()];
            read.get(back);
            assertThat(back).containsExactly(tokens);
            assertThat(f.metadata()).containsExactly(Map.entry("format", "pt"), Map.entry("prompt", "héllo \"quoted\""));
            assertThatThrownBy(() -> f.floats("tokens")).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining(file.toString())
                    .hasMessageContaining("unsupported dtype I64 for tensor 'tokens', expected F32/F16/BF16");
        }
    }

    @Test
    void entriesKeepInsertionOrderAndDataIsContiguous() {
        SafetensorsWriter w = SafetensorsWriter.create()
                .add("z", new long[] {3}, new float[3])
                .add("a", SafetensorsDtype.F16, new long[] {2, 2}, new float[4])
                .add("scalar", new long[] {}, new float[] {7f})
                .add("empty", new long[] {0, 4}, new float[0])
                .addRaw("ints", SafetensorsDtype.I32, new long[] {2}, ByteBuffer.wrap(new byte[8]));
        Path file = w.write(tmp.resolve("o.safetensors"));
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertThat(f.entries()).extracting(SafetensorsEntry::name).containsExactly("z", "a", "scalar", "empty", "ints");
            long expectedBegin = 0;
            for (SafetensorsEntry e : f.entries()) {
                assertThat(e.begin()).as(e.name()).isEqualTo(expectedBegin);
                expectedBegin = e.end();
            }
            assertThat(f.dataLength()).isEqualTo(expectedBegin).isEqualTo(12 + 8 + 4 + 0 + 8);
            assertThat(f.floats("scalar").get(0)).isEqualTo(7f);
            assertThat(f.floats("empty").remaining()).isZero();
        }
        assertThat(w.headerBytes().length % 8).isZero();
    }

    @Test
    void writerRejectsDataThatDoesNotMatchTheShape() {
        assertThatThrownBy(() -> SafetensorsWriter.create().add("x", new long[] {2, 2}, new float[3]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x");
        assertThatThrownBy(() -> SafetensorsWriter.create().add("x", new long[] {1}, new float[1])
                .add("x", new long[] {1}, new float[1])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void writeReplacesAnExistingFileAndLeavesNoTempFiles() throws Exception {
        Path target = tmp.resolve("r.safetensors");
        SafetensorsWriter.create().add("a", new long[] {1}, new float[] {1}).write(target);
        SafetensorsWriter.create().add("b", new long[] {1}, new float[] {2}).write(target);
        try (SafetensorsFile f = SafetensorsFile.open(target)) {
            assertThat(f.names()).containsExactly("b");
        }
        try (var listing = java.nio.file.Files.list(tmp)) {
            assertThat(listing).containsExactly(target);
        }
    }
}
