package io.github.gpt2explainer.cli;

import io.github.gpt2explainer.trace.StoreMerge;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "merge-stores",
        header = "Merge the trace stores of several run --shard machines into one.",
        mixinStandardHelpOptions = true,
        description = {
            "Copies every entry of the given trace stores into the --into store, each checked against its "
                    + "SHA-256 and its manifest first. Entries already there with the same bytes are skipped; a damaged "
                    + "entry or the same key with different bytes stops the merge before anything is written.",
            "A build on the merged store then renders the site with no model work."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  # on each of 4 machines: ./gpt2-explainer run --shard i/4 --store shard-i",
            "  ./gpt2-explainer merge-stores --into .trace-store shard-1 shard-2 shard-3 shard-4",
            "  ./gpt2-explainer build"})
final class MergeStoresCommand implements Callable<Integer> {

    @ParentCommand
    private RootCommand root;

    @Option(names = "--into", required = true, paramLabel = "STORE",
            description = "The trace store to merge into (created if missing), usually .trace-store.")
    private Path into;

    @Parameters(arity = "1..*", paramLabel = "SHARD_STORE", description = "The trace stores to copy from (not modified).")
    private List<Path> sources;

    @Override
    public Integer call() {
        StoreMerge.Result result = StoreMerge.merge(into, sources);
        root.console().result("Merged into " + into + ": " + result.summary(sources.size()));
        return ExitCode.OK;
    }
}
