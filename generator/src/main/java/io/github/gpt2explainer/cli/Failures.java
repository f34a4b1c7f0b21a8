package io.github.gpt2explainer.cli;

import io.github.gpt2explainer.hub.HubException;
import io.github.gpt2explainer.model.CheckpointException;
import io.github.gpt2explainer.runs.PromptSetException;
import io.github.gpt2explainer.tokenizer.TokenizerException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;

/**
 * Maps every failure to one human sentence and an exit code, in one place. Stack traces are shown
 * only with {@code -v}; without it the user sees the message and, when it helps, its causes.
 */
final class Failures {
    private Failures() {
    }

    static int report(Throwable ex, Console console) {
        int code = exitCodeFor(ex);
        console.error("error: " + sentence(ex));
        if (console.verbose()) {
            for (Throwable cause = ex.getCause(); cause != null; cause = cause.getCause()) {
                console.error("  caused by: " + cause);
            }
            ex.printStackTrace(console.err());
        } else if (code == ExitCode.FAILURE) {
            console.error("(run again with -v for details)");
        }
        return code;
    }

    static int exitCodeFor(Throwable ex) {
        if (ex instanceof InvalidInputException) {
            return ExitCode.INVALID_INPUT;
        }
        if (ex instanceof HubException hub) {
            return switch (hub.reason()) {
                case INVALID_SPEC -> ExitCode.INVALID_INPUT;
                case NOT_FOUND, UNAUTHORIZED, OFFLINE_NOT_CACHED, NETWORK -> ExitCode.MODEL_UNAVAILABLE;
                case UNSUPPORTED -> ExitCode.BROKEN_CHECKPOINT;
                case CHECKSUM, DISK, PROTOCOL -> ExitCode.FAILURE;
            };
        }
        if (ex instanceof PromptSetException) {
            return ExitCode.INVALID_INPUT;
        }
        if (ex instanceof CheckpointException || ex instanceof TokenizerException) {
            return ExitCode.BROKEN_CHECKPOINT;
        }
        if (ex instanceof InterruptedException) {
            return ExitCode.INTERRUPTED;
        }
        return ExitCode.FAILURE;
    }

    private static String sentence(Throwable ex) {
        if (ex instanceof UncheckedIOException && ex.getCause() != null) {
            ex = ex.getCause();
        }
        if (ex instanceof NoSuchFileException nsf) {
            return "no such file: " + nsf.getFile();
        }
        String message = ex.getMessage();
        return message == null || message.isBlank() ? ex.getClass().getSimpleName() : message;
    }
}
