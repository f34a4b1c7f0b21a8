package io.github.gpt2explainer.model;

/** A checkpoint that is missing, broken or not a GPT-2: the message names the file, the tensor and what was wrong. */
public class CheckpointException extends RuntimeException {
    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
