package io.github.gpt2explainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The available memory is the kernel's MemAvailable, lowered by a cgroup limit, or the override. */
class AvailableMemoryTest {

    @TempDir
    Path tmp;

    private Path meminfo(long availableKb) throws IOException {
        return Files.writeString(tmp.resolve("meminfo"), "MemTotal:       24000000 kB\nMemFree:         1000000 kB\n"
                + "MemAvailable:   " + availableKb + " kB\nBuffers:          100 kB\n");
    }

    @Test
    void withoutACgroupLimitItIsMemAvailable() throws IOException {
        Path cgroup = Files.createDirectories(tmp.resolve("cgroup"));
        Files.writeString(cgroup.resolve("memory.max"), "max\n");
        Files.writeString(cgroup.resolve("memory.current"), "123456\n");

        Optional<AvailableMemory> a = AvailableMemory.fromSystem(meminfo(8_000_000), cgroup);

        assertThat(a).map(AvailableMemory::bytes).contains(8_000_000L * 1024);
        assertThat(a.get().source()).contains("MemAvailable");
    }

    @Test
    void aCgroupV2LimitBelowMemAvailableWinsAndItsInactiveFileCacheCountsAsFree() throws IOException {
        Path cgroup = Files.createDirectories(tmp.resolve("cgroup"));
        Files.writeString(cgroup.resolve("memory.max"), "7516192768\n");        // 7 GiB
        Files.writeString(cgroup.resolve("memory.current"), "3221225472\n");    // 3 GiB used ...
        Files.writeString(cgroup.resolve("memory.stat"), "anon 1073741824\ninactive_file 2147483648\nactive_file 0\n");

        Optional<AvailableMemory> a = AvailableMemory.fromSystem(meminfo(20_000_000), cgroup);

        // ... of which 2 GiB is reclaimable cache: 7 - (3 - 2) = 6 GiB.
        assertThat(a).map(AvailableMemory::bytes).contains(6L << 30);
        assertThat(a.get().source()).contains("memory.max");
    }

    @Test
    void aCgroupV1LimitIsReadToo() throws IOException {
        Path memory = Files.createDirectories(tmp.resolve("cgroup").resolve("memory"));
        Files.writeString(memory.resolve("memory.limit_in_bytes"), "2147483648\n");
        Files.writeString(memory.resolve("memory.usage_in_bytes"), "1073741824\n");
        Files.writeString(memory.resolve("memory.stat"), "cache 0\ntotal_inactive_file 0\n");

        assertThat(AvailableMemory.fromSystem(meminfo(20_000_000), tmp.resolve("cgroup")))
                .map(AvailableMemory::bytes).contains(1L << 30);
    }

    @Test
    void theOverrideTakesSizesWithUnitsOrTurnsTheCheckOff() {
        assertThat(AvailableMemory.detect(Map.of(AvailableMemory.OVERRIDE, "8g"))).map(AvailableMemory::bytes)
                .contains(8L << 30);
        assertThat(AvailableMemory.detect(Map.of(AvailableMemory.OVERRIDE, "512M"))).map(AvailableMemory::bytes)
                .contains(512L << 20);
        assertThat(AvailableMemory.detect(Map.of(AvailableMemory.OVERRIDE, "1.5g"))).map(AvailableMemory::bytes)
                .contains(3L << 29);
        assertThat(AvailableMemory.detect(Map.of(AvailableMemory.OVERRIDE, "1000"))).map(AvailableMemory::bytes)
                .contains(1000L);
        assertThat(AvailableMemory.detect(Map.of(AvailableMemory.OVERRIDE, "off"))).isEmpty();
        assertThatThrownBy(() -> AvailableMemory.detect(Map.of(AvailableMemory.OVERRIDE, "-3g")))
                .hasMessageContaining("is not a size");
    }

    @Test
    void theNeedCountsATiedHeadOnceAndTheLargestHalfPrecisionTensorWhileItIsWidened(@TempDir Path dir) {
        Gpt2Config config = new Gpt2Config(1000, 64, 32, 2, 4, 1e-5);
        Checkpoint random = RandomCheckpoint.create(config, 1);
        long parameters = 0;
        for (String name : random.names()) {
            parameters += name.equals("lm_head.weight") ? 0 : random.values(name).size();
        }
        long kvCache = 2L * 2 * 64 * 32 * 4;
        long pass = MemoryNeed.PASS_MB << 20;

        MemoryNeed f32 = MemoryNeed.of(random);
        assertThat(f32.weightBytes()).isEqualTo(parameters * 4);
        assertThat(f32.runBytes()).isEqualTo(kvCache + pass);

        HfCheckpointWriter.write(random, dir, HfCheckpointWriter.Options.defaults().withDtype(SafetensorsDtype.F16));
        MemoryNeed f16 = MemoryNeed.of(CheckpointLoader.load(dir));
        assertThat(f16.weightBytes()).isEqualTo(parameters * 4);
        assertThat(f16.runBytes()).isEqualTo(1000L * 32 * 2 + kvCache + pass); // wte, staged as F16
    }
}
