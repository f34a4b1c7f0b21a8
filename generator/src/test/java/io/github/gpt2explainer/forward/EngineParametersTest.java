package io.github.gpt2explainer.forward;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.gpt2explainer.model.Checkpoint;
import io.github.gpt2explainer.model.Gpt2Config;
import io.github.gpt2explainer.model.HalfFloat;
import io.github.gpt2explainer.model.SafetensorsDtype;
import io.github.gpt2explainer.model.SafetensorsFile;
import io.github.gpt2explainer.model.SafetensorsWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The engine-side widening of stored weights is checked bit for bit against the Java widening
 * ({@link HalfFloat}, itself tested against the IEEE definitions), over every 16-bit pattern, and the
 * chunked transpose of the head against a plain transpose in Java.
 */
class EngineParametersTest {

    private static final Gpt2Config ANY = new Gpt2Config(8, 8, 8, 1, 1, 1e-5);

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = SafetensorsDtype.class, names = {"F16", "BF16"})
    void everyHalfPrecisionPatternWidensExactlyAsInJava(SafetensorsDtype dtype) {
        ByteBuffer bytes = ByteBuffer.allocate(2 * 65536).order(ByteOrder.LITTLE_ENDIAN);
        for (int bits = 0; bits < 65536; bits++) {
            bytes.putShort((short) bits);
        }
        Checkpoint checkpoint = stored(dtype, new long[] {256, 256}, bytes.flip());

        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            float[] loaded = new EngineParameters(checkpoint, manager).load("x", 256, 256).toFloatArray();
            for (int bits = 0; bits < 65536; bits++) {
                short s = (short) bits;
                float expected = dtype == SafetensorsDtype.F16 ? HalfFloat.halfToFloat(s) : HalfFloat.bfloat16ToFloat(s);
                if (Float.isNaN(expected) && dtype == SafetensorsDtype.F16) {
                    // A NaN's payload after the conversion is the engine's choice; it must stay a NaN.
                    assertThat(loaded[bits]).as("pattern 0x%04x", bits).isNaN();
                } else {
                    assertThat(Float.floatToRawIntBits(loaded[bits])).as("pattern 0x%04x", bits)
                            .isEqualTo(Float.floatToRawIntBits(expected));
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = SafetensorsDtype.class, names = {"F32", "F16", "BF16"})
    void theHeadIsTransposedChunkByChunkWithoutLosingARow(SafetensorsDtype dtype) {
        int rows = 301;
        int cols = 7;
        float[] values = new float[rows * cols];
        Random random = new Random(3);
        for (int i = 0; i < values.length; i++) {
            values[i] = roundTo(dtype, (float) random.nextGaussian());
        }
        ByteBuffer bytes = ByteBuffer.allocate(values.length * dtype.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            switch (dtype) {
                case F32 -> bytes.putFloat(v);
                case F16 -> bytes.putShort(HalfFloat.floatToHalf(v));
                default -> bytes.putShort(HalfFloat.floatToBfloat16(v));
            }
        }
        Checkpoint checkpoint = stored(dtype, new long[] {rows, cols}, bytes.flip());

        long chunkOf64Rows = 64L * cols * Float.BYTES; // 5 chunks, the last one short
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray transposed = new EngineParameters(checkpoint, manager, chunkOf64Rows).loadTransposed("x", rows, cols);
            assertThat(transposed.getShape().getShape()).containsExactly(cols, rows);
            float[] actual = transposed.toFloatArray();
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    assertThat(actual[c * rows + r]).as("row %d, column %d", r, c).isEqualTo(values[r * cols + c]);
                }
            }
        }
    }

    @Test
    void aTensorReadFromDiskEqualsTheSameTensorFromMemory() {
        float[] values = {1.5f, -0.0f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NEGATIVE_INFINITY, 3e-39f};
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            bytes.putFloat(v);
        }
        Checkpoint checkpoint = stored(SafetensorsDtype.F32, new long[] {2, 3}, bytes.flip());
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            assertThat(new EngineParameters(checkpoint, manager).load("x", 2, 3).toFloatArray()).containsExactly(values);
        }
    }

    private Checkpoint stored(SafetensorsDtype dtype, long[] shape, ByteBuffer littleEndianBytes) {
        Path file = SafetensorsWriter.create().addRaw("x", dtype, shape, littleEndianBytes)
                .write(dir.resolve(dtype + ".safetensors"));
        try (SafetensorsFile opened = SafetensorsFile.open(file)) {
            return new Checkpoint(file.toString(), ANY, Map.of("x", opened.stored("x", "x")));
        }
    }

    private static float roundTo(SafetensorsDtype dtype, float v) {
        return switch (dtype) {
            case F16 -> HalfFloat.halfToFloat(HalfFloat.floatToHalf(v));
            case BF16 -> HalfFloat.bfloat16ToFloat(HalfFloat.floatToBfloat16(v));
            default -> v;
        };
    }
}
