package io.github.gpt2explainer.site;

/** Rendering failed: a template, string file or input is broken. The message names the file and the problem. */
public class SiteRenderException extends RuntimeException {
    public SiteRenderException(String message) {
        super(message);
    }

    public SiteRenderException(String message, Throwable cause) {
        super(message, cause);
    }
}
