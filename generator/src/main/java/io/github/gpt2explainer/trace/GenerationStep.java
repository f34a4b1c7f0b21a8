package io.github.gpt2explainer.trace;

import io.github.gpt2explainer.sampling.Candidate;
import java.util.List;

/**
 * One step of generation.
 *
 * @param position    index of the new token in the whole sequence (prompt tokens come first)
 * @param tokenId     the token drawn
 * @param probability its probability under the final (temperature, top-k, top-p) distribution
 * @param draw        the uniform random number u in [0, 1) that chose it (unused by greedy decoding)
 * @param candidates  the most likely tokens at this step, most likely first
 */
public record GenerationStep(int position, int tokenId, double probability, double draw, List<Candidate> candidates) {
    public GenerationStep {
        candidates = List.copyOf(candidates);
    }
}
