package io.github.gpt2explainer.runs;

import io.github.gpt2explainer.forward.Gpt2Model;
import io.github.gpt2explainer.insight.HeadRoleProbe;
import io.github.gpt2explainer.insight.ProbedHeadRoles;
import io.github.gpt2explainer.model.ModelSource;
import io.github.gpt2explainer.timing.PhaseTimes;
import io.github.gpt2explainer.trace.HeadRoleStore;
import io.github.gpt2explainer.trace.TraceStore;
import java.util.Locale;

/**
 * The head-role step of a build: the "meet the heads" page's scores, taken from the trace store, or measured
 * (one forward pass of the {@link HeadRoleProbe}, 2n + 1 tokens) and stored when the store does not hold them for
 * this model and probe. {@code build} runs it after the prompts; {@code run} too (with {@code --shard}, shard 1
 * only), so that merged shard stores hold it and the final build does no model work.
 */
public final class HeadRoleRunner {

    /**
     * @param roles    the scores, as stored
     * @param computed whether the model ran (false: read from the store)
     * @param seconds  the time it took, loading the weights included
     */
    public record Result(ProbedHeadRoles roles, boolean computed, double seconds) {
        /** E.g. {@code Head roles: 12 x 12 heads from the trace store (no model work)}. */
        public String summary() {
            String heads = roles.roles().layers() + " x " + roles.roles().heads() + " heads";
            return computed
                    ? String.format(Locale.ROOT, "Head roles: %s scored on a probe of 2 x %d tokens (seed %d) in %.1f s",
                            heads, roles.probe().n(), roles.probe().seed(), seconds)
                    : "Head roles: " + heads + " from the trace store (no model work)";
        }
    }

    private HeadRoleRunner() {
    }

    /** The scores of {@code model} on the probe with {@code seed}, measured only if {@code store} lacks them. */
    public static Result ensure(TraceStore store, ModelSource model, long seed) {
        try (LoadedModel loaded = new LoadedModel(model)) {
            return ensure(store, loaded, seed);
        }
    }

    /** As {@link #ensure(TraceStore, ModelSource, long)}, with weights loaded once for the whole build (if at all). */
    public static Result ensure(TraceStore store, LoadedModel loaded, long seed) {
        ModelSource model = loaded.source();
        long start = System.nanoTime();
        var config = model.config();
        HeadRoleProbe probe = HeadRoleProbe.of(seed, config.vocabSize(), config.contextLength(),
                model.tokenizer().endOfTextId());
        HeadRoleStore heads = HeadRoleStore.of(store);
        String key = HeadRoleStore.key(model.info(), seed, probe.n());
        ProbedHeadRoles stored = heads.load(key);
        if (stored != null) {
            return new Result(stored, false, seconds(start));
        }
        ProbedHeadRoles measured;
        Gpt2Model gpt2 = loaded.model();
        try (PhaseTimes.Span span = PhaseTimes.phase("head roles: probe pass and scores")) {
            measured = ProbedHeadRoles.measure(gpt2, probe);
        }
        return new Result(heads.write(key, measured), true, seconds(start));
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
