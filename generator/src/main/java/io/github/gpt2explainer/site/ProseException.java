package io.github.gpt2explainer.site;

/**
 * The explainer prose asks for something the site cannot give: an unknown placeholder, a link or figure naming a
 * layer or head the model does not have, a malformed figure. The message starts with {@code file:line:}. The prose
 * is an input of the build (like the prompts), so this is invalid input, not a failure of the tool.
 */
public final class ProseException extends SiteRenderException {
    public ProseException(String file, int line, String problem) {
        super(file + ":" + line + ": " + problem);
    }
}
