package io.github.gpt2explainer.model;

/** The model does not fit in the memory available; raised before any weight is loaded. */
public final class NotEnoughMemoryException extends RuntimeException {
    public NotEnoughMemoryException(String message) {
        super(message);
    }
}
