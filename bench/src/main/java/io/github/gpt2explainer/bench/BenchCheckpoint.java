package io.github.gpt2explainer.bench;

import io.github.gpt2explainer.model.Checkpoint;
import io.github.gpt2explainer.model.CheckpointLoader;
import io.github.gpt2explainer.model.Gpt2Config;
import io.github.gpt2explainer.model.HfCheckpointWriter;
import io.github.gpt2explainer.model.RandomCheckpoint;
import io.github.gpt2explainer.tokenizer.BpeVocabulary;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The benchmark's checkpoint: a GPT-2-small-shaped model with seeded random weights, written as a
 * Hugging Face directory ({@code config.json}, {@code model.safetensors} with a tied head, and the
 * bundled vocabulary as {@code tokenizer.json}) so that both our engine and Jlama load the same files.
 *
 * <p>Generating 124 M gaussians takes ~20 s, so the directory is cached under a name derived from the
 * config and seed; a {@code COMPLETE} stamp written last marks a finished directory, so an interrupted
 * write is redone instead of reused.
 */
public final class BenchCheckpoint {

    /** GPT-2 small: the real sizes, so the cost is the real cost. */
    public static final Gpt2Config GPT2_SMALL = new Gpt2Config(50257, 1024, 768, 12, 12, 1e-5);

    private static final String STAMP = "COMPLETE";
    private static final String VOCAB_DIR = "/io/github/gpt2explainer/tokenizer/gpt2/";

    private BenchCheckpoint() {
    }

    /** The cache directory name for a config and seed, e.g. {@code gpt2-v50257-c1024-e768-l12-h12-s42}. */
    public static String directoryName(Gpt2Config c, long seed) {
        return "gpt2-v" + c.vocabSize() + "-c" + c.contextLength() + "-e" + c.width() + "-l" + c.layers()
                + "-h" + c.heads() + "-s" + seed;
    }

    /** The checkpoint directory under {@code cacheRoot}, written first if it is missing or incomplete. */
    public static Path ensure(Path cacheRoot, Gpt2Config config, long seed) {
        Path dir = cacheRoot.resolve(directoryName(config, seed));
        if (Files.isRegularFile(dir.resolve(STAMP))) {
            return dir;
        }
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(dir.resolve(STAMP));
            Checkpoint checkpoint = RandomCheckpoint.create(config, seed);
            HfCheckpointWriter.write(checkpoint, dir, HfCheckpointWriter.Options.defaults());
            Files.write(dir.resolve("tokenizer.json"), bundledTokenizerJson());
            Files.writeString(dir.resolve(STAMP), "random(seed=" + seed + ") " + config + "\n",
                    StandardCharsets.UTF_8);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the benchmark checkpoint to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Loads the directory back through the same loader the tool uses. */
    public static Checkpoint load(Path dir) {
        return CheckpointLoader.load(dir);
    }

    private static byte[] bundledTokenizerJson() throws IOException {
        return BpeVocabulary.parse(resource("encoder.json"), "encoder.json", resource("vocab.bpe"), "vocab.bpe")
                .toTokenizerJson();
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = BenchCheckpoint.class.getResourceAsStream(VOCAB_DIR + name)) {
            if (in == null) {
                throw new IOException("bundled vocabulary resource " + VOCAB_DIR + name + " is missing");
            }
            return in.readAllBytes();
        }
    }
}
