package io.github.gpt2explainer.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The site's inputs: {@code --prompts} and {@code --templates}; shared by build, serve and check. */
final class InputOptions {

    @Option(names = "--prompts", paramLabel = "DIR", defaultValue = "prompts",
            description = "The prompt directory (site.yaml and one <id>.md per prompt). Default: ${DEFAULT-VALUE}.")
    Path prompts;

    @Option(names = "--templates", paramLabel = "DIR",
            description = "The site templates. Default: templates/ in the working directory if it exists, "
                    + "else the templates bundled with the tool.")
    Path templates;

    TemplateSource templateSource() {
        return TemplateSource.choose(templates);
    }
}
