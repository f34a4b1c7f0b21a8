package io.github.gpt2explainer.build;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What a command asks a build for: its options, copied from the command line.
 *
 * @param prompts       the prompt directory ({@code --prompts})
 * @param templates     the templates to render with ({@code --templates}, or the default)
 * @param store         the trace store ({@code --store}); null for {@code check}, which runs nothing
 * @param modelOverride {@code --model}, or null for the model named in the prompts' site.yaml
 * @param prune         {@code --prune}: after the run, delete the store entries this prompt set does not need
 */
public record BuildRequest(Path prompts, TemplateSource templates, Path store, String modelOverride, boolean prune) {

    public BuildRequest {
        Objects.requireNonNull(prompts, "prompts");
        Objects.requireNonNull(templates, "templates");
    }
}
