package io.github.gpt2explainer.cli;

/** {@code build --check}: the committed site is not what the inputs produce. */
public class StaleSiteException extends RuntimeException {
    public StaleSiteException(String message) {
        super(message);
    }
}
