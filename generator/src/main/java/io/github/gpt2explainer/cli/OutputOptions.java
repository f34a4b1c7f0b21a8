package io.github.gpt2explainer.cli;

import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Where a build writes: {@code --out} (the site) and {@code --store} (the trace store); shared by build and serve. */
final class OutputOptions {

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "site-out",
            description = "The site directory to write (replaced as a whole). Default: ${DEFAULT-VALUE}.")
    Path out;

    @Mixin
    private StoreOption store;

    Path store() {
        return store.dir;
    }

    @Option(names = "--prune",
            description = "After the run, delete every trace store entry this prompt set does not need, other models' "
                    + "too. Without it nothing is deleted from the store.")
    boolean prune;
}
