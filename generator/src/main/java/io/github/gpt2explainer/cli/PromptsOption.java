package io.github.gpt2explainer.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --prompts}: the prompt set; shared by build, serve, check and run. */
final class PromptsOption {

    @Option(names = "--prompts", paramLabel = "DIR", defaultValue = "prompts",
            description = "The prompt directory (site.yaml and one <id>.md per prompt). Default: ${DEFAULT-VALUE}.")
    Path dir;
}
