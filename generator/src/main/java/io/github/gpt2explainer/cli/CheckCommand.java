package io.github.gpt2explainer.cli;

import io.github.gpt2explainer.build.TemplateSource;
import io.github.gpt2explainer.build.SiteBuild;
import io.github.gpt2explainer.build.PromptFit;
import io.github.gpt2explainer.hub.DownloadProgress;
import io.github.gpt2explainer.hub.HubException;
import io.github.gpt2explainer.hub.HubOptions;
import io.github.gpt2explainer.hub.ModelResolver;
import io.github.gpt2explainer.hub.ResolvedModel;
import io.github.gpt2explainer.model.CheckpointException;
import io.github.gpt2explainer.prompts.Problem;
import io.github.gpt2explainer.prompts.PromptSet;
import io.github.gpt2explainer.prompts.PromptSetException;
import io.github.gpt2explainer.prompts.PromptSetLoader;
import io.github.gpt2explainer.tokenizer.TokenizerException;
import java.util.ArrayList;
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
        List<String> problems = new ArrayList<>();

        PromptSet prompts = null;
        try {
            prompts = PromptSetLoader.load(inputs.prompts().toAbsolutePath().normalize());
        } catch (PromptSetException e) {
            e.problems().stream().map(Problem::toString).forEach(problems::add);
        }

        if (prompts != null) {
            problems.addAll(MarkdownCheck.noteProblems(prompts));
            String spec = modelSpec != null ? modelSpec : prompts.settings().model();
            try {
                ResolvedModel model = cachedModel(spec, problems);
                if (model != null) {
                    PromptFit.validate(prompts, model);
                    console.info("Prompt lengths checked against " + ModelOptions.describe(model));
                } else {
                    PromptFit.validateForGpt2(prompts);
                    console.info("Prompt lengths checked against the bundled GPT-2 tokenizer and a context of "
                            + PromptFit.GPT2_CONTEXT + " (" + spec + " is not in the local cache)");
                }
                console.info("Prompts: " + inputs.prompts().toAbsolutePath().normalize() + " ("
                        + SiteBuild.summary(prompts) + ")");
            } catch (PromptSetException e) {
                e.problems().stream().map(Problem::toString).forEach(problems::add);
            } catch (CheckpointException | TokenizerException e) {
                problems.add(e.getMessage());
            }
        }

        TemplateSource templates = inputs.templateSource();
        if (templates.isBundled()) {
            console.info("Templates: bundled with the tool (checked when the tool itself is built)");
        } else {
            TemplateCheck.Result result = TemplateCheck.check(templates.directory().toAbsolutePath().normalize());
            problems.addAll(result.problems());
            console.info("Templates: " + templates.describe() + " (" + result.templates() + " parsed)");
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

    /** The model from a local directory or the cache only; null if it would need the network. */
    private ResolvedModel cachedModel(String spec, List<String> problems) {
        HubOptions cacheOnly = HubOptions.fromEnvironment(root.wiring().environment(), true);
        try {
            return new ModelResolver(cacheOnly, DownloadProgress.none()).resolve(spec);
        } catch (HubException e) {
            if (e.reason() == HubException.Reason.INVALID_SPEC) {
                problems.add("model '" + spec + "': " + e.getMessage());
            }
            return null;
        }
    }
}
