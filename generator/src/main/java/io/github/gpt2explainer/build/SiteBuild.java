package io.github.gpt2explainer.build;

import io.github.gpt2explainer.hub.HubException;
import io.github.gpt2explainer.hub.ResolvedModel;
import io.github.gpt2explainer.model.CheckpointException;
import io.github.gpt2explainer.output.SafeOutput;
import io.github.gpt2explainer.output.SiteDiff;
import io.github.gpt2explainer.output.SiteMarker;
import io.github.gpt2explainer.prompts.EffectivePrompt;
import io.github.gpt2explainer.prompts.Problem;
import io.github.gpt2explainer.prompts.PromptSet;
import io.github.gpt2explainer.prompts.PromptSetException;
import io.github.gpt2explainer.prompts.PromptSetLoader;
import io.github.gpt2explainer.site.RenderReport;
import io.github.gpt2explainer.timing.PhaseTimes;
import io.github.gpt2explainer.tokenizer.TokenizerException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The one orchestrator, for every command that builds or checks the site: {@code build} runs {@link #buildInto}
 * once, {@code serve} once per edit, {@code build --check} runs {@link #compareWith} and {@code check} runs
 * {@link #check}. Each build reloads the prompts and templates; the model is located once per model spec and its
 * weights stay loaded (if the pipeline needed them) until the build is closed.
 *
 * <p>Everything is checked before anything is locked or written: a bad input leaves the output and the trace store
 * untouched. Failures are typed exceptions ({@link BuildInputException}, the prompt set's, the model's, the
 * output's); the command line turns them into exit codes.
 */
public final class SiteBuild implements AutoCloseable {

    private final BuildRequest request;
    private final ModelLocator models;
    private final BuildLog log;
    private final SitePipeline pipeline;
    private String modelSpec;
    private LazyModel model;

    /**
     * @param models   finds the model a spec names: the Hub or the cache for a build, the cache only for check
     * @param pipeline run what changed and plan: {@link StandardPipeline} in production, a stand-in in tests
     */
    public SiteBuild(BuildRequest request, ModelLocator models, BuildLog log, SitePipeline pipeline) {
        this.request = request;
        this.models = models;
        this.log = log;
        this.pipeline = pipeline;
    }

    /** The build: into a staging directory beside {@code outDir}, swapped in at the end; a failure leaves the previous output. */
    public void buildInto(Path outDir) throws IOException {
        PromptSet prompts = loadPrompts();                                  // load the prompts
        LazyModel identified = identifyModel(prompts);                      // identify the model
        BuildContext context = validate(prompts, identified);               // validate once: fit, templates
        checkOutput(outDir);                                                // --out: no input, ours to replace
        try (SafeOutput staging = stage(outDir);                            // locked, staged beside --out
             SitePipeline.Runs runs = timed("run what changed", () -> pipeline.runWhatChanged(context));
             SitePipeline.Plan plan = timed("plan", () -> pipeline.plan(context, runs))) {
            render(plan, staging.dir());                                    // render
            try (PhaseTimes.Span span = PhaseTimes.phase("swap in")) {
                staging.commit();                                           // swap in
            }
        }
    }

    /**
     * Checks that {@code outDir} may be replaced by a build: it is not, and does not contain or lie inside, the working
     * directory or an input ({@link OutputPlacement}), and it is empty or holds a site this tool wrote
     * ({@link SiteMarker}). {@link #buildInto} starts with it; {@code serve} calls it before its first build, so a
     * misplaced {@code --out} is refused outright rather than reported as a failed re-render.
     *
     * @throws BuildInputException        if {@code outDir} overlaps the working directory or an input
     * @throws io.github.gpt2explainer.output.ForeignOutputException if it holds files this tool did not write
     */
    public void checkOutput(Path outDir) throws IOException {
        OutputPlacement.check(outDir, request.prompts(), request.templates(), request.store().toAbsolutePath().normalize());
        SiteMarker.requireReplaceable(outDir.toAbsolutePath().normalize());
    }

    /** {@code build --check}: renders into a temporary directory and compares it with {@code outDir}, never modified. */
    public SiteDiff compareWith(Path outDir) throws IOException {
        PromptSet prompts = loadPrompts();
        BuildContext context = validate(prompts, identifyModel(prompts));
        log.info("Checking: " + outDir.toAbsolutePath().normalize());
        Path fresh = Files.createTempDirectory("gpt2-explainer-check-");
        try (SitePipeline.Runs runs = pipeline.runWhatChanged(context);
             SitePipeline.Plan plan = pipeline.plan(context, runs)) {
            SiteMarker.write(fresh); // what a build would write too
            render(plan, fresh);
            return SiteDiff.compare(outDir.toAbsolutePath().normalize(), fresh);
        } finally {
            deleteQuietly(fresh);
        }
    }

    /**
     * {@code check}: the steps before any model work, without the weights or the network. Loads the prompts,
     * identifies the model if it is at hand (a directory, or in the cache the locator reads; else GPT-2's tokenizer
     * and context are used), checks that every prompt fits it and every note renders, and parses every template.
     *
     * @return every problem found, each as {@code file:line: message} where there is a line; empty if none
     */
    public List<String> check() throws IOException {
        List<String> problems = new ArrayList<>();
        try {
            PromptSet prompts = loadPrompts();                              // load the prompts
            problems.addAll(MarkdownCheck.noteProblems(prompts));
            ResolvedModel atHand = modelAtHand(prompts, problems);          // identify the model, if it is at hand
            checkFit(prompts, atHand);                                      // validate
            log.info("Prompts: " + request.prompts().toAbsolutePath().normalize() + " (" + summary(prompts) + ")");
        } catch (PromptSetException e) {
            e.problems().stream().map(Problem::toString).forEach(problems::add);
        } catch (CheckpointException | TokenizerException e) {
            problems.add(e.getMessage());
        }
        problems.addAll(checkTemplates());
        return problems;
    }

    /**
     * The inputs validated as a build validates them (prompts, model identified, fit, templates), without building:
     * serve's live explainer runs and renders one prompt of its own with them.
     */
    public BuildContext validate() {
        PromptSet prompts = loadPrompts();
        return validate(prompts, identifyModel(prompts));
    }

    private PromptSet loadPrompts() {
        return PromptSetLoader.load(request.prompts().toAbsolutePath().normalize());
    }

    /** {@code --model}, else the model site.yaml names; located again only when that changes (serve). */
    private LazyModel identifyModel(PromptSet prompts) {
        String spec = modelSpecOf(prompts);
        if (model == null || !spec.equals(modelSpec)) {
            close();
            LazyModel located = models.locate(spec);
            model = new LazyModel(located.resolved(), () -> {
                try (PhaseTimes.Span span = PhaseTimes.phase("model: identify (config, tokenizer, weights sha256)")) {
                    return located.get();
                }
            });
            modelSpec = spec;
        }
        return model;
    }

    private String modelSpecOf(PromptSet prompts) {
        return request.modelOverride() != null ? request.modelOverride() : prompts.settings().model();
    }

    /**
     * Checks, once, that every prompt fits the model (with the model's own tokenizer) and that the templates exist,
     * stating what was resolved.
     */
    private BuildContext validate(PromptSet prompts, LazyModel identified) {
        PromptFit.validate(prompts, identified.get());
        log.info("Prompts: " + request.prompts().toAbsolutePath().normalize() + " (" + summary(prompts) + ")");
        TemplateSource templates = request.templates();
        if (!templates.isBundled() && !Files.isDirectory(templates.directory())) {
            throw new BuildInputException("--templates " + templates.directory() + " is not a directory");
        }
        log.info("Templates: " + templates.describe());
        Path store = request.store().toAbsolutePath().normalize();
        log.info("Trace store: " + store);
        return new BuildContext(prompts, identified, templates, store, log, request.prune());
    }

    /** Locks {@code outDir} and opens a staging directory beside it, after cleaning up what a killed build left. */
    private SafeOutput stage(Path outDir) throws IOException {
        SafeOutput staging = SafeOutput.begin(outDir);
        staging.recovered().forEach(line -> log.info("Recovered: " + line));
        log.info("Output: " + staging.outputDir());
        return staging;
    }

    /** {@code step}'s result, its time recorded as phase {@code name} ({@code build --timings}). */
    private static <T> T timed(String name, java.util.function.Supplier<T> step) {
        try (PhaseTimes.Span span = PhaseTimes.phase(name)) {
            return step.get();
        }
    }

    private void render(SitePipeline.Plan plan, Path siteDir) throws IOException {
        long start = System.nanoTime();
        RenderReport rendered = plan.render(siteDir);
        rendered.notices().forEach(log::info);
        log.info(String.format(Locale.ROOT, "Rendered %d pages (%d files, %.1f MB) in %.1f s", rendered.pageCount(),
                rendered.files().size(), rendered.totalBytes() / 1e6, (System.nanoTime() - start) / 1e9));
    }

    /** The model from a local directory or the cache, never downloaded; null (GPT-2 assumed) when it is not there. */
    private ResolvedModel modelAtHand(PromptSet prompts, List<String> problems) {
        String spec = modelSpecOf(prompts);
        try {
            return models.locate(spec).resolved();
        } catch (HubException e) {
            if (e.reason() == HubException.Reason.INVALID_SPEC) {
                problems.add("model '" + spec + "': " + e.getMessage());
            } else {
                log.info("Prompt lengths checked against the bundled GPT-2 tokenizer and a context of "
                        + PromptFit.GPT2_CONTEXT + " (" + spec + " is not in the local cache)");
            }
            return null;
        }
    }

    private void checkFit(PromptSet prompts, ResolvedModel atHand) {
        if (atHand == null) {
            PromptFit.validateForGpt2(prompts);
        } else {
            PromptFit.validate(prompts, atHand);
            log.info("Prompt lengths checked against the model's own tokenizer and context");
        }
    }

    /** Parses every template and prose file of a templates directory; the bundled ones were checked when the tool was built. */
    private List<String> checkTemplates() throws IOException {
        TemplateSource templates = request.templates();
        if (templates.isBundled()) {
            log.info("Templates: bundled with the tool (checked when the tool itself is built)");
            return List.of();
        }
        TemplateCheck.Result result = TemplateCheck.check(templates.directory().toAbsolutePath().normalize());
        log.info("Templates: " + templates.describe() + " (" + result.templates() + " parsed)");
        return result.problems();
    }

    /** {@code 20 prompts, 96 runs (temperatures 0, 0.3, 0.8, 1.2, 2), up to 16 new tokens each}. */
    public static String summary(PromptSet prompts) {
        List<EffectivePrompt> effective = prompts.effectivePrompts();
        int runs = effective.stream().mapToInt(p -> p.temperatures().size()).sum();
        int maxTokens = effective.stream().mapToInt(EffectivePrompt::maxNewTokens).max().orElse(0);
        String temperatures = effective.stream().flatMap(p -> p.temperatures().stream()).distinct().sorted()
                .map(SiteBuild::formatTemperature).collect(Collectors.joining(", "));
        return effective.size() + (effective.size() == 1 ? " prompt, " : " prompts, ") + runs
                + (runs == 1 ? " run" : " runs") + " (temperatures " + temperatures + "), up to " + maxTokens
                + " new tokens each";
    }

    private static String formatTemperature(double t) {
        return java.math.BigDecimal.valueOf(t).stripTrailingZeros().toPlainString();
    }

    /** The tool's version from the jar manifest (Implementation-Version, set by Maven). */
    public static String toolVersion() {
        String v = SiteBuild.class.getPackage().getImplementationVersion();
        return v == null ? "development build" : v;
    }

    private static void deleteQuietly(Path dir) {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | RuntimeException e) {
            // a temporary directory; the OS cleans it eventually
        }
    }

    @Override
    public void close() {
        if (model != null) {
            model.close();
            model = null;
        }
    }
}
