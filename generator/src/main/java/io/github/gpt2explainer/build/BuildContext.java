package io.github.gpt2explainer.build;

import io.github.gpt2explainer.prompts.PromptSet;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything a validated build hands to its {@link SitePipeline}.
 *
 * @param promptsDir the prompt directory ({@code --prompts})
 * @param prompts    the loaded prompt set, already validated against the model's tokenizer and context
 * @param model      the identified model; its weights load on first {@code ModelSource.loadCheckpoint()}
 * @param templates  the templates to render with
 * @param storeDir   the trace store ({@code --store})
 * @param progress   generation progress (prompt x temperature x step)
 * @param log        status lines
 * @param prune      {@code --prune}: after the run, delete the store entries this prompt set does not need
 */
public record BuildContext(Path promptsDir, PromptSet prompts, LazyModel model, TemplateSource templates,
                           Path storeDir, BuildLog.Progress progress, BuildLog log, boolean prune) {

    public BuildContext {
        Objects.requireNonNull(promptsDir, "promptsDir");
        Objects.requireNonNull(prompts, "prompts");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(templates, "templates");
        Objects.requireNonNull(storeDir, "storeDir");
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(log, "log");
    }
}
