package io.github.gpt2explainer.build;

import io.github.gpt2explainer.prompts.PromptSet;
import java.nio.file.Path;

/**
 * The validated inputs {@link SiteBuild} hands to its {@link SitePipeline}.
 *
 * @param prompts   the loaded prompt set, already validated against the model's tokenizer and context
 * @param model     the identified model; its weights load on first {@code ModelSource.loadCheckpoint()}
 * @param templates the templates to render with
 * @param storeDir  the trace store ({@code --store})
 * @param log       status lines, and generation progress
 * @param prune     {@code --prune}: after the run, delete the store entries this prompt set does not need
 */
public record BuildContext(PromptSet prompts, LazyModel model, TemplateSource templates, Path storeDir, BuildLog log,
                           boolean prune) {
}
