package io.github.gpt2explainer.cli;

import io.github.gpt2explainer.build.TemplateSource;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The site's inputs: {@code --prompts} and {@code --templates}; shared by build, serve and check. */
final class InputOptions {

    @Mixin
    private PromptsOption prompts;

    @Option(names = "--templates", paramLabel = "DIR",
            description = "The site templates. Default: templates/ in the working directory if it exists, "
                    + "else the templates bundled with the tool.")
    Path templates;

    Path prompts() {
        return prompts.dir;
    }

    TemplateSource templateSource() {
        return TemplateSource.choose(templates);
    }
}
