package io.github.gpt2explainer.runs;

import ai.djl.ndarray.NDManager;
import io.github.gpt2explainer.forward.Gpt2Model;
import io.github.gpt2explainer.model.Checkpoint;
import io.github.gpt2explainer.model.ModelSource;
import io.github.gpt2explainer.timing.PhaseTimes;

/**
 * A model's weights, loaded into the engine on first use and kept until closed, so that a build's model work
 * (the prompts, then the head roles) loads them once. Nothing is read while no step needs the weights: a build
 * whose runs are all in the trace store never loads them.
 */
public final class LoadedModel implements AutoCloseable {

    private final ModelSource source;
    private Checkpoint checkpoint;
    private NDManager manager;
    private Gpt2Model model;
    private double loadSeconds;

    public LoadedModel(ModelSource source) {
        this.source = source;
    }

    public ModelSource source() {
        return source;
    }

    /** The model in the engine, loading it the first time. */
    public synchronized Gpt2Model model() {
        if (model == null) {
            load();
        }
        return model;
    }

    /** The weights {@link #model()} was loaded from (the insight reads ln_f, c_proj and the head); loads them if needed. */
    public synchronized Checkpoint checkpoint() {
        model();
        return checkpoint;
    }

    /** Seconds the load took (0 if the weights were never needed). */
    public synchronized double loadSeconds() {
        return loadSeconds;
    }

    public synchronized boolean isLoaded() {
        return model != null;
    }

    private void load() {
        long start = System.nanoTime();
        try (PhaseTimes.Span span = PhaseTimes.phase("model: engine start (PyTorch native library)")) {
            manager = NDManager.newBaseManager("PyTorch");
        }
        try (PhaseTimes.Span span = PhaseTimes.phase("model: checkpoint load and upload to the engine")) {
            checkpoint = source.loadCheckpoint();
            model = Gpt2Model.load(checkpoint, manager);
            // The weights now live in native memory; let the JVM release its own copies (a mapped
            // model.safetensors, the direct buffers of the upload) before the run adds its own peak.
            System.gc();
        } catch (RuntimeException | Error e) {
            manager.close();
            manager = null;
            checkpoint = null;
            throw e;
        }
        loadSeconds = (System.nanoTime() - start) / 1e9;
    }

    @Override
    public synchronized void close() {
        try {
            if (model != null) {
                model.close();
            }
        } finally {
            if (manager != null) {
                manager.close();
            }
            model = null;
            manager = null;
            checkpoint = null;
        }
    }
}
