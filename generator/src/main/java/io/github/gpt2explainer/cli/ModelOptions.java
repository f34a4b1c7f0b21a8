package io.github.gpt2explainer.cli;

import io.github.gpt2explainer.runs.LoadedModel;
import java.nio.file.Files;
import java.nio.file.Path;
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

    LoadedModel load(Console console) {
        LoadedModel loaded;
        if (LoadedModel.DEMO.equals(spec)) {
            loaded = LoadedModel.demo();
        } else if (Files.isDirectory(Path.of(spec))) {
            loaded = LoadedModel.fromDirectory(Path.of(spec), spec, null, null, null);
        } else {
            throw new InvalidInputException("no model directory " + spec);
        }
        console.info("Model: " + loaded.describe());
        return loaded;
    }
}
