package io.github.gpt2explainer.runs;

import io.github.gpt2explainer.forward.CapturedPass;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntConsumer;

/**
 * Computes the whole {@link PromptRun} of one prompt: the captured prefill, every temperature's
 * generation, the logit lens, the {@link Insight} (direct logit attribution of the top candidates, input
 * attribution by occlusion when the prompt's {@code attribution_max_tokens} allows), and the display form of
 * every token id any of them mentions.
 *
 * <p>The lens and the insight read only the captured prefill, so they run on a second thread while the
 * temperatures are decoded: a batched decode step of a few rows is bound by reading the weights and gains little
 * from PyTorch's second intra-op thread, so two such chains side by side use the two cores better than one
 * after the other (figures in docs/benchmarks.md). Each computes exactly what it would alone.
 */
public final class PromptRunner {

    /** The thread the lens and insight run on, beside the generation; a daemon, so it never keeps the JVM alive. */
    private static final ExecutorService BESIDE = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "prompt-lens-and-insight");
        t.setDaemon(true);
        return t;
    });

    /** What the prompt's run adds beside the generation. */
    private record Analysis(LogitLens lens, Insight insight) {
    }

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
        return runAll(List.of(prompt), (request, generated) -> afterStep.accept(generated)).get(0);
    }

    /**
     * Runs several prompts together: their generations share each decode step (see {@link Generator#runAll}), and
     * each one's lens and insight run beside. Every run is what {@link #run} gives for its prompt alone.
     *
     * @param listener told after each round of sampling of prompt {@code request} (an index into {@code prompts})
     * @return one run per prompt, in order; the caller closes them
     */
    public List<PromptRun> runAll(List<EffectivePrompt> prompts, Generator.StepListener listener) {
        List<Generator.Request> requests = new ArrayList<>(prompts.size());
        List<long[]> ids = new ArrayList<>(prompts.size());
        for (EffectivePrompt prompt : prompts) {
            try (PhaseTimes.Span span = PhaseTimes.phase("prompt: tokenize")) {
                ids.add(tokenizer.encode(prompt.text()));
            }
            requests.add(new Generator.Request(ids.get(ids.size() - 1), Generator.settings(prompt), prompt.maxNewTokens()));
        }
        List<CompletableFuture<Analysis>> analyses = new ArrayList<>(Collections.nCopies(prompts.size(), null));
        List<Generator.Result> results = Generator.runAll(model, requests, tokenizer.endOfTextId(), listener,
                (i, prefill) -> {
                    analyses.set(i, CompletableFuture.supplyAsync(
                            () -> analyse(prompts.get(i), ids.get(i), prefill.trace(), prefill.lastLogits()), BESIDE));
                    return () -> awaitEnd(analyses.get(i));
                });
        List<PromptRun> runs = new ArrayList<>(prompts.size());
        try {
            for (int i = 0; i < prompts.size(); i++) {
                Analysis done = join(analyses.get(i));
                runs.add(assemble(prompts.get(i), ids.get(i), results.get(i), done.lens(), done.insight()));
            }
            return List.copyOf(runs);
        } catch (RuntimeException | Error e) {
            for (int i = 0; i < prompts.size(); i++) {
                awaitEnd(analyses.get(i));
                if (i < runs.size()) {
                    runs.get(i).close();
                } else {
                    results.get(i).prefill().close(); // the run never reaches its owner: free the captured pass now
                }
            }
            throw e;
        }
    }

    private Analysis analyse(EffectivePrompt prompt, long[] ids, CapturedPass prefill, float[] lastLogits) {
        LogitLens lens;
        try (PhaseTimes.Span span = PhaseTimes.phase("prompt: logit lens")) {
            lens = LogitLensComputer.compute(model, prefill, LogitLensComputer.DEFAULT_TOP_K);
        }
        Insight insight = Insight.of(model, checkpoint, prefill, lastLogits, tokenizer.endOfTextId(),
                prompt.attributes(ids.length));
        return new Analysis(lens, insight);
    }

    /** The analysis's result, its failure rethrown as it was thrown. */
    private static Analysis join(CompletableFuture<Analysis> analysis) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return analysis.get();
                } catch (InterruptedException e) {
                    interrupted = true; // the prefill must outlive the analysis: wait on, then restore the flag
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    if (e.getCause() instanceof Error err) {
                        throw err;
                    }
                    throw new CompletionException(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void awaitEnd(CompletableFuture<Analysis> analysis) {
        if (analysis == null) {
            return;
        }
        try {
            join(analysis);
        } catch (RuntimeException | Error ignored) {
            // it ended; the caller is already failing for its own reason
        }
    }

    /** The vocabulary subset, added to the generator's result, the lens and the insight. */
    private PromptRun assemble(EffectivePrompt prompt, long[] ids, Generator.Result result, LogitLens lens,
                               Insight insight) {
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
