package io.github.gpt2explainer.cli;

/** A command-line value that parses but makes no sense (an output path that is a directory, ...). */
public class InvalidInputException extends RuntimeException {
    public InvalidInputException(String message) {
        super(message);
    }
}
