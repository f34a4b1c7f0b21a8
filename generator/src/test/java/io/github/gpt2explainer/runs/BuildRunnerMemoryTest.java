package io.github.gpt2explainer.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.gpt2explainer.model.ModelSource;
import io.github.gpt2explainer.trace.TraceStore;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Memory held between prompts must not grow with the number of prompts run. */
@Tag("slow") // a resource check, minutes on a shared machine: left out of the fast run (README, "Test it")
class BuildRunnerMemoryTest {

    private static final int PROMPTS = 20;
    private static final long MB = 1 << 20;

    @TempDir
    Path temp;

    @Test
    void heapAndResidentMemoryStayFlatAcrossTwentyPrompts() throws IOException {
        Path prompts = temp.resolve("prompts");
        StoreFixture.site(prompts, "[0, 0.8, 1.5]");
        for (int i = 0; i < PROMPTS; i++) {
            // ~25 tokens each: the captured logits alone are ~5 MB per prompt, so keeping runs would show.
            StoreFixture.prompt(prompts, "p" + (100 + i), ("Prompt number " + i + " is here, ").repeat(4).trim(),
                    "P" + i, "Note.");
        }
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        List<long[]> samples = new ArrayList<>(); // {heap used after GC, resident bytes}
        RunProgress sampler = new RunProgress() {
            @Override
            public void promptDone(String promptId, int index, int count, double seconds) {
                System.gc();
                samples.add(new long[] {memory.getHeapMemoryUsage().getUsed(), residentBytes()});
            }
        };
        StoreFixture.CountingModel model = new StoreFixture.CountingModel(3);
        try (ModelSource source = model.source) {
            RunReport report = new BuildRunner(TraceStore.open(temp.resolve("store")), sampler)
                    .run(StoreFixture.load(prompts), source);
            assertThat(report.ran()).hasSize(PROMPTS);
        }
        long heapEarly = samples.get(4)[0];
        long heapLate = samples.get(PROMPTS - 1)[0];
        long rssEarly = samples.subList(2, 6).stream().mapToLong(s -> s[1]).max().orElseThrow();
        long rssLate = samples.subList(PROMPTS - 4, PROMPTS).stream().mapToLong(s -> s[1]).max().orElseThrow();
        System.out.printf("heap after GC: %d MB after prompt 5, %d MB after prompt %d; resident %d MB -> %d MB%n",
                heapEarly / MB, heapLate / MB, PROMPTS, rssEarly / MB, rssLate / MB);
        assertThat(heapLate - heapEarly).as("heap growth over 15 prompts").isLessThan(20 * MB);
        if (ON_LINUX) {
            assertThat(rssLate - rssEarly).as("resident growth over 15 prompts").isLessThan(64 * MB);
        }
    }

    @Test
    void anUnreadableResidentSizeFailsOnLinuxRatherThanSkippingTheCheck(@TempDir Path dir) throws IOException {
        assumeTrue(ON_LINUX, "resident memory is read from /proc on Linux only");
        assertThat(residentBytes()).isPositive();
        assertThatThrownBy(() -> residentBytes(dir.resolve("missing"))).isInstanceOf(AssertionError.class)
                .hasMessageContaining("VmRSS");
        Path noRss = Files.writeString(dir.resolve("status"), "Name:\tjava\nVmPeak:\t 1000 kB\n");
        assertThatThrownBy(() -> residentBytes(noRss)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("no VmRSS line");
    }

    private static final boolean ON_LINUX = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux");

    /**
     * VmRSS from /proc/self/status. On Linux an unreadable value fails the test (the check it guards would
     * otherwise pass silently); elsewhere there is no /proc and resident memory is not checked (0).
     */
    private static long residentBytes() {
        return ON_LINUX ? residentBytes(Path.of("/proc/self/status")) : 0;
    }

    private static long residentBytes(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new AssertionError("cannot read resident memory (VmRSS) from " + status + ": " + e, e);
        }
        throw new AssertionError("no VmRSS line in " + status);
    }
}
