package io.github.gpt2explainer.cli;

import io.github.gpt2explainer.runs.LoadedModel;
import io.github.gpt2explainer.runs.PromptSet;
import io.github.gpt2explainer.runs.PromptSetLoader;
import io.github.gpt2explainer.runs.PromptSetValidator;
import io.github.gpt2explainer.site.InProcessRuns;
import io.github.gpt2explainer.site.RenderReport;
import io.github.gpt2explainer.site.SiteInput;
import io.github.gpt2explainer.site.SitePlanException;
import io.github.gpt2explainer.site.SiteRenderException;
import io.github.gpt2explainer.site.SiteRenderer;
import io.github.gpt2explainer.site.SiteTemplates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * Renders the site from runs computed in this process (no trace store yet): every prompt is run through
 * the model, then pages and data files are written. The logit lens is computed only for the demo model
 * (in plain Java it costs seconds per prompt for GPT-2 small).
 */
@Command(name = "render",
        description = "Runs the model over the prompt set and writes the static site.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  ./gpt2-explainer render --model demo --out site-out",
            "  ./gpt2-explainer render --model demo --templates my-templates --out site-out"})
final class RenderCommand implements Callable<Integer> {

    @ParentCommand
    private RootCommand root;

    @Mixin
    private ModelOptions model;

    @Option(names = "--out", defaultValue = "site-out", paramLabel = "DIR",
            description = "Directory to write the site into. Default: ${DEFAULT-VALUE}.")
    private Path out;

    @Option(names = "--prompts", defaultValue = "prompts", paramLabel = "DIR",
            description = "The prompt set (site.yaml and one <id>.md per prompt). Default: ${DEFAULT-VALUE}.")
    private Path prompts;

    @Option(names = "--templates", paramLabel = "DIR",
            description = "Your own copy of the templates directory. Default: templates/ here, else the bundled copy.")
    private Path templates;

    @Override
    public Integer call() {
        Console console = root.console();
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new InvalidInputException("--out " + out + " is a file; give a directory");
        }
        if (templates != null && !Files.isDirectory(templates)) {
            throw new InvalidInputException("--templates " + templates + " is not a directory");
        }
        PromptSet set = PromptSetLoader.load(prompts);
        try (SiteTemplates siteTemplates = templates != null ? SiteTemplates.directory(templates) : SiteTemplates.defaults();
             LoadedModel loaded = model.load(console);
             InProcessRuns runs = new InProcessRuns(loaded, set, loaded.info().demo())) {
            PromptSetValidator.validate(set, text -> loaded.tokenizer().encode(text).length,
                    loaded.checkpoint().config().contextLength());
            console.detail("Templates: " + siteTemplates.description());
            SiteInput input = new SiteInput(set, loaded.info(), id -> {
                console.detail("Running prompt " + id);
                return runs.load(id);
            }, VersionProvider.version());
            RenderReport report = new SiteRenderer(siteTemplates).render(input, out);
            console.info("Wrote " + report.pageCount() + " pages, " + report.files().size() + " files, "
                    + report.totalBytes() / 1024 + " KiB" + (loaded.info().demo() ? " (untrained demo model)" : ""));
            console.result(out.resolve("index.html").toString());
            return ExitCode.OK;
        } catch (SitePlanException | SiteRenderException e) {
            throw new InvalidInputException(e.getMessage());
        }
    }
}
