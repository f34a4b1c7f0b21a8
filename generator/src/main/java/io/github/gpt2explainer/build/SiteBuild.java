package io.github.gpt2explainer.cli;

import io.github.gpt2explainer.output.SafeOutput;
import io.github.gpt2explainer.output.SiteDiff;
import io.github.gpt2explainer.output.SiteMarker;
import io.github.gpt2explainer.prompts.EffectivePrompt;
import io.github.gpt2explainer.prompts.PromptSet;
import io.github.gpt2explainer.prompts.PromptSetLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One or more builds with the same options: {@code build} makes one, {@code serve} one per edit. Each build
 * reloads the prompts and templates; the model is resolved once per model id and its weights stay loaded
 * (if the pipeline needed them) until the session closes.
 */
final class SiteSession implements AutoCloseable {

    private final RootCommand root;
    private final ModelOptions modelOptions;
    private final InputOptions inputs;
    private final Path storeDir;
    private final boolean prune;
    private String modelSpec;
    private LazyModel model;

    SiteSession(RootCommand root, ModelOptions modelOptions, InputOptions inputs, Path storeDir, boolean prune) {
        this.root = root;
        this.modelOptions = modelOptions;
        this.inputs = inputs;
        this.storeDir = storeDir;
        this.prune = prune;
    }

    /**
     * Builds into a staging directory beside {@code outDir} and swaps it in; the previous output survives a failure.
     * The inputs and the placement of {@code outDir} are checked before anything is locked or written.
     */
    void buildInto(Path outDir) throws IOException {
        Console console = root.console();
        BuildContext context = prepare();
        OutputPlacement.check(outDir, context.promptsDir(), context.templates(), context.storeDir());
        try (SafeOutput staging = SafeOutput.begin(outDir)) {
            staging.recovered().forEach(line -> console.info("Recovered: " + line));
            console.info("Output: " + staging.outputDir());
            run(context, staging.dir());
            staging.commit();
        }
    }

    /** Renders into a temporary directory and compares it with {@code outDir}, which is never modified. */
    SiteDiff check(Path outDir) throws IOException {
        BuildContext context = prepare();
        root.console().info("Checking: " + outDir.toAbsolutePath().normalize());
        Path fresh = Files.createTempDirectory("gpt2-explainer-check-");
        try {
            SiteMarker.write(fresh); // what a build would write too
            run(context, fresh);
            return SiteDiff.compare(outDir.toAbsolutePath().normalize(), fresh);
        } finally {
            deleteQuietly(fresh);
        }
    }

    /** Loads and validates the inputs and resolves the model, stating what was resolved. */
    BuildContext prepare() {
        Console console = root.console();
        Path promptsDir = inputs.prompts().toAbsolutePath().normalize();
        PromptSet prompts = PromptSetLoader.load(promptsDir);
        String spec = modelOptions.specOr(prompts.settings().model());
        if (model == null || !spec.equals(modelSpec)) {
            if (model != null) {
                model.close();
            }
            model = modelOptions.lazy(spec, root);
            modelSpec = spec;
        }
        PromptFit.validate(prompts, model.get()); // once, with the identified model's tokenizer
        console.info("Prompts: " + promptsDir + " (" + summary(prompts) + ")");
        TemplateSource templates = inputs.templateSource();
        if (!templates.isBundled() && !Files.isDirectory(templates.directory())) {
            throw new InvalidInputException("--templates " + templates.directory() + " is not a directory");
        }
        console.info("Templates: " + templates.describe());
        Path store = storeDir.toAbsolutePath().normalize();
        console.info("Trace store: " + store);
        return new BuildContext(promptsDir, prompts, model, templates, store, GenerationProgress.forConsole(console),
                console, prune);
    }

    private void run(BuildContext context, Path dir) throws IOException {
        try {
            root.wiring().pipeline().build(context, dir);
        } finally {
            context.progress().end();
        }
    }

    /** {@code 20 prompts, 96 runs (temperatures 0, 0.3, 0.8, 1.2, 2), up to 16 new tokens each}. */
    static String summary(PromptSet prompts) {
        List<EffectivePrompt> effective = prompts.effectivePrompts();
        int runs = effective.stream().mapToInt(p -> p.temperatures().size()).sum();
        int maxTokens = effective.stream().mapToInt(EffectivePrompt::maxNewTokens).max().orElse(0);
        String temperatures = effective.stream().flatMap(p -> p.temperatures().stream()).distinct().sorted()
                .map(GenerationProgress::formatTemperature).collect(Collectors.joining(", "));
        return effective.size() + (effective.size() == 1 ? " prompt, " : " prompts, ") + runs
                + (runs == 1 ? " run" : " runs") + " (temperatures " + temperatures + "), up to " + maxTokens
                + " new tokens each";
    }

    private static void deleteQuietly(Path dir) {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
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
        }
    }
}
