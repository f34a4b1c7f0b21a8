package io.github.gpt2explainer.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Model directories that resolve but do not load. */
final class BrokenModels {
    private BrokenModels() {
    }

    /** A valid GPT-2 config.json next to a model.safetensors that is garbage. */
    static Path garbageWeights(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"gpt2\", \"vocab_size\": 50257, "
                + "\"n_positions\": 1024, \"n_embd\": 64, \"n_layer\": 1, \"n_head\": 4}");
        Files.write(dir.resolve("model.safetensors"), "this is not a safetensors file at all".getBytes());
        return dir;
    }
}
