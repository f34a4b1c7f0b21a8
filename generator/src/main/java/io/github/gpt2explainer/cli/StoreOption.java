package io.github.gpt2explainer.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --store}: the trace store; shared by build, serve and run. */
final class StoreOption {

    @Option(names = "--store", paramLabel = "DIR", defaultValue = ".trace-store",
            description = "The trace store: model runs cached by content hash. Default: ${DEFAULT-VALUE}.")
    Path dir;
}
