package io.github.gpt2explainer.forward;

import ai.djl.ndarray.NDManager;
import io.github.gpt2explainer.model.Gpt2Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Prints timings of a GPT-2-small-shaped random model (no assertions: the machine is shared).
 * Run with {@code -Dgpt2.timings=true}.
 */
@EnabledIfSystemProperty(named = "gpt2.timings", matches = "true")
class ForwardTimingsTest {

    private static final Gpt2Config GPT2_SMALL = new Gpt2Config(50257, 1024, 768, 12, 12, 1e-5);
    private static final int RUNS = 15;

    @Test
    void printTimings() {
        long[] prompt = TestCheckpoints.randomTokens(GPT2_SMALL, 16, 1);
        try (NDManager manager = NDManager.newBaseManager("PyTorch");
             Gpt2Model model = Gpt2Model.load(TestCheckpoints.random(GPT2_SMALL, 1), manager)) {
            report("prefill 16, capture none", () -> model.forward(prompt, CaptureSpec.none()));
            report("prefill 16, all logits only", () -> model.forward(prompt, CaptureSpec.of(TraceKind.LOGITS)));
            report("prefill 16, capture all", () -> model.forward(prompt, CaptureSpec.all()));

            try (KvCache cache = model.newCache()) {
                model.prefill(cache, prompt, CaptureSpec.none());
                report("decode step at ~16-40, capture none", () -> model.decode(cache, 42, CaptureSpec.none()));
                report("decode step at ~40-64, capture all", () -> model.decode(cache, 42, CaptureSpec.all()));

                int n = 4;
                try (KvCache batch = cache.repeat(n)) {
                    long[] next = new long[n];
                    Arrays.fill(next, 7);
                    double batched = report("decodeBatch of " + n + ", capture none",
                            () -> model.decodeBatch(batch, next, CaptureSpec.none()));
                    List<KvCache> singles = List.of(cache.fork(), cache.fork(), cache.fork(), cache.fork());
                    double sequential = report(n + " sequential decode steps, capture none", () -> {
                        for (KvCache single : singles) {
                            model.decode(single, 7, CaptureSpec.none());
                        }
                        return null;
                    });
                    singles.forEach(KvCache::close);
                    System.out.printf("batched / sequential = %.2f%n", batched / sequential);
                }
            }
        }
    }

    /** Median wall time in ms after two warm-up runs. */
    private static double report(String label, Supplier<?> work) {
        work.get();
        work.get();
        double[] ms = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long start = System.nanoTime();
            work.get();
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(ms);
        double median = ms[RUNS / 2];
        System.out.printf("%-40s median %8.1f ms  (min %.1f, max %.1f)%n", label, median, ms[0], ms[RUNS - 1]);
        return median;
    }
}
