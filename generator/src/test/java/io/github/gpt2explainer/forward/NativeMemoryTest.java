package io.github.gpt2explainer.forward;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import io.github.gpt2explainer.model.Gpt2Config;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Thousands of decode steps must not accumulate native arrays or resident memory. */
@Tag("slow") // a resource check, minutes on a shared machine: left out of the fast run (README, "Test it")
class NativeMemoryTest {

    private static final Gpt2Config CONFIG = new Gpt2Config(50257, 32, 32, 2, 4, 1e-5);
    private static final int WARM_UP = 1000; // the native allocator's cache grows for a while, then plateaus
    private static final int STEPS = 3000;

    @Test
    void decodingThousandsOfStepsKeepsNativeMemoryBounded() throws IOException {
        try (NDManager root = NDManager.newBaseManager("PyTorch");
             Gpt2Model model = Gpt2Model.load(TestCheckpoints.random(CONFIG, 60), root)) {
            int parameterArrays = liveArrays(root);
            CaptureSpec[] specs = CaptureSpec.values();

            KvCache cache = model.newCache();
            long[] prompt = {464, 2068, 7586};
            model.prefill(cache, prompt, CaptureSpec.all());
            long earlyPeak = 0;
            long latePeak = 0;
            int restarts = 0;
            long next = 13;
            for (int step = 0; step < STEPS; step++) {
                if (cache.length() == CONFIG.contextLength()) {
                    cache.close();
                    cache = model.newCache();
                    model.prefill(cache, prompt, CaptureSpec.all());
                    restarts++;
                }
                StepResult result = model.decode(cache, next, specs[step % specs.length]);
                next = argmax(result.lastLogits());
                // Only the parameters and this cache's 2 arrays per layer may be alive between steps.
                assertThat(liveArrays(root)).as("live native arrays after step %d", step)
                        .isLessThanOrEqualTo(parameterArrays + 2 * CONFIG.layers());
                // Resident size swings with the native allocator's caching, so compare the peaks of
                // two windows after warm-up: a per-step leak makes the later peak higher.
                if (step >= WARM_UP && step % 125 == 0) {
                    System.gc(); // Java garbage is not what we measure
                    long rss = residentBytes();
                    if (step < (WARM_UP + STEPS) / 2) {
                        earlyPeak = Math.max(earlyPeak, rss);
                    } else {
                        latePeak = Math.max(latePeak, rss);
                    }
                }
            }
            cache.close();
            long growth = latePeak - earlyPeak;
            System.out.printf("NativeMemoryTest: %d decode steps, %d cache restarts, resident peak %.1f MB early, %.1f MB late%n",
                    STEPS, restarts, earlyPeak / 1e6, latePeak / 1e6);
            assertThat(restarts).isGreaterThan(STEPS / CONFIG.contextLength());
            assertThat(liveArrays(root)).isEqualTo(parameterArrays);
            assertThat(growth).as("resident memory growth in bytes").isLessThan(32L << 20);
        }
    }

    private static int liveArrays(NDManager manager) {
        return ((BaseNDManager) manager).getManagedArrays().size();
    }

    private static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    private static long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
