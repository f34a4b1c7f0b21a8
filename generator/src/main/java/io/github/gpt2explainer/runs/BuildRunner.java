package io.github.gpt2explainer.runs;

import ai.djl.ndarray.NDManager;
import io.github.gpt2explainer.forward.Gpt2Model;
import io.github.gpt2explainer.trace.PromptRun;
import io.github.gpt2explainer.trace.StoreKey;
import io.github.gpt2explainer.trace.TraceStore;
import java.util.ArrayList;
import java.util.List;

/**
 * The model stage of a build: checks the prompt set against the tokenizer, works out which prompts the
 * trace store already holds, runs only the others (loading the weights only if there are any), stores each
 * as soon as it is done, and finally removes entries no prompt refers to any more.
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
     * @throws PromptSetException if a prompt does not fit the model (before any model work)
     */
    public RunReport run(PromptSet set, ModelSource model) {
        return run(set, model, true);
    }

    /**
     * @param prune whether to remove, after a complete run, the entries of prompts not in {@code set}; false for a
     *              share of a larger set ({@code run --shard}), whose store may hold the other shares' entries
     * @throws PromptSetException if a prompt does not fit the model (before any model work)
     */
    public RunReport run(PromptSet set, ModelSource model, boolean prune) {
        PromptSetValidator.validate(set, text -> model.tokenizer().encode(text).length, model.config().contextLength());
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
            try (NDManager manager = NDManager.newBaseManager("PyTorch");
                 Gpt2Model gpt2 = Gpt2Model.load(model.loadCheckpoint(), manager)) {
                // The weights now live in native memory; let the JVM release its own copies (a mapped
                // model.safetensors, the direct buffers of the upload) before the run adds its own peak.
                System.gc();
                loadSeconds = seconds(loadStart);
                PromptRunner runner = new PromptRunner(gpt2, model.tokenizer(), model.info());
                long runStart = System.nanoTime();
                for (int n = 0; n < toRun.size(); n++) {
                    int i = toRun.get(n);
                    EffectivePrompt prompt = prompts.get(i);
                    progress.promptStarted(prompt.id(), n, toRun.size());
                    long start = System.nanoTime();
                    try (PromptRun run = runner.run(prompt, step -> progress.step(prompt.id(), step, prompt.maxNewTokens()))) {
                        store.write(keys.get(i), run); // the site is rendered from the store
                    }
                    ran.add(prompt.id());
                    progress.promptDone(prompt.id(), n, toRun.size(), seconds(start));
                }
                runSeconds = seconds(runStart);
            }
        }
        int pruned = prune ? store.prune(keys) : 0;
        return new RunReport(keys, cached, ran, !toRun.isEmpty(), loadSeconds, runSeconds, pruned, notices);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
