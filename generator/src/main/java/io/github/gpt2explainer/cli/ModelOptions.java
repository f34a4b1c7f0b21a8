package io.github.gpt2explainer.cli;

import io.github.gpt2explainer.hub.HubOptions;
import io.github.gpt2explainer.hub.ModelResolver;
import io.github.gpt2explainer.hub.ResolvedModel;
import io.github.gpt2explainer.runs.LoadedModel;
import picocli.CommandLine.Option;

/** {@code --model} and friends, shared by every command that runs the model. */
final class ModelOptions {

    static final String DEFAULT_MODEL = "openai-community/gpt2";

    @Option(names = "--model", defaultValue = DEFAULT_MODEL, paramLabel = "MODEL",
            description = "A Hugging Face GPT-2 directory, a Hub id (gpt2, openai-community/gpt2@main, ...), "
                    + "or 'demo' (an untrained model built in memory). Default: ${DEFAULT-VALUE}.")
    String spec;

    @Option(names = "--offline", description = "Never use the network; take the model from the local cache.")
    boolean offline;

    /** Finds the model (directory, Hugging Face cache, or the Hub) and loads it. */
    LoadedModel load(Console console) {
        ResolvedModel resolved = resolve();
        LoadedModel loaded = resolved.isDemo() ? LoadedModel.demo()
                : LoadedModel.fromDirectory(resolved.directory(), spec, resolved.repoId(), resolved.revision(),
                        resolved.commit());
        console.info("Model: " + loaded.describe());
        if (resolved.directory() != null) {
            console.detail("Model files: " + resolved.directory() + " (" + resolved.source() + ")");
        }
        if (!resolved.missingOptionalFiles().isEmpty()) {
            console.detail("Not in the repository (optional): " + String.join(", ", resolved.missingOptionalFiles()));
        }
        return loaded;
    }

    ResolvedModel resolve() {
        return new ModelResolver(HubOptions.fromEnvironment(offline)).resolve(spec);
    }
}
