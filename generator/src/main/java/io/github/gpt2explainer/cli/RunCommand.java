package io.github.gpt2explainer.cli;

import io.github.gpt2explainer.build.PromptFit;
import io.github.gpt2explainer.insight.HeadRoleProbe;
import io.github.gpt2explainer.runs.BuildRunner;
import io.github.gpt2explainer.runs.HeadRoleRunner;
import io.github.gpt2explainer.runs.LoadedModel;
import io.github.gpt2explainer.model.ModelSource;
import io.github.gpt2explainer.prompts.PromptSet;
import io.github.gpt2explainer.prompts.PromptSetLoader;
import io.github.gpt2explainer.runs.RunProgress;
import io.github.gpt2explainer.runs.RunReport;
import io.github.gpt2explainer.runs.Shard;
import io.github.gpt2explainer.trace.TraceStore;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "run",
        header = "Run what changed into the trace store, without rendering the site.",
        mixinStandardHelpOptions = true,
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

    @Mixin
    private PromptsOption prompts;

    @Mixin
    private StoreOption store;

    @Option(names = "--prune",
            description = "After the run, delete every trace store entry this prompt set does not need, other models' "
                    + "too. Without it nothing is deleted from the store. Not with --shard.")
    private boolean prune;

    @Option(names = "--shard", paramLabel = "i/n",
            description = "Run only share i of n (1 <= i <= n) of the prompts, chosen by a hash of each prompt id, "
                    + "and remove nothing from the store; merge the shards' stores with merge-stores.")
    private String shard;

    @Override
    public Integer call() {
        Console console = root.console();
        Shard share = shard == null ? null : parseShard(shard);
        if (share != null && prune) {
            throw new InvalidInputException("--prune cannot be combined with --shard: a share's store may be merged "
                    + "with the other shares', whose entries it does not list");
        }
        PromptSet set = PromptSetLoader.load(prompts.dir);
        if (share != null) {
            int total = set.prompts().size();
            set = share.select(set);
            console.info("Shard " + share + ": " + set.prompts().size() + " of " + total + " prompts");
        }
        TraceStore traceStore = TraceStore.open(store.dir);
        String spec = model.specOr(set.settings().model());
        try (ModelSource source = model.load(spec, root.wiring().environment(), console); TraceStore.Use use = traceStore.use();
             LoadedModel weights = new LoadedModel(source)) { // loaded once, if at all, for the prompts and the head roles
            RunProgress progress = console.level() == Console.Level.QUIET ? RunProgress.none()
                    : RunProgress.lines(console.err());
            PromptFit.validate(set, source);
            RunReport report = new BuildRunner(traceStore, progress).run(set, weights, prune);
            if (share == null || share.index() == 1) { // one shard measures the head roles; merge-stores copies them
                console.info(HeadRoleRunner.ensure(traceStore, weights, HeadRoleProbe.DEFAULT_SEED).summary());
            }
            if (report.pruned() > 0) {
                console.info("Pruned " + report.pruned() + (report.pruned() == 1 ? " entry" : " entries")
                        + " no prompt of this set needs from " + store.dir);
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
