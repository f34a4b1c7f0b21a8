package io.github.gpt2explainer.runs;

import io.github.gpt2explainer.trace.StoreKey;
import java.util.List;
import java.util.Locale;

/**
 * What a {@link BuildRunner} run did.
 *
 * @param keys          every prompt's store key, in prompt-id order: load each with {@code TraceStore.load}
 * @param cached        ids of the prompts that were already stored
 * @param ran           ids of the prompts computed by this run, in order
 * @param modelLoaded   whether the weights were loaded at all
 * @param loadSeconds   time to load the weights (0 when not loaded)
 * @param runSeconds    time spent computing and storing the prompts that ran
 * @param pruned        stale entries removed from the store
 * @param notices       things the user should know (store upgrades, damaged entries recomputed)
 */
public record RunReport(List<StoreKey> keys, List<String> cached, List<String> ran, boolean modelLoaded,
                        double loadSeconds, double runSeconds, int pruned, List<String> notices) {

    public RunReport {
        keys = List.copyOf(keys);
        cached = List.copyOf(cached);
        ran = List.copyOf(ran);
        notices = List.copyOf(notices);
    }

    /** E.g. {@code 20 prompts: 0 cached, 20 run in 14.2 s} or {@code 20 prompts: 20 cached, nothing to run}. */
    public String summary() {
        String head = keys.size() + (keys.size() == 1 ? " prompt: " : " prompts: ") + cached.size() + " cached, ";
        return ran.isEmpty() ? head + "nothing to run"
                : head + ran.size() + " run in " + String.format(Locale.ROOT, "%.1f s", loadSeconds + runSeconds);
    }
}
