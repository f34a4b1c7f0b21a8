package io.github.gpt2explainer.bench;

import io.github.gpt2explainer.forward.CaptureSpec;
import io.github.gpt2explainer.forward.Gpt2Model;
import io.github.gpt2explainer.forward.KvCache;
import io.github.gpt2explainer.runs.Generator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The decode steps of a site build, as parts: for every row count the build's steps had (its phase table names
 * them, {@link Generator#decodeStepsPhase}), one {@link Gpt2Model#decodeGroups} step of that many rows, timed on
 * its own: caches of 5 rows (a prompt's temperatures) after a 16-token prompt, as the curated prompts are, advanced
 * by the build's 15 steps.
 */
final class GroupStepBench {

    private static final Pattern ROWS = Pattern.compile(Pattern.quote(Generator.DECODE_STEPS) + "(\\d+) rows.*");
    private static final int PROMPT_TOKENS = 16;
    private static final int STEPS = 15;
    private static final int ROWS_PER_PROMPT = 5;

    private GroupStepBench() {
    }

    /** Row count of each decode-step phase of the build, to its number of steps. */
    static Map<Integer, Integer> stepsByRows(List<SiteBuildBench.Phase> phases) {
        Map<Integer, Integer> steps = new TreeMap<>();
        for (SiteBuildBench.Phase phase : phases) {
            Matcher m = ROWS.matcher(phase.name());
            if (m.matches()) {
                steps.merge(Integer.parseInt(m.group(1)), phase.calls(), Integer::sum);
            }
        }
        return steps;
    }

    /** Milliseconds of one step of {@code rows} rows: every step of {@code repeats} generations of 15 steps. */
    static Samples stepMs(Gpt2Model model, int rows, int repeats) {
        long[] prompt = EngineBench.promptIds(model.config(), PROMPT_TOKENS);
        List<Double> times = new ArrayList<>();
        for (int repeat = 0; repeat < repeats + 1; repeat++) { // the first is warm-up
            List<KvCache> caches = new ArrayList<>();
            try {
                for (int left = rows; left > 0; left -= ROWS_PER_PROMPT) {
                    try (KvCache one = model.newCache()) {
                        one.reserve(PROMPT_TOKENS + STEPS + 1);
                        model.prefill(one, prompt, CaptureSpec.none()).close();
                        caches.add(one.repeat(Math.min(ROWS_PER_PROMPT, left)));
                    }
                }
                List<long[]> ids = caches.stream().map(c -> {
                    long[] next = new long[c.batchSize()];
                    Arrays.setAll(next, r -> 100 + r);
                    return next;
                }).toList();
                for (int step = 0; step < STEPS; step++) {
                    long start = System.nanoTime();
                    model.decodeGroups(caches, ids);
                    if (repeat > 0) {
                        times.add((System.nanoTime() - start) / 1e6);
                    }
                }
            } finally {
                caches.forEach(KvCache::close);
            }
        }
        return Samples.of(times.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
