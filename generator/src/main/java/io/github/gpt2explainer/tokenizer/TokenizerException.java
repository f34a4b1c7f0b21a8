package io.github.gpt2explainer.tokenizer;

/** A tokenizer file that is missing, unreadable or not a GPT-2 byte-level BPE: the message names the file. */
public class TokenizerException extends RuntimeException {
    public TokenizerException(String message) {
        super(message);
    }

    public TokenizerException(String message, Throwable cause) {
        super(message, cause);
    }
}
