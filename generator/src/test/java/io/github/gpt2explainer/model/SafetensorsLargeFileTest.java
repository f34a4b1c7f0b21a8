package io.github.gpt2explainer.model;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A sparse file over 2 GiB: tensors beyond the 2 GiB offset load because each gets its own mapping. */
@Tag("slow") // a resource check, minutes on a shared machine: left out of the fast run (README, "Test it")
class SafetensorsLargeFileTest {

    private static final long TWO_GIB = 1L << 31;

    @TempDir
    Path tmp;

    @Test
    void readsATensorPastTwoGibAndRefusesATensorOfTwoGib() throws IOException {
        assumeTrue(Files.getFileStore(tmp).getUsableSpace() > 4 * TWO_GIB, "needs room in case files are not sparse");
        long farBegin = TWO_GIB + 64;
        String header = "{\"early\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"huge\":{\"dtype\":\"F32\",\"shape\":[536870912],\"data_offsets\":[8," + (8 + TWO_GIB) + "]},"
                + "\"far\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[" + farBegin + "," + (farBegin + 16) + "]}}";
        byte[] headerBytes = header.getBytes(StandardCharsets.UTF_8);
        long dataStart = 8 + headerBytes.length;
        Path file = TestFiles.raw(tmp.resolve("big.safetensors"), header, TestFiles.f32le(1f, 2f));
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(dataStart + TWO_GIB + 128); // sparse on most filesystems: nothing is written in between
            raf.seek(dataStart + farBegin);
            raf.write(TestFiles.f32le(3f, -4f, 5.5f, 1e-3f));
        }
        assertThat(Files.size(file)).isGreaterThan(TWO_GIB);

        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertThat(f.dataLength()).isEqualTo(TWO_GIB + 128);
            assertThat(TestFiles.toArray(f.floats("early"))).containsExactly(1f, 2f);
            assertThat(TestFiles.toArray(f.floats("far"))).containsExactly(3f, -4f, 5.5f, 1e-3f);
            assertThatThrownBy(() -> f.floats("huge")).isExactlyInstanceOf(CheckpointException.class)
                    .hasMessageContainingAll(file.toString(), "tensor 'huge'", "2147483648 bytes", "2 GiB or more");
        }
    }
}
