package io.github.gpt2explainer.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.gpt2explainer.cli.Main;
import io.github.gpt2explainer.model.Gpt2Config;
import io.github.gpt2explainer.model.HfCheckpointWriter;
import io.github.gpt2explainer.model.RandomCheckpoint;
import io.github.gpt2explainer.model.SafetensorsFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The issue's "done when": with HF_HUB_OFFLINE=1 and a Hugging Face cache holding a GPT-2 checkpoint in
 * the standard layout (written here exactly as Python's huggingface_hub writes it: blobs named by their
 * sha256, relative symlinks in snapshots/, refs/main), {@code trace --model openai-community/gpt2} runs
 * from the cache. The tool runs as a separate JVM with that environment, and the endpoint points at a
 * closed port, so any request would fail.
 */
class OfflineTraceFromHubCacheTest {

    private static final String COMMIT = "607a30d783dfa663caf39e06633721c8d4cfcd7e";

    @Test
    void traceUsesThePythonLayoutCacheWithoutNetwork(@TempDir Path tmp) throws Exception {
        Path checkpoint = tmp.resolve("checkpoint");
        HfCheckpointWriter.write(RandomCheckpoint.create(new Gpt2Config(50257, 64, 16, 2, 2, 1e-5), 7),
                checkpoint, HfCheckpointWriter.Options.defaults());
        Path cache = tmp.resolve("hf-cache");
        Path repo = cache.resolve("models--openai-community--gpt2");
        Path snapshot = repo.resolve("snapshots").resolve(COMMIT);
        Files.createDirectories(repo.resolve("blobs"));
        Files.createDirectories(snapshot);
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), COMMIT);
        try (Stream<Path> files = Files.list(checkpoint)) {
            for (Path file : files.toList()) {
                String blob = sha256(file);
                Files.copy(file, repo.resolve("blobs").resolve(blob));
                Files.createSymbolicLink(snapshot.resolve(file.getFileName()), Path.of("../../blobs/" + blob));
            }
        }
        Path out = tmp.resolve("t.safetensors");

        Process process = javaMain(tmp, List.of("trace", "--model", "openai-community/gpt2",
                        "--prompt", "what a beautiful day", "--out", out.toString()),
                cache);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the trace finished").isTrue();
        String stderr = Files.readString(tmp.resolve("stderr.txt"));
        assertThat(process.exitValue()).as("exit code; stderr:%n%s", stderr).isZero();
        assertThat(stderr).contains("openai-community/gpt2@" + COMMIT);
        try (SafetensorsFile trace = SafetensorsFile.open(out)) {
            assertThat(trace.metadata()).containsEntry("commit", COMMIT).containsEntry("demo", "false");
            assertThat(trace.entry("logits").shape()).containsExactly(4, 50257); // every position of the 4 tokens
        }
    }

    private static Process javaMain(Path workDir, List<String> args, Path cache) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectOutput(workDir.resolve("stdout.txt").toFile())
                .redirectError(workDir.resolve("stderr.txt").toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("HF_") || k.startsWith("HUGGING"));
        builder.environment().put("HF_HUB_CACHE", cache.toString());
        builder.environment().put("HF_HUB_OFFLINE", "1");
        builder.environment().put("HF_HOME", workDir.resolve("hf-home").toString());
        builder.environment().put("HF_ENDPOINT", "http://127.0.0.1:9"); // discard port: nothing listens
        return builder.start();
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
