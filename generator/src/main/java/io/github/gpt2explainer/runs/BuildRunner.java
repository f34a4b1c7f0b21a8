package io.github.gpt2explainer.runs;

import io.github.gpt2explainer.forward.Gpt2Model;
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
        try (LoadedModel loaded = new LoadedModel(model)) {
            return run(set, loaded, prune);
        }
    }

    /**
     * As {@link #run(PromptSet, ModelSource, boolean)}, with weights the caller keeps loaded for more model work
     * after this (the head roles): they are loaded only if a prompt must run, and stay loaded.
     */
    public RunReport run(PromptSet set, LoadedModel loaded, boolean prune) {
        ModelSource model = loaded.source();
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
        double runSeconds = 0;
        if (!toRun.isEmpty()) {
            Gpt2Model gpt2 = loaded.model();
            PromptRunner runner = new PromptRunner(gpt2, loaded.checkpoint(), model.tokenizer(), model.info());
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
        double loadSeconds = loaded.loadSeconds();
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
