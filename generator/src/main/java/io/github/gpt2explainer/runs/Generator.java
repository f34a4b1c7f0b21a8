package io.github.gpt2explainer.runs;

import io.github.gpt2explainer.forward.CaptureSpec;
import io.github.gpt2explainer.forward.CapturedPass;
import io.github.gpt2explainer.forward.Gpt2Model;
import io.github.gpt2explainer.forward.KvCache;
import io.github.gpt2explainer.forward.StepResult;
import io.github.gpt2explainer.prompts.EffectivePrompt;
import io.github.gpt2explainer.timing.PhaseTimes;
import io.github.gpt2explainer.trace.GenerationRun;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Runs one prompt on the model: one forward pass over the prompt with every intermediate captured
 * (temperature does not change it, so all temperatures share it), then all temperatures decoded together
 * as one batch from copies of the prompt's KV cache, with nothing captured (the fast path).
 */
public final class Generator {

    /**
     * @param prefill     every intermediate of the pass over the prompt
     * @param lastLogits  [V] logits of the prompt's last position
     * @param generations one per settings entry, same order
     */
    public record Result(CapturedPass prefill, float[] lastLogits, List<GenerationRun> generations) {
    }

    private Generator() {
    }

    /** The runs of {@code prompt}: one per effective temperature, ascending, each with its derived seed. */
    public static List<GenerationLoop.Settings> settings(EffectivePrompt prompt) {
        return prompt.temperatures().stream()
                .map(t -> new GenerationLoop.Settings(t, prompt.runSeed(t), prompt.topK(), prompt.topP()))
                .toList();
    }

    public static Result run(Gpt2Model model, long[] promptIds, List<GenerationLoop.Settings> runs, int maxNewTokens,
                             long endOfTextId, IntConsumer afterStep) {
        int contextLength = model.config().contextLength();
        if (promptIds.length < 1 || promptIds.length >= contextLength) {
            throw new IllegalArgumentException("the prompt has " + promptIds.length + " tokens; generation needs 1 to "
                    + (contextLength - 1) + " so that a new token fits the context of " + contextLength);
        }
        try (KvCache promptCache = model.newCache()) {
            // Room for the whole generation at once: no step grows the cache (each growth copies it).
            promptCache.reserve(promptIds.length + maxNewTokens);
            StepResult prefill;
            try (PhaseTimes.Span span = PhaseTimes.phase("prompt: captured prefill")) {
                prefill = model.prefill(promptCache, promptIds, CaptureSpec.all());
            }
            try (KvCache batch = promptCache.repeat(runs.size())) {
                promptCache.close(); // the batch holds its own copy
                DecodeStep step = ids -> {
                    try (PhaseTimes.Span span = PhaseTimes.phase("prompt: generation: its batched decode steps")) {
                        return model.decodeBatch(batch, ids, CaptureSpec.none()).stream()
                                .map(StepResult::lastLogits).toList();
                    }
                };
                List<GenerationRun> generations;
                try (PhaseTimes.Span span = PhaseTimes.phase("prompt: generation (batched decode and sampling)")) {
                    generations = GenerationLoop.run(prefill.lastLogits(), promptIds.length,
                            contextLength, maxNewTokens, endOfTextId, runs, step, afterStep);
                }
                return new Result(prefill.trace(), prefill.lastLogits(), generations);
            } catch (RuntimeException | Error e) {
                prefill.close(); // nobody else will: free the captured pass now
                throw e;
            }
        }
    }
}
