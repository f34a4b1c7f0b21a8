package io.github.gpt2explainer.cli;

import io.github.gpt2explainer.build.SiteBuild;
import io.github.gpt2explainer.build.BuildRequest;
import io.github.gpt2explainer.output.SiteDiff;
import io.github.gpt2explainer.timing.PhaseTimes;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "build",
        header = "Run what changed and render the site into site-out/.",
        mixinStandardHelpOptions = true,
        description = "Runs the model for every prompt whose text or settings changed (the trace store keeps the "
                + "rest), then renders the whole site. The site is written beside the output and swapped in at the "
                + "end: a failed, interrupted or killed build leaves the previous output as it was.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  # prompts/ -> site-out/ with the model named in prompts/site.yaml",
            "  ./gpt2-explainer build",
            "  # the untrained demo model: no download, quick",
            "  ./gpt2-explainer build --model demo --out /tmp/site",
            "  # only the local Hugging Face cache, never the network",
            "  ./gpt2-explainer build --offline",
            "  # CI: is the committed site-out/ what the inputs produce?",
            "  ./gpt2-explainer build --check"})
final class BuildCommand implements Callable<Integer> {

    @ParentCommand
    private RootCommand root;

    @Mixin
    private ModelOptions model;

    @Mixin
    private InputOptions inputs;

    @Mixin
    private OutputOptions output;

    @Option(names = "--check",
            description = "Render into a temporary directory and compare with --out, which is not modified. "
                    + "Exits 6 and lists the differing files if the output is stale.")
    private boolean check;

    @Option(names = "--timings",
            description = "At the end, print where the time went: one line per phase (engine start, model load, "
                    + "each prompt's steps, rendering, ...) with its wall and CPU seconds.")
    private boolean timings;

    @Override
    public Integer call() throws Exception {
        Console console = root.console();
        PhaseTimes times = timings ? startTimings() : null;
        try {
            return build(console);
        } finally {
            if (times != null) {
                PhaseTimes.disable();
                times.table().forEach(console::result);
            }
        }
    }

    /** Starts {@code --timings}, counting the JVM's start-up up to here as its first phase. */
    private static PhaseTimes startTimings() {
        long sinceJvmStartMs = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
        long cpuSoFar = PhaseTimes.processCpuNanos();
        PhaseTimes times = PhaseTimes.enable();
        PhaseTimes.record("JVM start to the build command", sinceJvmStartMs * 1_000_000L, cpuSoFar);
        return times;
    }

    private Integer build(Console console) throws Exception {
        if (Files.exists(output.out) && !Files.isDirectory(output.out)) {
            throw new InvalidInputException("--out " + output.out + " is a file; give a directory such as site-out");
        }
        try (SiteBuild build = siteBuild(console, root.wiring(), model, inputs, output)) {
            if (!check) {
                build.buildInto(output.out);
                console.info("Site written to " + output.out.toAbsolutePath().normalize());
                console.result(output.out.toString());
                return ExitCode.OK;
            }
            SiteDiff diff = build.compareWith(output.out);
            if (diff.identical()) {
                console.result(output.out + " is up to date");
                return ExitCode.OK;
            }
            console.result(output.out + " differs from what the inputs produce (missing: the build would add it; "
                    + "extra: the build would delete it; changed: different bytes):");
            diff.describe().forEach(console::result);
            throw new StaleSiteException(output.out + " is stale: " + diff.size() + (diff.size() == 1 ? " file differs" : " files differ")
                    + " from what the inputs produce; run ./gpt2-explainer build and commit the result");
        }
    }

    /** The build these options ask for (shared with serve): the options are copied into a request. */
    static SiteBuild siteBuild(Console console, Wiring wiring, ModelOptions model, InputOptions inputs,
                               OutputOptions output) {
        BuildRequest request = new BuildRequest(inputs.prompts(), inputs.templateSource(), output.store(), model.spec,
                output.prune);
        return new SiteBuild(request, model.locator(wiring.environment(), console), new ConsoleBuildLog(console),
                wiring.pipeline());
    }
}
