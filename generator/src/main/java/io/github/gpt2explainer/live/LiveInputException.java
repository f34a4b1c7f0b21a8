package io.github.gpt2explainer.live;

/** A live request the explainer cannot honour, with a message for the reader (shown as text, escaped). */
public class LiveInputException extends RuntimeException {

    public LiveInputException(String message) {
        super(message);
    }
}
