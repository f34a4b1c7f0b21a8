package io.github.gpt2explainer.runs;

import io.github.gpt2explainer.forward.CaptureSpec;
import io.github.gpt2explainer.forward.CapturedPass;
import io.github.gpt2explainer.forward.Gpt2Model;
import io.github.gpt2explainer.forward.KvCache;
import io.github.gpt2explainer.forward.StepResult;
import io.github.gpt2explainer.prompts.EffectivePrompt;
import io.github.gpt2explainer.timing.PhaseTimes;
import io.github.gpt2explainer.trace.GenerationRun;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Runs prompts on the model: per prompt, one forward pass over the prompt with every intermediate captured
 * (temperature does not change it, so all temperatures share it); then all temperatures decoded together as
 * one batch from copies of the prompt's KV cache, with nothing captured (the fast path). Several prompts
 * ({@link #runAll}) share each decode step, so a step reads the weights once for all their rows.
 */
public final class Generator {

    /**
     * @param prefill     every intermediate of the pass over the prompt
     * @param lastLogits  [V] logits of the prompt's last position
     * @param generations one per settings entry, same order
     */
    public record Result(CapturedPass prefill, float[] lastLogits, List<GenerationRun> generations) {
    }

    /**
     * Work begun on the captured prefill that runs beside the generation (the logit lens and the insight read only
     * the prefill). If the generation fails, {@link #awaitEnd} is called before the prefill is freed, so the work
     * never reads freed memory.
     */
    public interface BesideWork {
        /** Waits until the work has ended, however it ended; never throws. */
        void awaitEnd();
    }

    private static final BesideWork NOTHING_BESIDE = () -> {
    };

    /**
     * The phase of the decode steps, each one for every prompt still going (see {@link #runAll}), named by the rows
     * each step decodes ({@link #decodeStepsPhase}): the benchmark times a step of each such size on its own.
     */
    public static final String DECODE_STEPS = "generation: decode steps of ";

    /** {@link #DECODE_STEPS} for steps of {@code rows} rows (sequences), padding not counted. */
    public static String decodeStepsPhase(int rows) {
        return DECODE_STEPS + rows + " rows (every prompt of a group at once)";
    }

    private Generator() {
    }

    /** The runs of {@code prompt}: one per effective temperature, ascending, each with its derived seed. */
    public static List<GenerationLoop.Settings> settings(EffectivePrompt prompt) {
        return prompt.temperatures().stream()
                .map(t -> new GenerationLoop.Settings(t, prompt.runSeed(t), prompt.topK(), prompt.topP()))
                .toList();
    }

    /** Runs one prompt, nothing beside: see {@link #runAll}. */
    public static Result run(Gpt2Model model, long[] promptIds, List<GenerationLoop.Settings> runs, int maxNewTokens,
                             long endOfTextId, IntConsumer afterStep) {
        return runAll(model, List.of(new Request(promptIds, runs, maxNewTokens)), endOfTextId,
                (request, generated) -> afterStep.accept(generated), (request, prefill) -> NOTHING_BESIDE).get(0);
    }

    /** One prompt to run: its tokens, one settings entry per temperature, and how many tokens to generate. */
    public record Request(long[] promptIds, List<GenerationLoop.Settings> runs, int maxNewTokens) {
    }

    /** Told after each round of sampling of request {@code request}: {@code generated} tokens so far. */
    @FunctionalInterface
    public interface StepListener {
        void afterStep(int request, int generated);
    }

    /**
     * Runs several prompts: each one's captured prefill in turn, {@code beside} started on each as soon as it exists,
     * then every temperature of every prompt decoded together, one {@link Gpt2Model#decodeGroups} step for all the
     * prompts still going. A step then reads the weights once for all of them, and each prompt's tokens are the same
     * as when it runs alone.
     *
     * @return one result per request, in order
     */
    public static List<Result> runAll(Gpt2Model model, List<Request> requests, long endOfTextId, StepListener listener,
                                      BiFunction<Integer, StepResult, BesideWork> beside) {
        int contextLength = model.config().contextLength();
        for (Request request : requests) {
            int length = request.promptIds().length;
            if (length < 1 || length >= contextLength) {
                throw new IllegalArgumentException("the prompt has " + length + " tokens; generation needs 1 to "
                        + (contextLength - 1) + " so that a new token fits the context of " + contextLength);
            }
        }
        int k = requests.size();
        StepResult[] prefills = new StepResult[k];
        KvCache[] batches = new KvCache[k];
        BesideWork[] works = new BesideWork[k];
        Arrays.fill(works, NOTHING_BESIDE);
        try {
            GenerationLoop[] loops = new GenerationLoop[k];
            for (int i = 0; i < k; i++) {
                Request request = requests.get(i);
                long[] ids = request.promptIds();
                try (KvCache promptCache = model.newCache()) {
                    // Room for the whole generation at once: no step grows the cache (each growth copies it).
                    promptCache.reserve(ids.length + request.maxNewTokens());
                    try (PhaseTimes.Span span = PhaseTimes.phase("prompt: captured prefill")) {
                        prefills[i] = model.prefill(promptCache, ids, CaptureSpec.all());
                    }
                    batches[i] = promptCache.repeat(request.runs().size()); // the batch holds its own copy
                }
                works[i] = beside.apply(i, prefills[i]);
                loops[i] = GenerationLoop.start(prefills[i].lastLogits(), ids.length, contextLength,
                        request.maxNewTokens(), endOfTextId, request.runs());
            }
            try (PhaseTimes.Span span = PhaseTimes.phase("prompt: generation (batched decode and sampling)")) {
                decodeTogether(model, loops, batches, listener);
            }
            List<Result> results = new ArrayList<>(k);
            for (int i = 0; i < k; i++) {
                results.add(new Result(prefills[i].trace(), prefills[i].lastLogits(), loops[i].result()));
            }
            return List.copyOf(results);
        } catch (RuntimeException | Error e) {
            for (int i = 0; i < k; i++) {
                works[i].awaitEnd(); // it may still be reading the prefill
                if (prefills[i] != null) {
                    prefills[i].close(); // nobody else will: free the captured pass now
                }
            }
            throw e;
        } finally {
            for (KvCache batch : batches) {
                if (batch != null) {
                    batch.close();
                }
            }
        }
    }

    /**
     * Samples and decodes every loop until all have stopped; a loop whose runs have all stopped leaves the step.
     * The loops sample in parallel (each is a pure function of its own logits and generators, so the tokens do not
     * depend on it): a group's rows take about 2.7 ms each to sample over the vocabulary, a tenth of a build.
     */
    private static void decodeTogether(Gpt2Model model, GenerationLoop[] loops, KvCache[] batches,
                                       StepListener listener) {
        long[][] next = new long[loops.length][];
        while (true) {
            boolean[] going = new boolean[loops.length];
            for (int i = 0; i < loops.length; i++) {
                going[i] = !loops[i].finished();
            }
            IntStream.range(0, loops.length).parallel().filter(i -> going[i]).forEach(i -> next[i] = loops[i].sample());
            List<KvCache> caches = new ArrayList<>();
            List<long[]> ids = new ArrayList<>();
            List<GenerationLoop> fed = new ArrayList<>();
            for (int i = 0; i < loops.length; i++) {
                if (!going[i]) {
                    continue;
                }
                listener.afterStep(i, loops[i].generated());
                if (next[i] != null) {
                    caches.add(batches[i]);
                    ids.add(next[i]);
                    fed.add(loops[i]);
                }
            }
            if (fed.isEmpty()) {
                return;
            }
            List<List<float[]>> logits;
            int rows = ids.stream().mapToInt(row -> row.length).sum();
            try (PhaseTimes.Span span = PhaseTimes.phase(decodeStepsPhase(rows))) {
                logits = model.decodeGroups(caches, ids);
            }
            for (int j = 0; j < fed.size(); j++) {
                fed.get(j).accept(logits.get(j));
            }
        }
    }
}
