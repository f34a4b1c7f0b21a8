package io.github.gpt2explainer.runs;

import java.util.List;

/**
 * One decoding step of a batch of sequences: appends {@code nextIds[i]} to sequence i and returns the
 * logits [V] for the position after it, one array per sequence. {@link GenerationLoop} only sees this,
 * so its stopping and sampling rules are testable without a model.
 */
@FunctionalInterface
public interface DecodeStep {
    List<float[]> advance(long[] nextIds);
}
