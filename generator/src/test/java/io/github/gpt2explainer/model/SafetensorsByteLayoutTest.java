package io.github.gpt2explainer.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The writer's output compared byte for byte with a file laid out by hand from the format description. */
class SafetensorsByteLayoutTest {

    @TempDir
    Path tmp;

    @Test
    void writerOutputMatchesHandComputedBytes() throws Exception {
        Path file = SafetensorsWriter.create()
                .metadata("format", "pt")
                .add("a", new long[] {2}, new float[] {1.0f, -2.0f})
                .add("t", new long[] {1}, new long[] {258})
                .add("h", SafetensorsDtype.F16, new long[] {1}, new float[] {1.0f})
                .write(tmp.resolve("x.safetensors"));

        String json = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"t\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[8,16]},"
                + "\"h\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[16,18]}}";
        assertThat(json.length()).isEqualTo(194);
        String padded = json + " ".repeat(6); // 200 = 25 * 8
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(new byte[] {(byte) 200, 0, 0, 0, 0, 0, 0, 0});
        expected.writeBytes(padded.getBytes(StandardCharsets.US_ASCII));
        expected.writeBytes(new byte[] {0, 0, (byte) 0x80, 0x3F});        // 1.0f  = 0x3F800000, little-endian
        expected.writeBytes(new byte[] {0, 0, 0, (byte) 0xC0});           // -2.0f = 0xC0000000
        expected.writeBytes(new byte[] {0x02, 0x01, 0, 0, 0, 0, 0, 0});   // 258 = 0x0102
        expected.writeBytes(new byte[] {0x00, 0x3C});                     // half 1.0 = 0x3C00

        assertThat(Files.readAllBytes(file)).containsExactly(expected.toByteArray());
    }

    @Test
    void readerDecodesAHandWrittenFile() {
        // Header padded with trailing spaces, as the format allows; tensors deliberately not in offset order.
        String header = "{\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[8,12]},"
                + "\"a\":{\"shape\":[1,2],\"dtype\":\"F32\",\"data_offsets\":[0,8]}}   ";
        byte[] data = {0, 0, (byte) 0x80, 0x3F, 0, 0, 0, (byte) 0xC0, (byte) 0x80, 0x3F, 0x00, (byte) 0xC0};
        Path file = TestFiles.raw(tmp.resolve("hand.safetensors"), header, data);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertThat(f.entries()).extracting(SafetensorsEntry::name).containsExactly("b", "a");
            assertThat(TestFiles.toArray(f.floats("a"))).containsExactly(1.0f, -2.0f);
            assertThat(TestFiles.toArray(f.floats("b"))).containsExactly(1.0f, -2.0f);
            assertThat(f.metadata()).isEmpty();
        }
    }
}
