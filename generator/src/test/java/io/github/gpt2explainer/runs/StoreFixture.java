package io.github.gpt2explainer.runs;

import io.github.gpt2explainer.model.Checkpoint;
import io.github.gpt2explainer.model.ModelSource;
import io.github.gpt2explainer.model.RandomCheckpoint;
import io.github.gpt2explainer.prompts.PromptDirs;
import io.github.gpt2explainer.prompts.PromptSet;
import io.github.gpt2explainer.prompts.PromptSetLoader;
import io.github.gpt2explainer.tokenizer.Gpt2Tokenizer;
import io.github.gpt2explainer.trace.ModelInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/** Prompt directories, a tiny model that counts its loads, and whole-tree snapshots for store tests. */
final class StoreFixture {

    static final String[] IDS = {"alpha", "bravo", "charlie", "delta"};

    private StoreFixture() {
    }

    static void site(Path dir, String temperatures) {
        PromptDirs.write(dir, "site.yaml", String.join("\n",
                "title:",
                "  en: Store test",
                "languages: [en]",
                "temperatures: " + temperatures,
                "max_new_tokens: 4",
                "seed: 7",
                ""));
    }

    static void prompt(Path dir, String id, String text, String title, String note) {
        PromptDirs.write(dir, id + ".md", String.join("\n",
                "---",
                "id: " + id,
                "text: \"" + text + "\"",
                "title: " + title,
                "---",
                "<!-- lang: en -->",
                note,
                ""));
    }

    /** Four prompts with temperatures 0 and 0.8. */
    static Path promptSet(Path dir) {
        site(dir, "[0, 0.8]");
        for (String id : IDS) {
            prompt(dir, id, "The story of " + id + " begins", "About " + id, "Look at " + id + ".");
        }
        return dir;
    }

    static PromptSet load(Path dir) {
        return PromptSetLoader.load(dir);
    }

    /** A tiny random model (context 64) whose weight loads are counted. */
    static final class CountingModel {
        final AtomicInteger loads = new AtomicInteger();
        final ModelSource source;

        CountingModel(long seed) {
            Checkpoint checkpoint = RandomCheckpoint.create(TinyModels.config(64), seed);
            Gpt2Tokenizer tokenizer = Gpt2Tokenizer.bundled();
            ModelInfo info = new ModelInfo("tiny-" + seed, null, null, null, ModelSource.parametersSha256(checkpoint),
                    tokenizer.sha256(), checkpoint.config(), false);
            source = ModelSource.of(info, tokenizer, () -> {
                loads.incrementAndGet();
                return checkpoint;
            });
        }
    }

    /**
     * Every file under {@code root} by relative path, with the SHA-256 of its bytes (equal maps = byte-identical trees);
     * the lock files {@code store.lock} and {@code users.lock} (always empty) are left out.
     */
    static Map<String, String> tree(Path root) {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).filter(p -> !p.equals(root.resolve("store.lock")) && !p.equals(root.resolve("users.lock"))).toList()) {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p));
                files.put(root.relativize(p).toString(), HexFormat.of().formatHex(digest));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return files;
    }
}
