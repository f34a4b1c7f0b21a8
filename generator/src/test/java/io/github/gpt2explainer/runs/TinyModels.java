package io.github.gpt2explainer.runs;

import io.github.gpt2explainer.model.Checkpoint;
import io.github.gpt2explainer.model.Gpt2Config;
import io.github.gpt2explainer.model.RandomCheckpoint;

/** Small random GPT-2s with the real vocabulary, fast enough for many runs in a test. */
final class TinyModels {

    private TinyModels() {
    }

    /** 2 layers, width 32, 4 heads, the given context. */
    static Gpt2Config config(int contextLength) {
        return new Gpt2Config(50257, contextLength, 32, 2, 4, 1e-5);
    }

    static Checkpoint checkpoint(int contextLength, long seed) {
        return RandomCheckpoint.create(config(contextLength), seed);
    }
}
