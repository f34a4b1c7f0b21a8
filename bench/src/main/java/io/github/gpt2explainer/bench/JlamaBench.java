package io.github.gpt2explainer.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Runs Jlama on the same checkpoint as a child process: the bench-jlama jar (built with {@code -Pjlama})
 * under a JDK >= 21 with the incubating Vector API, so this harness itself stays on Java 17.
 */
public final class JlamaBench {

    /** The JDK Jlama runs on, unless {@code JLAMA_JAVA} names another java binary. */
    public static final String DEFAULT_JAVA = "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java";

    private JlamaBench() {
    }

    /** Why Jlama cannot run here, or null when the jar and the JDK are present. */
    public static String missing(Path repoRoot) {
        if (!Files.isRegularFile(jar(repoRoot))) {
            return jar(repoRoot) + " is missing (build it with: JAVA_HOME=<JDK 21+> mvn -Pjlama -pl bench-jlama package)";
        }
        if (!Files.isExecutable(Path.of(java()))) {
            return java() + " is missing (set JLAMA_JAVA to a JDK 21+ java binary)";
        }
        return null;
    }

    public static JlamaResult run(Path repoRoot, Path checkpoint, long[] ids, int warmups, int repetitions) {
        List<String> command = new ArrayList<>(List.of(java(), "--add-modules", "jdk.incubator.vector",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-jar", jar(repoRoot).toString(),
                checkpoint.toAbsolutePath().toString(), Integer.toString(warmups), Integer.toString(repetitions),
                Arrays.stream(ids).mapToObj(Long::toString).collect(Collectors.joining(","))));
        ChildProcess.Result result = ChildProcess.run(command, repoRoot, 1800);
        if (result.exitCode() != 0 || result.stdout().isBlank()) {
            throw new IllegalStateException("Jlama exited with " + result.exitCode() + ":\n" + result.stderrTail(20));
        }
        return JlamaResult.parse(result.lastStdoutLine());
    }

    private static Path jar(Path repoRoot) {
        return repoRoot.resolve("bench-jlama/target/bench-jlama.jar");
    }

    private static String java() {
        String configured = System.getenv("JLAMA_JAVA");
        return configured == null || configured.isBlank() ? DEFAULT_JAVA : configured;
    }
}
