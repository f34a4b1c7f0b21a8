package io.github.gpt2explainer.build;

/**
 * A build's inputs or options cannot work (for example {@code --out} overlaps an input, {@code --templates} is
 * not a directory). The message names the option, the path and what was expected; the command line maps it to
 * the invalid-input exit code.
 */
public class BuildInputException extends RuntimeException {

    public BuildInputException(String message) {
        super(message);
    }
}
