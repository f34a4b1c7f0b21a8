package io.github.gpt2explainer.trace;

import java.util.List;

/**
 * The continuation of one prompt at one temperature.
 *
 * @param temperature 0 means greedy
 * @param seed        the seed of this run's random generator (derived from the prompt's seed)
 * @param topK        0 = off
 * @param topP        1.0 = off
 * @param steps       one per generated token, in order
 * @param stopReason  why it ended
 */
public record GenerationRun(double temperature, long seed, int topK, double topP, List<GenerationStep> steps,
                            StopReason stopReason) {
    public GenerationRun {
        steps = List.copyOf(steps);
    }

    public int[] tokenIds() {
        return steps.stream().mapToInt(GenerationStep::tokenId).toArray();
    }
}
