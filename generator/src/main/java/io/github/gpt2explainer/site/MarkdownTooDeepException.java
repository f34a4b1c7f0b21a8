package io.github.gpt2explainer.site;

import io.github.gpt2explainer.text.MarkdownDepth;

/**
 * A Markdown file (prose, a chapter, a prompt note) nests deeper than {@link MarkdownDepth#MAX_DEPTH}: the
 * author's input is at fault, so the command exits with the invalid-input code. The message names the file
 * and line.
 */
public final class MarkdownTooDeepException extends SiteRenderException {

    public MarkdownTooDeepException(String message) {
        super(message);
    }

    /** {@code <source>:<line>: Markdown nested N levels deep ...} when {@code markdown} is too deep. */
    static void check(String source, String markdown) {
        MarkdownDepth.check(markdown).ifPresent(tooDeep -> {
            throw new MarkdownTooDeepException(source + ":" + tooDeep.line() + ": " + tooDeep.message());
        });
    }
}
