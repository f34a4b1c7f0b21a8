package io.github.gpt2explainer.cli;

import io.github.gpt2explainer.hub.ResolvedModel;
import io.github.gpt2explainer.runs.LoadedModel;
import java.util.function.Supplier;

/**
 * The model's weights, loaded on first use: a build whose prompts are all in the trace store never reads
 * them, and {@code serve} keeps them loaded across re-renders.
 */
public final class LazyModel implements AutoCloseable {

    private final ResolvedModel resolved;
    private final Supplier<LoadedModel> loader;
    private LoadedModel loaded;

    LazyModel(ResolvedModel resolved, Supplier<LoadedModel> loader) {
        this.resolved = resolved;
        this.loader = loader;
    }

    /** Where {@code --model} resolved to (no weights read). */
    public ResolvedModel resolved() {
        return resolved;
    }

    /** Loads the weights the first time; later calls return the same model. */
    public synchronized LoadedModel get() {
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
