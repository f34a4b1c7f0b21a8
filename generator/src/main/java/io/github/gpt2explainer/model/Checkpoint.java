package io.github.gpt2explainer.model;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A loaded GPT-2 checkpoint: its configuration and every parameter under its canonical name
 * ({@code wte.weight}, {@code wpe.weight}, {@code h.<l>.ln_1.weight}, ... {@code ln_f.bias},
 * {@code lm_head.weight}). The head is always present: a checkpoint without {@code lm_head.weight}
 * gets {@code wte.weight} under that name too (tied weights).
 *
 * @param source      where it came from, for messages and the site's about page
 * @param config      the hyper-parameters
 * @param parameters  canonical name to tensor, sorted by name
 */
public record Checkpoint(String source, Gpt2Config config, SortedMap<String, FloatTensor> parameters) {

    public Checkpoint {
        parameters = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(parameters));
    }

    public FloatTensor tensor(String name) {
        FloatTensor t = parameters.get(name);
        if (t == null) {
            throw new CheckpointException(source + ": no tensor named " + name);
        }
        return t;
    }

    public Map<String, FloatTensor> all() {
        return parameters;
    }
}
