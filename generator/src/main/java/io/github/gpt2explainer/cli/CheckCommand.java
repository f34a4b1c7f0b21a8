package io.github.gpt2explainer.cli;

import io.github.gpt2explainer.build.BuildRequest;
import io.github.gpt2explainer.build.LazyModel;
import io.github.gpt2explainer.build.ModelLocator;
import io.github.gpt2explainer.build.SiteBuild;
import io.github.gpt2explainer.hub.DownloadProgress;
import io.github.gpt2explainer.hub.HubOptions;
import io.github.gpt2explainer.hub.ModelResolver;
import io.github.gpt2explainer.hub.ResolvedModel;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "check",
        header = "Validate prompts, settings and templates (no model, no network).",
        mixinStandardHelpOptions = true,
        description = "Validates the prompts, site settings and templates without running the model or using the "
                + "network: fast enough for CI and editors. Prompt lengths are checked with the model's tokenizer and "
                + "context when the model is a local directory or in the Hugging Face cache, else with GPT-2's "
                + "(1024 positions). Every problem is listed with file and line; exit code 3 if there is any.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  ./gpt2-explainer check",
            "  ./gpt2-explainer check --prompts my-prompts --templates my-templates",
            "  ./gpt2-explainer check -q && git commit      # silent unless something is wrong"})
final class CheckCommand implements Callable<Integer> {

    @ParentCommand
    private RootCommand root;

    @Mixin
    private InputOptions inputs;

    @Option(names = "--model", paramLabel = "MODEL",
            description = "The model whose tokenizer and context to check against, if it is local or cached "
                    + "(never downloaded). Default: the model in site.yaml.")
    private String modelSpec;

    @Override
    public Integer call() throws Exception {
        Console console = root.console();
        BuildRequest request = new BuildRequest(inputs.prompts(), inputs.templateSource(), null, modelSpec, false);
        List<String> problems;
        try (SiteBuild build = new SiteBuild(request, cacheOnly(console), new ConsoleBuildLog(console),
                root.wiring().pipeline())) { // check() never runs the pipeline
            problems = build.check();
        }
        if (!problems.isEmpty()) {
            StringBuilder message = new StringBuilder(problems.size() == 1 ? "1 problem" : problems.size() + " problems")
                    .append(" in the site's inputs:");
            for (int i = 0; i < problems.size(); i++) {
                message.append(System.lineSeparator()).append("  ").append(i + 1).append(". ").append(problems.get(i));
            }
            throw new InvalidInputException(message.toString());
        }
        console.result("OK: prompts, settings and templates are valid");
        return ExitCode.OK;
    }

    /** Models from a local directory or the Hugging Face cache only: check never downloads, never reads weights. */
    private ModelLocator cacheOnly(Console console) {
        HubOptions cacheOnly = HubOptions.fromEnvironment(root.wiring().environment(), true);
        return spec -> {
            ResolvedModel resolved = new ModelResolver(cacheOnly, DownloadProgress.none()).resolve(spec);
            console.info("Model: " + ModelOptions.describe(resolved));
            return new LazyModel(resolved, () -> {
                throw new IllegalStateException("check never identifies the model by its weights");
            });
        };
    }
}
