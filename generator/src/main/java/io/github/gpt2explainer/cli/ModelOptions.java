package io.github.gpt2explainer.cli;

import io.github.gpt2explainer.build.LazyModel;
import io.github.gpt2explainer.build.ModelLocator;
import io.github.gpt2explainer.hub.DownloadProgress;
import io.github.gpt2explainer.hub.HubOptions;
import io.github.gpt2explainer.hub.LogLineProgress;
import io.github.gpt2explainer.hub.ModelResolver;
import io.github.gpt2explainer.hub.ResolvedModel;
import io.github.gpt2explainer.hub.TerminalProgressBar;
import io.github.gpt2explainer.model.AvailableMemory;
import io.github.gpt2explainer.model.ModelSource;
import java.io.PrintStream;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --model} and {@code --offline}, shared by every command that needs the model. */
final class ModelOptions {

    static final String DEFAULT_MODEL = "openai-community/gpt2";

    @Option(names = "--model", paramLabel = "MODEL",
            description = "A Hugging Face GPT-2 directory, a Hub id (gpt2, openai-community/gpt2@main, ...), "
                    + "or 'demo' (an untrained model built in memory). Default: the model in site.yaml for "
                    + "build/serve/check, else " + DEFAULT_MODEL + ".")
    String spec;

    @Option(names = "--offline", description = "Never use the network; take the model from the local Hugging Face cache "
            + "(also HF_HUB_OFFLINE=1).")
    boolean offline;

    /** {@code --model} if given, else {@code fallback} (the site's model, or {@link #DEFAULT_MODEL}). */
    String specOr(String fallback) {
        return spec != null ? spec : fallback;
    }

    /** Finds the model (directory, Hugging Face cache, or the Hub, with download progress) without loading it. */
    ResolvedModel resolve(String modelSpec, Map<String, String> environment, Console console) {
        HubOptions options = HubOptions.fromEnvironment(environment, offline);
        return new ModelResolver(options, downloadProgress(console)).resolve(modelSpec);
    }

    /** Resolves and identifies the model now (its weights load on {@link ModelSource#loadCheckpoint()}). */
    ModelSource load(String modelSpec, Map<String, String> environment, Console console) {
        return load(resolve(modelSpec, environment, console), modelSpec, console, environment);
    }

    /** For a build: resolution when located (and its start-up line), identification and weights on first use. */
    ModelLocator locator(Map<String, String> environment, Console console) {
        return modelSpec -> {
            ResolvedModel resolved = resolve(modelSpec, environment, console);
            console.info("Model: " + describe(resolved));
            return new LazyModel(resolved, () -> load(resolved, modelSpec, console, environment));
        };
    }

    /** Identifies the model; its weights load later, after a check that they fit in the memory available. */
    static ModelSource load(ResolvedModel resolved, String modelSpec, Console console, Map<String, String> environment) {
        ModelSource loaded = (resolved.isDemo() ? ModelSource.demo()
                : ModelSource.directory(resolved.directory(), modelSpec, resolved.repoId(), resolved.revision(),
                        resolved.commit()))
                .checkingMemory(() -> availableMemory(environment));
        console.info("Model: " + loaded.describe());
        if (!resolved.missingOptionalFiles().isEmpty()) {
            console.detail("Not in the repository (optional): " + String.join(", ", resolved.missingOptionalFiles()));
        }
        return loaded;
    }

    private static Optional<AvailableMemory> availableMemory(Map<String, String> environment) {
        try {
            return AvailableMemory.detect(environment);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage());
        }
    }

    /** {@code openai-community/gpt2@main (commit abc123, Hugging Face cache /path)}, for the start-up summary. */
    static String describe(ResolvedModel resolved) {
        return switch (resolved.source()) {
            case DEMO -> "demo (untrained, seeded random weights, built in memory)";
            case LOCAL_DIRECTORY -> resolved.directory().toAbsolutePath().normalize() + " (local directory)";
            case CACHE, NETWORK -> resolved.repoId() + "@" + resolved.revision()
                    + (resolved.commit() != null && !resolved.commit().equals(resolved.revision())
                            ? " (commit " + resolved.commit() + ")" : "")
                    + (resolved.source() == ResolvedModel.Source.CACHE ? " from the Hugging Face cache "
                            : " from the Hub into ") + resolved.directory();
        };
    }

    static DownloadProgress downloadProgress(Console console) {
        if (console.level() == Console.Level.QUIET) {
            return DownloadProgress.none();
        }
        PrintStream err = ConsoleStreams.printStream(console.err());
        return System.console() != null ? new TerminalProgressBar(err) : new LogLineProgress(err);
    }
}
