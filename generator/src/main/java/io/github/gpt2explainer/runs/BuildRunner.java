package io.github.gpt2explainer.runs;

import ai.djl.ndarray.NDManager;
import io.github.gpt2explainer.forward.Gpt2Model;
import io.github.gpt2explainer.model.Checkpoint;
import io.github.gpt2explainer.model.ModelSource;
import io.github.gpt2explainer.prompts.EffectivePrompt;
import io.github.gpt2explainer.prompts.PromptSet;
import io.github.gpt2explainer.timing.PhaseTimes;
import io.github.gpt2explainer.trace.PromptRun;
import io.github.gpt2explainer.trace.StoreKey;
import io.github.gpt2explainer.trace.TraceStore;
import java.util.ArrayList;
import java.util.List;

/**
 * The model stage of a build: works out which prompts the trace store already holds, runs only the others
 * (loading the weights only if there are any), stores each as soon as it is done, and, only if asked
 * ({@code --prune}), finally removes the entries no prompt of this set refers to. Without pruning nothing is ever
 * deleted, so builds of other prompt sets or models that share the store keep their entries.
 *
 * <p>Memory stays bounded whatever the number of prompts: one model, and one prompt's run in memory at
 * a time (it is written to the store, then dropped). Consumers load runs back one at a time with
 * {@link TraceStore#load} using {@link RunReport#keys()}.
 *
 * <p>An interrupted run (an exception, Ctrl-C) keeps every prompt stored before the interruption; the
 * next run computes only the rest. Pruning happens only after a complete run.
 */
public final class BuildRunner {

    private final TraceStore store;
    private final RunProgress progress;

    public BuildRunner(TraceStore store, RunProgress progress) {
        this.store = store;
        this.progress = progress;
    }

    /**
     * Runs {@code set}, which the caller has checked against the model (build, serve and run do, once), without
     * deleting anything from the store.
     */
    public RunReport run(PromptSet set, ModelSource model) {
        return run(set, model, false);
    }

    /**
     * @param prune whether to remove, after a complete run, every entry {@code set} does not need, other models'
     *              too ({@code --prune}); false keeps the entries of other prompt sets, models and shards
     */
    public RunReport run(PromptSet set, ModelSource model, boolean prune) {
        List<String> notices = new ArrayList<>(store.notices());
        notices.forEach(progress::notice);

        List<EffectivePrompt> prompts = set.effectivePrompts();
        List<StoreKey> keys = new ArrayList<>();
        List<String> cached = new ArrayList<>();
        List<Integer> toRun = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            EffectivePrompt prompt = prompts.get(i);
            StoreKey key = store.key(model.info(), prompt.id(), prompt.contentHash());
            keys.add(key);
            TraceStore.EntryStatus status = store.status(key);
            if (status.state() == TraceStore.State.PRESENT) {
                cached.add(prompt.id());
            } else {
                if (status.state() == TraceStore.State.DAMAGED) {
                    String notice = "recomputing " + prompt.id() + ": its stored entry is damaged (" + status.problem() + ")";
                    notices.add(notice);
                    progress.notice(notice);
                }
                toRun.add(i);
            }
        }
        progress.planned(prompts.size(), cached.size(), toRun.size());
        progress.generating(toRun.stream().mapToLong(i -> (long) prompts.get(i).temperatures().size()
                * prompts.get(i).maxNewTokens()).sum());

        List<String> ran = new ArrayList<>();
        double loadSeconds = 0;
        double runSeconds = 0;
        if (!toRun.isEmpty()) {
            long loadStart = System.nanoTime();
            NDManager engine;
            try (PhaseTimes.Span span = PhaseTimes.phase("model: engine start (PyTorch native library)")) {
                engine = NDManager.newBaseManager("PyTorch");
            }
            PhaseTimes.Span loading = PhaseTimes.phase("model: checkpoint load and upload to the engine");
            Checkpoint checkpoint = model.loadCheckpoint(); // kept: the insight reads ln_f, c_proj and the head
            try (NDManager manager = engine;
                 Gpt2Model gpt2 = Gpt2Model.load(checkpoint, manager)) {
                // The weights now live in native memory; let the JVM release its own copies (a mapped
                // model.safetensors, the direct buffers of the upload) before the run adds its own peak.
                System.gc();
                loading.close();
                loadSeconds = seconds(loadStart);
                PromptRunner runner = new PromptRunner(gpt2, checkpoint, model.tokenizer(), model.info());
                long runStart = System.nanoTime();
                for (int n = 0; n < toRun.size(); n++) {
                    int i = toRun.get(n);
                    EffectivePrompt prompt = prompts.get(i);
                    progress.promptStarted(prompt.id(), n, toRun.size());
                    long start = System.nanoTime();
                    try (PromptRun run = runner.run(prompt, step -> progress.step(prompt.id(), step, prompt.maxNewTokens()))) {
                        try (PhaseTimes.Span writing = PhaseTimes.phase("prompt: store write")) {
                            store.write(keys.get(i), run); // the site is rendered from the store
                        }
                    }
                    ran.add(prompt.id());
                    progress.promptDone(prompt.id(), n, toRun.size(), seconds(start));
                }
                runSeconds = seconds(runStart);
            }
        }
        int pruned = 0;
        if (prune) {
            java.util.OptionalInt removed = store.pruneIfAlone(keys);
            if (removed.isPresent()) {
                pruned = removed.getAsInt();
            } else {
                String notice = "nothing pruned: another build is using trace store " + store.directory()
                        + "; give --prune again when it has finished";
                notices.add(notice);
                progress.notice(notice);
            }
        }
        return new RunReport(keys, cached, ran, !toRun.isEmpty(), loadSeconds, runSeconds, pruned, notices);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
