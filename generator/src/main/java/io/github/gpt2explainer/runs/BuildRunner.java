package io.github.gpt2explainer.runs;

import io.github.gpt2explainer.forward.Gpt2Model;
import io.github.gpt2explainer.forward.KvCache;
import io.github.gpt2explainer.model.Gpt2Config;
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
 * <p>Prompts run in groups that share each decode step ({@link PromptRunner#runAll}): a step then reads the
 * weights once for a group's every temperature instead of once per prompt. Memory stays bounded whatever the
 * number of prompts: one model, and one group's runs in memory at a time, at most {@value #MAX_GROUP_ROWS}
 * sequences whose KV caches take at most {@value #KV_BUDGET_MIB} MiB (the runs are written to the store, then
 * dropped). Consumers load runs back one at a time with {@link TraceStore#load} using {@link RunReport#keys()}.
 *
 * <p>An interrupted run (an exception, Ctrl-C) keeps every prompt stored before the interruption; the
 * next run computes only the rest (so an interruption loses at most one group's work). Pruning happens only
 * after a complete run.
 */
public final class BuildRunner {

    /**
     * The most sequences (a prompt's temperatures each) in one group: past about 64 rows a decode step's products
     * are no longer bound by reading the weights, so bigger groups would save little (docs/benchmarks.md).
     */
    static final int MAX_GROUP_ROWS = 64;

    /** The most native memory one group's KV caches take together; gpt2-xl's 48 layers of width 1600 fill it soonest. */
    static final int KV_BUDGET_MIB = 512;

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
            int done = 0;
            for (List<Integer> group : groups(prompts, toRun, gpt2.config(), model)) {
                List<EffectivePrompt> members = group.stream().map(prompts::get).toList();
                for (int m = 0; m < members.size(); m++) {
                    progress.promptStarted(members.get(m).id(), done + m, toRun.size());
                }
                long start = System.nanoTime();
                List<PromptRun> runs = runner.runAll(members, (m, step) ->
                        progress.step(members.get(m).id(), step, members.get(m).maxNewTokens()));
                try {
                    for (int m = 0; m < members.size(); m++) {
                        try (PhaseTimes.Span writing = PhaseTimes.phase("prompt: store write")) {
                            store.write(keys.get(group.get(m)), runs.get(m)); // the site is rendered from the store
                        }
                        ran.add(members.get(m).id());
                        progress.promptDone(members.get(m).id(), done + m, toRun.size(), seconds(start));
                    }
                } finally {
                    runs.forEach(PromptRun::close);
                }
                done += members.size();
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

    /**
     * The prompts of {@code toRun} (indices into {@code prompts}) cut, in order, into groups that share decode steps.
     */
    private static List<List<Integer>> groups(List<EffectivePrompt> prompts, List<Integer> toRun, Gpt2Config config,
                                              ModelSource model) {
        int[] rows = new int[toRun.size()];
        int[] positions = new int[toRun.size()];
        for (int n = 0; n < toRun.size(); n++) {
            EffectivePrompt prompt = prompts.get(toRun.get(n));
            rows[n] = prompt.temperatures().size();
            positions[n] = model.tokenizer().encode(prompt.text()).length + prompt.maxNewTokens();
        }
        return groups(rows, positions, config).stream()
                .map(group -> group.stream().map(toRun::get).toList()).toList();
    }

    /**
     * Prompts 0 .. n-1, each decoding {@code rows[i]} sequences of up to {@code positions[i]} positions, cut in order
     * into groups of at most {@link #MAX_GROUP_ROWS} rows whose KV caches take at most {@link #KV_BUDGET_MIB} MiB;
     * a prompt too big for either runs alone.
     */
    static List<List<Integer>> groups(int[] rows, int[] positions, Gpt2Config config) {
        long budget = (long) KV_BUDGET_MIB << 20;
        List<List<Integer>> groups = new ArrayList<>();
        List<Integer> group = new ArrayList<>();
        int groupRows = 0;
        long groupBytes = 0;
        for (int i = 0; i < rows.length; i++) {
            long bytes = rows[i] * KvCache.bytesPerRow(config, positions[i]);
            if (!group.isEmpty() && (groupRows + rows[i] > MAX_GROUP_ROWS || groupBytes + bytes > budget)) {
                groups.add(group);
                group = new ArrayList<>();
                groupRows = 0;
                groupBytes = 0;
            }
            group.add(i);
            groupRows += rows[i];
            groupBytes += bytes;
        }
        if (!group.isEmpty()) {
            groups.add(group);
        }
        return groups;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
