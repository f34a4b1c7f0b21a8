package io.github.gpt2explainer.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command to completion with stdout and stderr captured to files (so a chatty child never blocks). */
public final class ChildProcess {

    /** The outcome: exit code, both streams, wall time, and peak resident memory when it was sampled. */
    public record Result(int exitCode, String stdout, String stderr, double wallMs) {
        public String lastStdoutLine() {
            String[] lines = stdout.strip().split("\n");
            return lines[lines.length - 1];
        }

        /** The last lines of stderr, for an error message. */
        public String stderrTail(int lines) {
            String[] all = stderr.strip().split("\n");
            return String.join("\n", java.util.Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
        }
    }

    private ChildProcess() {
    }

    public static Result run(List<String> command, Path workingDir, long timeoutSeconds) {
        try {
            Path out = Files.createTempFile("bench-child", ".out");
            Path err = Files.createTempFile("bench-child", ".err");
            try {
                long start = System.nanoTime();
                Process p = new ProcessBuilder(command).directory(workingDir.toFile())
                        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                    throw new IllegalStateException("timed out after " + timeoutSeconds + " s: " + String.join(" ", command));
                }
                double wall = (System.nanoTime() - start) / 1e6;
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8), wall);
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        }
    }
}
