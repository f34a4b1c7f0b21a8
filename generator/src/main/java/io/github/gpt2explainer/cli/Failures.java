package io.github.gpt2explainer.cli;

import io.github.gpt2explainer.build.BuildInputException;
import io.github.gpt2explainer.hub.HubException;
import io.github.gpt2explainer.model.CheckpointException;
import io.github.gpt2explainer.output.ForeignOutputException;
import io.github.gpt2explainer.model.NotEnoughMemoryException;
import io.github.gpt2explainer.output.OutputLockedException;
import io.github.gpt2explainer.prompts.PromptSetException;
import io.github.gpt2explainer.site.MarkdownTooDeepException;
import io.github.gpt2explainer.site.ProseException;
import io.github.gpt2explainer.text.TerminalText;
import io.github.gpt2explainer.tokenizer.TokenizerException;
import io.github.gpt2explainer.trace.TraceStoreException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine;

/**
 * Maps every failure to one human sentence and an exit code, in one place. Stack traces are shown
 * only with {@code -v}; without it the user sees the message and, for unexpected failures, a hint to use -v.
 */
final class Failures {
    private Failures() {
    }

    static int report(Throwable ex, Console console) {
        Throwable failure = unwrap(ex);
        int code = exitCodeFor(failure);
        console.error("error: " + sentence(failure));
        if (console.verbose()) {
            for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
                console.error("  caused by: " + cause);
            }
            java.io.StringWriter trace = new java.io.StringWriter();
            failure.printStackTrace(new PrintWriter(trace));
            console.error(trace.toString().stripTrailing()); // escaped like every console line
        } else if (code == ExitCode.FAILURE) {
            console.error("(run again with -v for the cause)");
        }
        return code;
    }

    /** A command-line mistake: the message, a suggestion for a misspelt option, and where to find help. */
    static int reportUsage(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("error: " + TerminalText.escapeLines(ex.getMessage()));
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for the options and examples.");
        err.flush();
        return ExitCode.USAGE;
    }

    static int exitCodeFor(Throwable ex) {
        ex = unwrap(ex);
        if (ex instanceof CommandLine.ParameterException) {
            return ExitCode.USAGE;
        }
        if (ex instanceof InvalidInputException || ex instanceof BuildInputException || ex instanceof PromptSetException
                || ex instanceof MarkdownTooDeepException || ex instanceof ProseException) {
            return ExitCode.INVALID_INPUT;
        }
        if (ex instanceof TraceStoreException store) {
            return store.inputProblem() ? ExitCode.INVALID_INPUT : ExitCode.FAILURE;
        }
        if (ex instanceof HubException hub) {
            return switch (hub.reason()) {
                case INVALID_SPEC -> ExitCode.INVALID_INPUT;
                case NOT_FOUND, UNAUTHORIZED, OFFLINE_NOT_CACHED, NETWORK, PROTOCOL -> ExitCode.MODEL_UNAVAILABLE;
                case UNSUPPORTED, BROKEN_CACHE -> ExitCode.BROKEN_CHECKPOINT;
                case CHECKSUM, DISK -> ExitCode.FAILURE;
            };
        }
        if (ex instanceof CheckpointException || ex instanceof TokenizerException) {
            return ExitCode.BROKEN_CHECKPOINT;
        }
        if (ex instanceof StaleSiteException) {
            return ExitCode.STALE_SITE;
        }
        if (ex instanceof OutputLockedException) {
            return ExitCode.LOCKED;
        }
        if (ex instanceof ForeignOutputException) {
            return ExitCode.INVALID_INPUT; // --out names a directory the tool did not write
        }
        if (ex instanceof NotEnoughMemoryException) {
            return ExitCode.NOT_ENOUGH_MEMORY;
        }
        if (ex instanceof InterruptedException || ex instanceof ClosedByInterruptException
                || ex instanceof InterruptedIOException) {
            return ExitCode.INTERRUPTED;
        }
        return ExitCode.FAILURE;
    }

    /** Wrappers that only carry the real failure. */
    static Throwable unwrap(Throwable ex) {
        while ((ex instanceof UncheckedIOException || ex instanceof ExecutionException || ex instanceof CompletionException
                || ex instanceof CommandLine.ExecutionException) && ex.getCause() != null) {
            ex = ex.getCause();
        }
        return ex;
    }

    static String sentence(Throwable ex) {
        ex = unwrap(ex);
        if (ex instanceof InterruptedException || ex instanceof ClosedByInterruptException) {
            return "interrupted; the previous output is unchanged";
        }
        if (ex instanceof OutOfMemoryError) {
            return "out of memory; give Java more, e.g. GPT2X_JAVA_OPTS=-Xmx4g ./gpt2-explainer ...";
        }
        if (ex instanceof FileSystemException fs) {
            return fileSystemSentence(fs);
        }
        if (ex instanceof IOException && ex.getMessage() == null) {
            return "input/output error (" + ex.getClass().getSimpleName() + ")";
        }
        String message = ex.getMessage();
        return message == null || message.isBlank() ? ex.getClass().getSimpleName() : message;
    }

    /** {@code cannot write /x/y: permission denied}: the path and what went wrong, without Java class names. */
    private static String fileSystemSentence(FileSystemException fs) {
        String file = fs.getFile() != null ? fs.getFile() : "a file";
        String other = fs.getOtherFile() != null ? " -> " + fs.getOtherFile() : "";
        if (fs instanceof NoSuchFileException) {
            return "no such file or directory: " + file + other;
        }
        if (fs instanceof AccessDeniedException) {
            return "permission denied: " + file + other;
        }
        if (fs instanceof NotDirectoryException) {
            return "not a directory: " + file;
        }
        if (fs instanceof FileAlreadyExistsException) {
            return "already exists: " + file + other;
        }
        if (fs instanceof DirectoryNotEmptyException) {
            return "directory not empty: " + file;
        }
        return "cannot use " + file + other + (fs.getReason() != null ? ": " + fs.getReason() : "");
    }
}
