package io.github.gpt2explainer.cli;

import io.github.gpt2explainer.runs.BuildRunner;
import io.github.gpt2explainer.runs.ModelSource;
import io.github.gpt2explainer.runs.PromptSet;
import io.github.gpt2explainer.runs.PromptSetLoader;
import io.github.gpt2explainer.runs.RunProgress;
import io.github.gpt2explainer.runs.RunReport;
import io.github.gpt2explainer.runs.Shard;
import io.github.gpt2explainer.trace.TraceStore;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "run",
        description = {
            "Runs the model over every prompt of the prompt set and keeps the results in the trace store.",
            "Only prompts whose text, settings or model changed are computed again."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  ./gpt2-explainer run --model demo",
            "  ./gpt2-explainer run --model openai-community/gpt2 --prompts prompts --store .trace-store",
            "  ./gpt2-explainer run --shard 2/4 --store shard-2   # machine 2 of 4; then merge-stores"})
final class RunCommand implements Callable<Integer> {

    @ParentCommand
    private RootCommand root;

    @Mixin
    private ModelOptions model;

    @Option(names = "--prompts", defaultValue = "prompts", paramLabel = "DIR",
            description = "The prompt set directory (site.yaml + one .md file per prompt). Default: ${DEFAULT-VALUE}.")
    private Path prompts;

    @Option(names = "--store", defaultValue = ".trace-store", paramLabel = "DIR",
            description = "The trace store directory (created if missing). Default: ${DEFAULT-VALUE}.")
    private Path store;

    @Option(names = "--shard", paramLabel = "i/n",
            description = "Run only share i of n (1 <= i <= n) of the prompts, chosen by a hash of each prompt id, "
                    + "and remove nothing from the store; merge the shards' stores with merge-stores.")
    private String shard;

    @Override
    public Integer call() {
        Console console = root.console();
        Shard share = shard == null ? null : parseShard(shard);
        PromptSet set = PromptSetLoader.load(prompts);
        if (share != null) {
            int total = set.prompts().size();
            set = share.select(set);
            console.info("Shard " + share + ": " + set.prompts().size() + " of " + total + " prompts");
        }
        TraceStore traceStore = TraceStore.open(store);
        String spec = model.specOr(set.settings().model());
        try (ModelSource source = model.load(spec, root)) {
            RunProgress progress = console.level() == Console.Level.QUIET ? RunProgress.none()
                    : RunProgress.lines(console.err());
            RunReport report = new BuildRunner(traceStore, progress).run(set, source, share == null);
            if (report.pruned() > 0) {
                console.detail("Removed " + report.pruned() + " stale entries from " + store);
            }
            console.result(report.summary());
            return ExitCode.OK;
        }
    }

    private static Shard parseShard(String spec) {
        try {
            return Shard.parse(spec);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage());
        }
    }
}
