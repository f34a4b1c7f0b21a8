package io.github.gpt2explainer.site;

import io.github.gpt2explainer.prompts.PromptSet;
import io.github.gpt2explainer.trace.ModelInfo;
import java.util.Objects;

/**
 * Everything a site is rendered from.
 *
 * @param promptSet        the prompts (titles, notes in every language) and the site settings
 * @param model            the model every run used (shown on every page, in full on the about page)
 * @param runs             each prompt's recorded run, loaded one at a time
 * @param generatorVersion the generator's version, shown on the about page (no timestamps: the site is deterministic)
 */
public record SiteInput(PromptSet promptSet, ModelInfo model, PromptRunSource runs, String generatorVersion) {
    public SiteInput {
        Objects.requireNonNull(promptSet, "promptSet");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(runs, "runs");
        Objects.requireNonNull(generatorVersion, "generatorVersion");
    }
}
