package io.github.gpt2explainer.sampling;

/**
 * One of the most likely next tokens at a generation step.
 *
 * @param tokenId     id in the vocabulary
 * @param logit       the model's raw logit for this token (before temperature)
 * @param probability its probability under the final distribution (after temperature, top-k, top-p)
 * @param kept        whether top-k/top-p (or greedy) left this token in the running; a kept token can
 *                    still have probability 0.0 when its weight underflows at a very low temperature
 */
public record Candidate(int tokenId, float logit, double probability, boolean kept) {
}
