package io.github.gpt2explainer.build;

import io.github.gpt2explainer.output.SafeOutput;
import io.github.gpt2explainer.output.SiteDiff;
import io.github.gpt2explainer.output.SiteMarker;
import io.github.gpt2explainer.prompts.EffectivePrompt;
import io.github.gpt2explainer.prompts.PromptSet;
import io.github.gpt2explainer.prompts.PromptSetLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The build, from prompts to the swapped-in site: {@code build} runs it once, {@code serve} once per edit. Each
 * build reloads the prompts and templates; the model is located once per model spec and its weights stay loaded
 * (if the pipeline needed them) until the build is closed.
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
     * @param pipeline the stages after validation: {@link StandardPipeline} in production, a stand-in in tests
     */
    public SiteBuild(BuildRequest request, ModelLocator models, BuildLog log, SitePipeline pipeline) {
        this.request = request;
        this.models = models;
        this.log = log;
        this.pipeline = pipeline;
    }

    /** Builds into a staging directory beside {@code outDir} and swaps it in; the previous output survives a failure. */
    public void buildInto(Path outDir) throws IOException {
        BuildContext context = validate();                              // prompts, model, fit, templates
        OutputPlacement.check(outDir, context.promptsDir(), context.templates(), context.storeDir());
        try (SafeOutput staging = SafeOutput.begin(outDir)) {           // locked from here on
            staging.recovered().forEach(line -> log.info("Recovered: " + line));
            log.info("Output: " + staging.outputDir());
            runAndRender(context, staging.dir());                       // run what changed, plan, render
            staging.commit();                                           // swap in
        }
    }

    /** Renders into a temporary directory and compares it with {@code outDir}, which is never modified. */
    public SiteDiff compareWith(Path outDir) throws IOException {
        BuildContext context = validate();
        log.info("Checking: " + outDir.toAbsolutePath().normalize());
        Path fresh = Files.createTempDirectory("gpt2-explainer-check-");
        try {
            SiteMarker.write(fresh); // what a build would write too
            runAndRender(context, fresh);
            return SiteDiff.compare(outDir.toAbsolutePath().normalize(), fresh);
        } finally {
            deleteQuietly(fresh);
        }
    }

    /**
     * Loads the prompts, identifies the model and checks, once, that every prompt fits it (with the model's own
     * tokenizer) and that the templates exist, stating what was resolved.
     */
    public BuildContext validate() {
        Path promptsDir = request.prompts().toAbsolutePath().normalize();
        PromptSet prompts = PromptSetLoader.load(promptsDir);
        LazyModel identified = identifyModel(prompts);
        PromptFit.validate(prompts, identified.get());
        log.info("Prompts: " + promptsDir + " (" + summary(prompts) + ")");
        TemplateSource templates = request.templates();
        if (!templates.isBundled() && !Files.isDirectory(templates.directory())) {
            throw new BuildInputException("--templates " + templates.directory() + " is not a directory");
        }
        log.info("Templates: " + templates.describe());
        Path store = request.store().toAbsolutePath().normalize();
        log.info("Trace store: " + store);
        return new BuildContext(promptsDir, prompts, identified, templates, store, log.progress(prompts), log,
                request.prune());
    }

    /** {@code --model}, else the model site.yaml names; located again only when that changes (serve). */
    private LazyModel identifyModel(PromptSet prompts) {
        String spec = request.modelOverride() != null ? request.modelOverride() : prompts.settings().model();
        if (model == null || !spec.equals(modelSpec)) {
            close();
            model = models.locate(spec);
            modelSpec = spec;
        }
        return model;
    }

    private void runAndRender(BuildContext context, Path siteDir) throws IOException {
        try (BuildLog.Progress progress = context.progress()) {
            pipeline.build(context, siteDir);
        }
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
