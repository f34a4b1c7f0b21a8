package io.github.gpt2explainer.site;

/** The site cannot be planned: two inputs want the same output file, or an output path is unsafe. */
public final class SitePlanException extends RuntimeException {
    public SitePlanException(String message) {
        super(message);
    }
}
