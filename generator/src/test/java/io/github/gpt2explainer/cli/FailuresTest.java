package io.github.gpt2explainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.gpt2explainer.hub.HubException;
import io.github.gpt2explainer.model.CheckpointException;
import io.github.gpt2explainer.output.OutputLockedException;
import io.github.gpt2explainer.runs.Problem;
import io.github.gpt2explainer.runs.PromptSetException;
import io.github.gpt2explainer.tokenizer.TokenizerException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every failure type gets its documented exit code and one readable sentence. */
class FailuresTest {

    @ParameterizedTest
    @EnumSource(HubException.Reason.class)
    void everyHubReasonHasADeliberateExitCode(HubException.Reason reason) {
        int expected = switch (reason) {
            case INVALID_SPEC -> 3;
            case NOT_FOUND, UNAUTHORIZED, OFFLINE_NOT_CACHED, NETWORK, PROTOCOL -> 4;
            case UNSUPPORTED, BROKEN_CACHE -> 5;
            case CHECKSUM, DISK -> 1;
        };
        assertThat(Failures.exitCodeFor(new HubException(reason, "x"))).isEqualTo(expected);
    }

    @Test
    void inputProblemsAreInvalidInput() {
        assertThat(Failures.exitCodeFor(new InvalidInputException("--port -1"))).isEqualTo(3);
        assertThat(Failures.exitCodeFor(new PromptSetException(List.of(new Problem(Path.of("p/a.md"), 3, "bad")))))
                .isEqualTo(3);
    }

    @Test
    void brokenModelFilesAreBrokenCheckpoint() {
        assertThat(Failures.exitCodeFor(new CheckpointException("model.safetensors: header too long"))).isEqualTo(5);
        assertThat(Failures.exitCodeFor(new TokenizerException("tokenizer.json is not valid JSON"))).isEqualTo(5);
    }

    @Test
    void outputStatesHaveTheirOwnCodes() {
        assertThat(Failures.exitCodeFor(new StaleSiteException("site-out is stale"))).isEqualTo(6);
        assertThat(Failures.exitCodeFor(new OutputLockedException(Path.of("/s/site-out"), Path.of("/s/site-out.lock"),
                "pid 12 since 2026-01-01T00:00:00Z"))).isEqualTo(7);
    }

    @Test
    void interruptionsAre130() {
        assertThat(Failures.exitCodeFor(new InterruptedException())).isEqualTo(130);
        assertThat(Failures.exitCodeFor(new ClosedByInterruptException())).isEqualTo(130);
        assertThat(Failures.exitCodeFor(new UncheckedIOException(new ClosedByInterruptException()))).isEqualTo(130);
        assertThat(Failures.sentence(new InterruptedException())).isEqualTo("interrupted; the previous output is unchanged");
    }

    @Test
    void wrappersAreSeenThrough() {
        assertThat(Failures.exitCodeFor(new ExecutionException(new CheckpointException("x")))).isEqualTo(5);
        assertThat(Failures.exitCodeFor(new UncheckedIOException(new IOException("disk")))).isEqualTo(1);
    }

    @Test
    void fileSystemErrorsNameThePathWithoutJavaClassNames() {
        assertThat(Failures.exitCodeFor(new AccessDeniedException("/srv/site-out"))).isEqualTo(1);
        assertThat(Failures.sentence(new AccessDeniedException("/srv/site-out"))).isEqualTo("permission denied: /srv/site-out");
        assertThat(Failures.sentence(new UncheckedIOException(new NoSuchFileException("/x/config.json"))))
                .isEqualTo("no such file or directory: /x/config.json");
        assertThat(Failures.sentence(new java.nio.file.FileSystemException("/x/a", "/x/b", "No space left on device")))
                .isEqualTo("cannot use /x/a -> /x/b: No space left on device");
    }

    @Test
    void aMessagelessFailureStillSaysSomething() {
        assertThat(Failures.sentence(new IllegalStateException())).isEqualTo("IllegalStateException");
        assertThat(Failures.sentence(new OutOfMemoryError("Java heap space"))).contains("-Xmx4g");
        assertThat(Failures.exitCodeFor(new OutOfMemoryError())).isEqualTo(1);
    }

    @Test
    void reportPrintsOneSentenceAndOnlyWithVerboseTheCausesAndStack() {
        RuntimeException failure = new IllegalStateException("render failed", new IOException("no space"));
        StringWriter plain = new StringWriter();
        Console plainConsole = new Console(new PrintWriter(new StringWriter()), new PrintWriter(plain, true));
        StringWriter verbose = new StringWriter();
        Console verboseConsole = new Console(new PrintWriter(new StringWriter()), new PrintWriter(verbose, true));
        verboseConsole.setLevel(Console.Level.VERBOSE);

        assertThat(Failures.report(failure, plainConsole)).isEqualTo(1);
        Failures.report(failure, verboseConsole);

        assertThat(plain.toString().lines()).containsExactly("error: render failed", "(run again with -v for the cause)");
        assertThat(verbose.toString()).startsWith("error: render failed")
                .contains("  caused by: java.io.IOException: no space").contains("\tat ");
    }

    @Test
    void expectedFailuresDoNotSuggestVerbose() {
        StringWriter err = new StringWriter();
        Console console = new Console(new PrintWriter(new StringWriter()), new PrintWriter(err, true));

        assertThat(Failures.report(new StaleSiteException("site-out is stale: 2 files differ"), console)).isEqualTo(6);

        assertThat(err.toString().lines()).containsExactly("error: site-out is stale: 2 files differ");
    }
}
