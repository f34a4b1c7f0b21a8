package io.github.gpt2explainer.runs;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.gpt2explainer.model.ModelSource;
import io.github.gpt2explainer.trace.TraceStore;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Memory held between prompts must not grow with the number of prompts run. */
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
        if (rssEarly > 0) {
            assertThat(rssLate - rssEarly).as("resident growth over 15 prompts").isLessThan(64 * MB);
        }
    }

    /** VmRSS from /proc (Linux); 0 elsewhere. */
    private static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }
}
