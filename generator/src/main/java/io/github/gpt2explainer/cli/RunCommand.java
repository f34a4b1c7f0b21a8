package io.github.gpt2explainer.cli;

import io.github.gpt2explainer.runs.BuildRunner;
import io.github.gpt2explainer.model.ModelSource;
import io.github.gpt2explainer.prompts.PromptSet;
import io.github.gpt2explainer.prompts.PromptSetLoader;
import io.github.gpt2explainer.runs.RunProgress;
import io.github.gpt2explainer.runs.RunReport;
import io.github.gpt2explainer.trace.TraceStore;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
            "  ./gpt2-explainer run --model openai-community/gpt2 --prompts prompts --store .trace-store"})
final class RunCommand implements Callable<Integer> {

    @ParentCommand
    private RootCommand root;

    @Mixin
    private ModelOptions model;

    @Mixin
    private PromptsOption prompts;

    @Mixin
    private StoreOption store;

    @Override
    public Integer call() {
        Console console = root.console();
        PromptSet set = PromptSetLoader.load(prompts.dir);
        TraceStore traceStore = TraceStore.open(store.dir);
        String spec = model.specOr(set.settings().model());
        try (ModelSource source = model.load(spec, root)) {
            RunProgress progress = console.level() == Console.Level.QUIET ? RunProgress.none()
                    : RunProgress.lines(console.err());
            RunReport report = new BuildRunner(traceStore, progress).run(set, source);
            if (report.pruned() > 0) {
                console.detail("Removed " + report.pruned() + " stale entries from " + store.dir);
            }
            console.result(report.summary());
            return ExitCode.OK;
        }
    }
}
