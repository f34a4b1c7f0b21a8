package io.github.gpt2explainer.build;

import io.github.gpt2explainer.hub.ResolvedModel;
import io.github.gpt2explainer.model.ModelSource;
import java.util.function.Supplier;

/**
 * The resolved model, identified (config, tokenizer, weights' hash) on first use; its weights are read only
 * when a prompt must run ({@link ModelSource#loadCheckpoint()}), so a build whose prompts are all in the
 * trace store never parses them.
 */
public final class LazyModel implements AutoCloseable {

    private final ResolvedModel resolved;
    private final Supplier<ModelSource> loader;
    private ModelSource loaded;

    public LazyModel(ResolvedModel resolved, Supplier<ModelSource> loader) {
        this.resolved = resolved;
        this.loader = loader;
    }

    /** Where {@code --model} resolved to (no weights read). */
    public ResolvedModel resolved() {
        return resolved;
    }

    /** Identifies the model the first time; later calls return the same source. */
    public synchronized ModelSource get() {
        if (loaded == null) {
            loaded = loader.get();
        }
        return loaded;
    }

    public synchronized boolean isLoaded() {
        return loaded != null;
    }

    @Override
    public synchronized void close() {
        if (loaded != null) {
            loaded.close();
            loaded = null;
        }
    }
}
