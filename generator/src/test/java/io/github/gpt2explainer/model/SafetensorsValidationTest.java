package io.github.gpt2explainer.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each kind of broken safetensors file is refused with its own message naming the file (and tensor). */
class SafetensorsValidationTest {

    @TempDir
    Path tmp;

    private Path file() {
        return tmp.resolve("broken.safetensors");
    }

    private void assertRejected(Path file, String... fragments) {
        assertThatThrownBy(() -> {
            try (SafetensorsFile f = SafetensorsFile.open(file)) {
                for (SafetensorsEntry e : f.entries()) {
                    f.floats(e.name());
                }
            }
        }).isExactlyInstanceOf(CheckpointException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContainingAll(fragments);
    }

    private void assertHeaderRejected(String header, byte[] data, String... fragments) {
        assertRejected(TestFiles.raw(file(), header, data), fragments);
    }

    private static String entry(String name, String dtype, String shape, String offsets) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}";
    }

    @Test
    void emptyFile() {
        assertRejected(TestFiles.write(file(), new byte[0]), "at least 8 bytes", "0 bytes");
    }

    @Test
    void fileShorterThanTheLengthField() {
        assertRejected(TestFiles.write(file(), new byte[] {1, 0, 0, 0, 0}), "at least 8 bytes", "5 bytes");
    }

    @Test
    void headerLengthBeyondFileSize() {
        assertRejected(TestFiles.rawWithDeclaredLength(file(), 1000, "{}".getBytes()),
                "header length is 1000 bytes", "only 2 bytes");
    }

    @Test
    void headerLengthHugeOrNegative() {
        assertRejected(TestFiles.rawWithDeclaredLength(file(), 1L << 40, new byte[16]),
                "header length is 1099511627776", "at most 100000000");
        assertRejected(TestFiles.rawWithDeclaredLength(file(), -1, new byte[16]),
                "header length is 18446744073709551615", "at most 100000000");
    }

    @Test
    void headerNotJson() {
        assertHeaderRejected("this is not json", new byte[0], "not valid UTF-8 JSON");
        assertHeaderRejected("{\"a\":", new byte[0], "not valid UTF-8 JSON");
        assertHeaderRejected("{} trailing", new byte[0], "not valid UTF-8 JSON");
    }

    @Test
    void headerNotUtf8() {
        byte[] bad = {'{', '"', (byte) 0xFF, (byte) 0xFE, '"', ':', '1', '}'};
        assertRejected(TestFiles.rawWithDeclaredLength(file(), bad.length, bad), "not valid UTF-8 JSON");
    }

    @Test
    void headerJsonNotAnObject() {
        assertHeaderRejected("[1,2,3]", new byte[0], "must be a JSON object", "array");
        assertHeaderRejected("        ", new byte[0], "must be a JSON object", "nothing");
    }

    @Test
    void duplicateTensorName() {
        assertHeaderRejected("{" + entry("w", "F32", "[1]", "[0,4]") + "," + entry("w", "F32", "[1]", "[0,4]") + "}",
                new byte[4], "Duplicate field 'w'");
    }

    @Test
    void entryNotAnObject() {
        assertHeaderRejected("{\"w\":5}", new byte[0], "tensor 'w'", "expected an object", "number 5");
    }

    @Test
    void missingKey() {
        assertHeaderRejected("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", new byte[4],
                "tensor 'w'", "expected exactly the keys [data_offsets, dtype, shape]", "found [dtype, shape]");
    }

    @Test
    void unknownExtraKey() {
        assertHeaderRejected("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":1}}", new byte[4],
                "tensor 'w'", "found [data_offsets, dtype, shape, x]");
    }

    @Test
    void wrongTypes() {
        assertHeaderRejected("{\"w\":{\"dtype\":4,\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4],
                "tensor 'w'", "dtype must be a string", "number 4");
        assertHeaderRejected("{" + entry("w", "F32", "\"1\"", "[0,4]") + "}", new byte[4],
                "tensor 'w'", "shape must be an array", "string \"1\"");
        assertHeaderRejected("{" + entry("w", "F32", "[1.5]", "[0,4]") + "}", new byte[4],
                "tensor 'w'", "shape[0] must be a non-negative 64-bit integer", "1.5");
        assertHeaderRejected("{" + entry("w", "F32", "[99999999999999999999]", "[0,4]") + "}", new byte[4],
                "tensor 'w'", "shape[0] must be a non-negative 64-bit integer", "99999999999999999999");
        assertHeaderRejected("{" + entry("w", "F32", "[1]", "[\"0\",\"4\"]") + "}", new byte[4],
                "tensor 'w'", "data_offsets[0] must be a non-negative 64-bit integer");
        assertHeaderRejected("{" + entry("w", "F32", "[1]", "[0,4,8]") + "}", new byte[4],
                "tensor 'w'", "data_offsets must have 2 elements, found 3");
        assertHeaderRejected("{\"__metadata__\":{\"format\":1}}", new byte[0],
                "__metadata__ value for 'format' must be a string");
    }

    @Test
    void negativeShapeDimension() {
        assertHeaderRejected("{" + entry("w", "F32", "[-1]", "[0,4]") + "}", new byte[4],
                "tensor 'w'", "shape[0] must be a non-negative", "-1");
    }

    @Test
    void unknownDtype() {
        assertHeaderRejected("{" + entry("w", "F33", "[1]", "[0,4]") + "}", new byte[4],
                "tensor 'w'", "unknown dtype \"F33\"", "F32");
    }

    @Test
    void recognisedButUnsupportedDtype() {
        assertHeaderRejected("{" + entry("ids", "I32", "[1]", "[0,4]") + "}", new byte[4],
                "unsupported dtype I32 for tensor 'ids', expected F32/F16/BF16");
    }

    @Test
    void negativeOffset() {
        assertHeaderRejected("{" + entry("w", "F32", "[1]", "[-4,0]") + "}", new byte[4],
                "tensor 'w'", "data_offsets[0] must be a non-negative", "-4");
    }

    @Test
    void beginAfterEnd() {
        assertHeaderRejected("{" + entry("w", "F32", "[1]", "[8,4]") + "}", new byte[8],
                "tensor 'w'", "begin 8 is after end 4");
    }

    @Test
    void offsetOutOfRange() {
        assertHeaderRejected("{" + entry("w", "F32", "[100]", "[0,400]") + "}", new byte[8],
                "tensor 'w'", "[0, 400] reach past the data region of 8 bytes");
    }

    @Test
    void overlappingTensors() {
        assertHeaderRejected("{" + entry("a", "F32", "[2]", "[0,8]") + "," + entry("b", "F32", "[2]", "[4,12]") + "}",
                new byte[12], "tensor 'b' bytes [4, 12) overlap tensor 'a' bytes [0, 8)");
    }

    @Test
    void byteLengthDoesNotMatchShape() {
        assertHeaderRejected("{" + entry("w", "F32", "[3]", "[0,8]") + "}", new byte[8],
                "tensor 'w'", "shape [3] of F32 needs 12 bytes", "span 8");
    }

    @Test
    void shapeWhoseByteCountOverflows() {
        assertHeaderRejected("{" + entry("w", "F32", "[4294967296,4294967296]", "[0,8]") + "}", new byte[8],
                "tensor 'w'", "overflows");
    }

    @Test
    void truncatedData() {
        Path good = SafetensorsWriter.create().add("w", new long[] {4}, new float[] {1, 2, 3, 4}).write(file());
        byte[] bytes = TestFiles.toBytes(good);
        TestFiles.write(good, java.util.Arrays.copyOf(bytes, bytes.length - 3));
        assertRejected(good, "tensor 'w'", "reach past the data region of 13 bytes", "truncated");
    }

    @Test
    void directoryOrFifoInsteadOfAFile() throws Exception {
        java.nio.file.Files.createDirectory(file());
        assertRejected(file(), "expected a regular file");
        Path fifo = tmp.resolve("fifo.safetensors");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        if (mkfifo.waitFor() == 0) {
            assertRejected(fifo, "expected a regular file"); // opening a FIFO for reading would block forever
        }
    }

    @Test
    void missingFile() {
        assertRejected(tmp.resolve("nope.safetensors"), "file not found");
    }

    @Test
    void gapsBetweenTensorsAreTolerated() {
        // Not produced by the writer, but harmless: offsets are validated individually.
        Path file = TestFiles.raw(file(), "{" + entry("w", "F32", "[1]", "[4,8]") + "}",
                TestFiles.concat(new byte[4], TestFiles.f32le(2.5f)));
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertThat(f.floats("w").get(0)).isEqualTo(2.5f);
        }
    }
}
