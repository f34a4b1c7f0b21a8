package io.github.gpt2explainer.bench;

import ai.djl.ndarray.NDManager;
import io.github.gpt2explainer.forward.Gpt2Model;
import io.github.gpt2explainer.model.CheckpointLoader;

import java.nio.file.Path;
import java.util.Locale;

/**
 * A child process of {@link ShapeBench}: loads a checkpoint directory as the tool does
 * ({@code CheckpointLoader.load} + {@code Gpt2Model.load}) and prints the milliseconds that took, after the
 * engine has started (so the native library's own start-up is not counted). Its peak resident memory, read
 * by the parent from {@code /usr/bin/time -v}, is what loading that checkpoint costs.
 *
 * <p>Usage: {@code LoadProbe <checkpoint dir>}; prints {@code load_ms=<ms>}.
 */
public final class LoadProbe {

    private LoadProbe() {
    }

    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", "true");
        Path dir = Path.of(args[0]);
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            manager.zeros(new ai.djl.ndarray.types.Shape(1)).close(); // start the engine before the clock
            long start = System.nanoTime();
            try (Gpt2Model model = Gpt2Model.load(CheckpointLoader.load(dir), manager)) {
                double ms = (System.nanoTime() - start) / 1e6;
                System.out.println(String.format(Locale.ROOT, "load_ms=%.0f layers=%d", ms, model.config().layers()));
            }
        }
    }
}
