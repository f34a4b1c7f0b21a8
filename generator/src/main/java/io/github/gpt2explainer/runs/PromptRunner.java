package io.github.gpt2explainer.runs;

import io.github.gpt2explainer.forward.Gpt2Model;
import io.github.gpt2explainer.insight.DirectLogitAttribution;
import io.github.gpt2explainer.insight.Insight;
import io.github.gpt2explainer.model.Checkpoint;
import io.github.gpt2explainer.prompts.EffectivePrompt;
import io.github.gpt2explainer.sampling.Candidate;
import io.github.gpt2explainer.sampling.TopTokens;
import io.github.gpt2explainer.timing.PhaseTimes;
import io.github.gpt2explainer.tokenizer.Gpt2Tokenizer;
import io.github.gpt2explainer.tokenizer.TokenPiece;
import io.github.gpt2explainer.trace.GenerationRun;
import io.github.gpt2explainer.trace.GenerationStep;
import io.github.gpt2explainer.trace.LogitLens;
import io.github.gpt2explainer.trace.ModelInfo;
import io.github.gpt2explainer.trace.PromptRun;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.IntConsumer;

/**
 * Computes the whole {@link PromptRun} of one prompt: the captured prefill, every temperature's
 * generation, the logit lens, the {@link Insight} (direct logit attribution of the top candidates, input
 * attribution by occlusion when the prompt's {@code attribution_max_tokens} allows), and the display form of
 * every token id any of them mentions.
 */
public final class PromptRunner {

    private final Gpt2Model model;
    private final Checkpoint checkpoint;
    private final Gpt2Tokenizer tokenizer;
    private final ModelInfo info;

    /** @param checkpoint the weights {@code model} was loaded from (the attribution reads a few of them) */
    public PromptRunner(Gpt2Model model, Checkpoint checkpoint, Gpt2Tokenizer tokenizer, ModelInfo info) {
        this.model = model;
        this.checkpoint = checkpoint;
        this.tokenizer = tokenizer;
        this.info = info;
    }

    /** @param afterStep called with the number of tokens generated so far, after each round of sampling */
    public PromptRun run(EffectivePrompt prompt, IntConsumer afterStep) {
        long[] ids;
        try (PhaseTimes.Span span = PhaseTimes.phase("prompt: tokenize")) {
            ids = tokenizer.encode(prompt.text());
        }
        Generator.Result result = Generator.run(model, ids, Generator.settings(prompt), prompt.maxNewTokens(),
                tokenizer.endOfTextId(), afterStep);
        try {
            return assemble(prompt, ids, result);
        } catch (RuntimeException | Error e) {
            result.prefill().close(); // the run never reaches its owner: free the captured pass now
            throw e;
        }
    }

    /** The logit lens, the insight and the vocabulary subset, added to the generator's result. */
    private PromptRun assemble(EffectivePrompt prompt, long[] ids, Generator.Result result) {
        LogitLens lens;
        try (PhaseTimes.Span span = PhaseTimes.phase("prompt: logit lens")) {
            lens = LogitLensComputer.compute(model, result.prefill(), LogitLensComputer.DEFAULT_TOP_K);
        }
        Insight insight = Insight.of(model, checkpoint, result.prefill(), result.lastLogits(),
                tokenizer.endOfTextId(), prompt.attributes(ids.length));

        SortedMap<Integer, TokenPiece> vocabulary = new TreeMap<>();
        for (long id : ids) {
            add(vocabulary, id);
        }
        for (GenerationRun run : result.generations()) {
            for (GenerationStep step : run.steps()) {
                add(vocabulary, step.tokenId());
                for (Candidate c : step.candidates()) {
                    add(vocabulary, c.tokenId());
                }
            }
        }
        for (int[][] layer : lens.ids()) {
            for (int[] position : layer) {
                for (int id : position) {
                    add(vocabulary, id);
                }
            }
        }
        for (int id : TopTokens.of(result.lastLogits(), PromptRun.TOP_NEXT_TOKENS)) {
            add(vocabulary, id);
        }
        for (DirectLogitAttribution candidate : insight.candidates()) {
            add(vocabulary, candidate.target());
        }
        if (insight.attribution() != null) {
            add(vocabulary, insight.attribution().neutral()); // the captions name it
        }
        return new PromptRun(prompt.id(), prompt.contentHash(), info, result.prefill(), result.generations(), lens,
                vocabulary, insight);
    }

    private void add(SortedMap<Integer, TokenPiece> vocabulary, long id) {
        vocabulary.computeIfAbsent(Math.toIntExact(id), i -> tokenizer.piece(i));
    }
}
