package io.github.gpt2explainer.site;

import ai.djl.ndarray.NDManager;
import io.github.gpt2explainer.forward.Gpt2Model;
import io.github.gpt2explainer.model.ModelSource;
import io.github.gpt2explainer.runs.PromptRunner;
import io.github.gpt2explainer.prompts.PromptSet;
import io.github.gpt2explainer.trace.PromptRun;

/**
 * Real prompt runs for site tests, computed by the production {@link PromptRunner} (full capture,
 * batched generations, logit lens) without going through the trace store.
 */
final class ModelRuns implements PromptRunSource, AutoCloseable {
    private final ModelSource source;
    private final PromptSet prompts;
    private final NDManager manager;
    private final Gpt2Model model;
    private final PromptRunner runner;

    ModelRuns(ModelSource source, PromptSet prompts) {
        this.source = source;
        this.prompts = prompts;
        this.manager = NDManager.newBaseManager("PyTorch");
        io.github.gpt2explainer.model.Checkpoint checkpoint = source.loadCheckpoint();
        this.model = Gpt2Model.load(checkpoint, manager);
        this.runner = new PromptRunner(model, checkpoint, source.tokenizer(), source.info());
    }

    @Override
    public PromptRun load(String promptId) {
        return runner.run(prompts.prompt(promptId).orElseThrow().effective(prompts.settings()), step -> { });
    }

    @Override
    public void close() {
        model.close();
        manager.close();
    }
}
