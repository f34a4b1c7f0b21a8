package io.github.gpt2explainer.bench;

import io.github.gpt2explainer.forward.CaptureSpec;
import io.github.gpt2explainer.forward.Gpt2Model;
import io.github.gpt2explainer.forward.KvCache;
import io.github.gpt2explainer.forward.StepResult;
import io.github.gpt2explainer.forward.CaptureKind;
import io.github.gpt2explainer.model.Gpt2Config;
import io.github.gpt2explainer.sampling.Rng;
import io.github.gpt2explainer.sampling.Sampler;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Our engine's measurements on one loaded model: forward pass with and without capture (capture runs
 * paired with the fast path, see {@link Stopwatch#timePaired}), generation with the KV cache and by
 * recomputation, per-token time as the context grows, and batched temperatures. Every timing is
 * wall-clock of the public API the site build uses. The other target ratios are in {@link TargetPairs}.
 */
public final class EngineBench {

    public static final String FORWARD = "Forward pass (prefill from an empty cache)";
    public static final String GENERATION = "Generation of 32 tokens (greedy)";
    public static final String CONTEXT = "Decode step as the context grows";
    public static final String BATCH = "Several temperatures of one prompt";

    /** Prompt lengths of the forward section; 16 is the one the floors and Jlama are compared at. */
    public static final int[] FORWARD_LENGTHS = {8, 16, 32, 128};
    public static final int[] CONTEXTS = {16, 128, 512, 1000};
    public static final int GENERATED = 32;
    public static final double[] TEMPERATURES = {0.0, 0.7, 1.0, 1.3};

    /**
     * The forward section's samples the targets and Jlama's comparison use (null for a section that was
     * not run).
     *
     * @param fast            per forward length, the fast path's samples (from its pairs with full capture)
     * @param capture         per forward length, full capture (A) paired with the fast path (B)
     * @param prefill16Logits the fast path's last-position logits for the 16-token prompt
     */
    /**
     * @param capturedLens16    16-token full capture followed by logits at every position (a build's prefill with
     *                          its logit lens); null without the forward section
     * @param batchedGeneration the batched temperatures' whole generation ({@value #GENERATED} tokens); null without
     *                          the batch section
     */
    public record Key(Samples[] fast, Paired[] capture, float[] prefill16Logits, Samples capturedLens16,
                      Samples batchedGeneration) {
        public Samples prefill16() {
            return fast[indexOf(FORWARD_LENGTHS, 16)];
        }
    }

    private final Gpt2Model model;
    private final Gpt2Config config;
    private final Report report;
    private final boolean quick;
    private final List<String> sections;

    /** @param sections which of "forward", "generation", "context", "batch" to run (the targets need "forward") */
    public EngineBench(Gpt2Model model, Report report, boolean quick, List<String> sections) {
        this.model = model;
        this.config = model.config();
        this.report = report;
        this.quick = quick;
        this.sections = List.copyOf(sections);
    }

    /** Deterministic token ids for a prompt of {@code n} tokens (the same ids for Jlama). */
    public static long[] promptIds(Gpt2Config c, int n) {
        Random random = new Random(1234);
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = random.nextInt(c.vocabSize() - 1); // never <|endoftext|>
        }
        return ids;
    }

    public Key run() {
        Samples[] fast = new Samples[FORWARD_LENGTHS.length];
        Paired[] capture = new Paired[FORWARD_LENGTHS.length];
        Samples capturedLens16 = null;
        if (sections.contains("forward")) {
            // The JIT first: a captured pass runs a few hundred Java calls per layer's tensors (records,
            // buffers, maps) that a handful of warm-up pairs leave partly interpreted, which inflated the
            // first length timed (8 tokens). 30 short passes of each path, about 3 s, compile them.
            long[] warm = promptIds(config, FORWARD_LENGTHS[0]);
            for (int i = 0; i < 30; i++) {
                model.forward(warm, CaptureSpec.all()).close();
                model.forward(warm, CaptureSpec.none());
            }
        }
        for (int i = 0; i < FORWARD_LENGTHS.length && sections.contains("forward"); i++) {
            int t = FORWARD_LENGTHS[i];
            long[] ids = promptIds(config, t);
            Stopwatch watch = t >= 128 ? watch(2, 21) : watch(3, 25); // enough pairs for a stable median on a noisy machine
            Runnable fastPath = () -> model.forward(ids, CaptureSpec.none());
            // Closing frees the capture's native memory: part of what capture costs.
            Paired all = watch.timePaired(() -> model.forward(ids, CaptureSpec.all()).close(), fastPath);
            Paired allLogits = watch.timePaired(() -> captureWithLogitsEverywhere(ids), fastPath);
            fast[i] = all.b();
            capture[i] = all;
            if (t == 16) {
                capturedLens16 = allLogits.a();
            }
            double gflops = Gpt2Cost.prefillFlops(config, t) / (all.b().median() * 1e6);
            report.time(FORWARD, t + " tokens, fast path (capture none)", all.b(),
                    Report.fmt(t * 1000 / all.b().median(), 0) + " tokens/s, " + Report.fmt(gflops, 1) + " GFLOP/s");
            report.time(FORWARD, t + " tokens, full capture (capture all)", all.a(),
                    "capture overhead, paired with the fast path: " + all.describeRatio());
            report.time(FORWARD, t + " tokens, full capture + logits at every position (headLogits on the last"
                    + " block's resid_post)", allLogits.a(), "paired with the fast path: " + allLogits.describeRatio());
        }
        float[] logits16 = model.forward(promptIds(config, 16), CaptureSpec.none()).lastLogits();

        if (sections.contains("generation")) {
            generation();
        }
        if (sections.contains("context")) {
            contextGrowth();
        }
        Samples batchedGeneration = sections.contains("batch") ? batchedTemperatures() : null;
        return new Key(fast, capture, logits16, capturedLens16, batchedGeneration);
    }

    /**
     * Full capture, then the logit lens's head on the last block's output: together the logits of every
     * position, which full capture itself records only for the last one.
     */
    private void captureWithLogitsEverywhere(long[] ids) {
        try (StepResult r = model.forward(ids, CaptureSpec.all())) {
            float[] residuals = r.trace().get(CaptureKind.RESID_POST, config.layers() - 1).toArray(); // [T, E]
            model.headLogits(residuals, ids.length);                                                // [T, V]
        }
    }

    /** KV-cache generation vs recomputing the prefix, from short and from long prompts. */
    private void generation() {
        for (int promptLength : new int[] {8, 96}) {
            long[] prompt = promptIds(config, promptLength);
            long[][] tokens = new long[2][];
            Samples kv = watch(1, quick ? 3 : 5).time(() -> tokens[0] = generateWithCache(prompt));
            Samples recompute = watch(1, quick ? 2 : 3).time(() -> tokens[1] = generateByRecomputing(prompt));
            double speedup = recompute.median() / kv.median();
            String context = promptLength + " -> " + (promptLength + GENERATED);
            report.time(GENERATION, "context " + context + ", KV cache", kv,
                    Report.fmt(kv.median() / GENERATED, 1) + " ms/token");
            report.time(GENERATION, "context " + context + ", recompute the prefix each step", recompute,
                    Report.fmt(recompute.median() / GENERATED, 1) + " ms/token; KV speed-up "
                            + Report.ratio(speedup) + (Arrays.equals(tokens[0], tokens[1]) ? "; same tokens"
                            : "; **tokens differ**"));
        }
    }

    long[] generateWithCache(long[] prompt) {
        long[] out = new long[GENERATED];
        try (KvCache cache = model.newCache()) {
            cache.reserve(prompt.length + GENERATED); // as the site build's generator does
            StepResult r = model.prefill(cache, prompt, CaptureSpec.none());
            for (int i = 0; i < GENERATED; i++) {
                out[i] = argmax(r.lastLogits());
                if (i + 1 < GENERATED) {
                    r = model.decode(cache, out[i], CaptureSpec.none());
                }
            }
        }
        return out;
    }

    long[] generateByRecomputing(long[] prompt) {
        long[] sequence = Arrays.copyOf(prompt, prompt.length + GENERATED - 1);
        long[] out = new long[GENERATED];
        for (int i = 0; i < GENERATED; i++) {
            long[] prefix = Arrays.copyOf(sequence, prompt.length + i);
            out[i] = argmax(model.forward(prefix, CaptureSpec.none()).lastLogits());
            if (i + 1 < GENERATED) {
                sequence[prompt.length + i] = out[i];
            }
        }
        return out;
    }

    /** Decode-step time at each context length in {@link #CONTEXTS}; the cache grows by one per repetition. */
    private void contextGrowth() {
        for (int i = 0; i < CONTEXTS.length; i++) {
            int context = CONTEXTS[i];
            try (KvCache cache = model.newCache()) {
                model.prefill(cache, promptIds(config, context), CaptureSpec.none());
                Samples step = watch(3, 15).time(() -> model.decode(cache, 11, CaptureSpec.none()));
                report.time(CONTEXT, "decode step with " + context + "-" + (context + 18) + " cached positions", step,
                        Report.fmt(1000 / step.median(), 1) + " tokens/s");
            }
        }
    }

    /** One prompt sampled at several temperatures: one batched decode per step vs one sequence after another. */
    private Samples batchedTemperatures() {
        long[] prompt = promptIds(config, 16);
        int n = TEMPERATURES.length;
        Samples batched = watch(1, quick ? 3 : 5).time(() -> {
            try (KvCache single = model.newCache()) {
                float[] first = model.prefill(single, prompt, CaptureSpec.none()).lastLogits();
                try (KvCache batch = single.repeat(n)) {
                    Rng[] rngs = rngs(n);
                    long[] next = new long[n];
                    List<float[]> logits = new ArrayList<>(List.of(first, first, first, first));
                    for (int step = 0; step < GENERATED; step++) {
                        for (int row = 0; row < n; row++) {
                            next[row] = sample(logits.get(row), TEMPERATURES[row], rngs[row]);
                        }
                        if (step + 1 < GENERATED) {
                            List<StepResult> results = model.decodeBatch(batch, next, CaptureSpec.none());
                            for (int row = 0; row < n; row++) {
                                logits.set(row, results.get(row).lastLogits());
                            }
                        }
                    }
                }
            }
        });
        Samples sequential = watch(1, quick ? 3 : 5).time(() -> {
            try (KvCache single = model.newCache()) {
                float[] first = model.prefill(single, prompt, CaptureSpec.none()).lastLogits();
                Rng[] rngs = rngs(n);
                for (int row = 0; row < n; row++) {
                    try (KvCache own = single.fork()) {
                        float[] logits = first;
                        for (int step = 0; step < GENERATED; step++) {
                            long next = sample(logits, TEMPERATURES[row], rngs[row]);
                            if (step + 1 < GENERATED) {
                                logits = model.decode(own, next, CaptureSpec.none()).lastLogits();
                            }
                        }
                    }
                }
            }
        });
        String what = n + " temperatures " + Arrays.toString(TEMPERATURES) + ", 16-token prompt, " + GENERATED
                + " tokens each";
        report.time(BATCH, what + ": batched (decodeBatch)", batched, "includes the shared prefill and sampling");
        report.time(BATCH, what + ": one after another", sequential,
                "batched is " + Report.ratio(sequential.median() / batched.median()) + " faster");
        return batched;
    }

    private static Rng[] rngs(int n) {
        Rng[] rngs = new Rng[n];
        for (int i = 0; i < n; i++) {
            rngs[i] = new Rng(100 + i);
        }
        return rngs;
    }

    private static long sample(float[] logits, double temperature, Rng rng) {
        return Sampler.sample(logits, temperature, 0, 1.0, rng.nextDouble()).tokenId();
    }

    static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    private Stopwatch watch(int warmups, int repetitions) {
        return new Stopwatch(warmups, quick ? Math.max(3, repetitions / 3) : repetitions);
    }

    private static int indexOf(int[] values, int value) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == value) {
                return i;
            }
        }
        throw new IllegalArgumentException(value + " not in " + Arrays.toString(values));
    }
}
