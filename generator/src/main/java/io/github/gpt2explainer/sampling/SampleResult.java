package io.github.gpt2explainer.sampling;

import java.util.List;

/**
 * The outcome of one sampling step.
 *
 * @param tokenId     the chosen token
 * @param probability the chosen token's probability under the final (filtered, renormalised) distribution;
 *                    1.0 for greedy decoding
 * @param u           the uniform draw in [0, 1) that decided the choice (unused but recorded when greedy)
 * @param candidates  the most likely tokens, ordered by probability descending, then logit descending,
 *                    then id ascending (so at temperature 0 the runners-up still appear by logit)
 */
public record SampleResult(int tokenId, double probability, double u, List<Candidate> candidates) {

    public SampleResult {
        candidates = List.copyOf(candidates);
    }
}
