package io.github.gpt2explainer.trace;

/** The trace store directory cannot be used (foreign content, a newer schema, an I/O failure); the message says why and what to do. */
public class TraceStoreException extends RuntimeException {
    public TraceStoreException(String message) {
        super(message);
    }

    public TraceStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
