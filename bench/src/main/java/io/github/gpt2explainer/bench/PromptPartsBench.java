package io.github.gpt2explainer.bench;

import io.github.gpt2explainer.forward.CaptureSpec;
import io.github.gpt2explainer.forward.Gpt2Model;
import io.github.gpt2explainer.forward.StepResult;
import io.github.gpt2explainer.insight.DirectLogitAttribution;
import io.github.gpt2explainer.insight.InputAttribution;
import io.github.gpt2explainer.insight.Insight;
import io.github.gpt2explainer.model.Checkpoint;
import io.github.gpt2explainer.runs.LogitLensComputer;
import io.github.gpt2explainer.sampling.TopTokens;
import io.github.gpt2explainer.tokenizer.Gpt2Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * The model work a site build does once per prompt, as parts, each timed on its own on a 16-token prompt (as the
 * curated prompts are): the captured prefill, its logit lens, the direct logit attribution of 5 candidates and the
 * occlusion, exactly the calls the build makes (PromptRunner, Insight), one after another on one thread.
 */
final class PromptPartsBench {

    private static final int PROMPT_TOKENS = 16;

    /** Milliseconds of each part, over the repeats. */
    record Parts(Samples prefill, Samples lens, Samples attribution, Samples occlusion) {

        /** One prompt's parts, by their medians. */
        double medianMs() {
            return prefill.median() + lens.median() + attribution.median() + occlusion.median();
        }

        String describe() {
            return "prefill " + Report.fmt(prefill.median(), 1) + " + lens " + Report.fmt(lens.median(), 1)
                    + " + attribution " + Report.fmt(attribution.median(), 1) + " + occlusion "
                    + Report.fmt(occlusion.median(), 1) + " ms";
        }
    }

    private PromptPartsBench() {
    }

    static Parts measure(Gpt2Model model, Checkpoint checkpoint, int repeats) {
        long[] prompt = EngineBench.promptIds(model.config(), PROMPT_TOKENS);
        long neutral; // the occlusion's replacement, as the build takes it: the tokenizer's <|endoftext|>
        try (Gpt2Tokenizer tokenizer = Gpt2Tokenizer.bundled()) {
            neutral = tokenizer.endOfTextId();
        }
        List<Double> prefill = new ArrayList<>();
        List<Double> lens = new ArrayList<>();
        List<Double> attribution = new ArrayList<>();
        List<Double> occlusion = new ArrayList<>();
        for (int repeat = 0; repeat < repeats + 1; repeat++) { // the first is warm-up
            boolean kept = repeat > 0;
            long start = System.nanoTime();
            try (StepResult pass = model.forward(prompt, CaptureSpec.all())) {
                record(kept, prefill, start);
                time(kept, lens, () -> LogitLensComputer.compute(model, pass.trace(), LogitLensComputer.DEFAULT_TOP_K));
                long[] targets = Arrays.stream(TopTokens.of(pass.lastLogits(), Insight.CANDIDATES)).asLongStream().toArray();
                time(kept, attribution, () -> DirectLogitAttribution.of(checkpoint, pass.trace(), targets));
                time(kept, occlusion, () -> InputAttribution.of(model, pass.trace(), targets[0], neutral,
                        pass.lastLogits()));
            }
        }
        return new Parts(samples(prefill), samples(lens), samples(attribution), samples(occlusion));
    }

    private static void time(boolean kept, List<Double> into, Supplier<?> work) {
        long start = System.nanoTime();
        work.get();
        record(kept, into, start);
    }

    private static void record(boolean kept, List<Double> into, long start) {
        if (kept) {
            into.add((System.nanoTime() - start) / 1e6);
        }
    }

    private static Samples samples(List<Double> ms) {
        return Samples.of(ms.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
