package io.github.gpt2explainer.trace;

/**
 * The trace store directory cannot be used (foreign content, a newer schema, an I/O failure); the message says
 * why and what to do. {@link #inputProblem()} tells the two kinds apart: the directory the user chose is wrong
 * (fixed by passing another {@code --store}), or reading/writing a valid store failed.
 */
public class TraceStoreException extends RuntimeException {
    private final boolean inputProblem;

    /** A failure that is not the chosen directory's fault (an I/O error, a damaged entry). */
    public TraceStoreException(String message) {
        this(message, null, false);
    }

    /** A failure that is not the chosen directory's fault, with its cause. */
    public TraceStoreException(String message, Throwable cause) {
        this(message, cause, false);
    }

    private TraceStoreException(String message, Throwable cause, boolean inputProblem) {
        super(message, cause);
        this.inputProblem = inputProblem;
    }

    /** The directory given as the store is not one this program may use: a file, foreign content, a newer schema. */
    static TraceStoreException unusableDirectory(String message) {
        return new TraceStoreException(message, null, true);
    }

    /** True if the user's choice of directory is the problem (exit code INVALID_INPUT), false for I/O failures. */
    public boolean inputProblem() {
        return inputProblem;
    }
}
