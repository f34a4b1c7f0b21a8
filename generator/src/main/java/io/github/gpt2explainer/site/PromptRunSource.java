package io.github.gpt2explainer.site;

import io.github.gpt2explainer.trace.PromptRun;

/**
 * Gives the renderer one prompt's run at a time, so only one {@link PromptRun} (with its full forward
 * trace) need be in memory while the site is written. The trace store implements this.
 */
@FunctionalInterface
public interface PromptRunSource {

    /**
     * The run of prompt {@code promptId}.
     *
     * @throws RuntimeException naming the prompt when the store has no run for it
     */
    PromptRun load(String promptId);
}
