package io.github.gpt2explainer.site;

import io.github.gpt2explainer.insight.ProbedHeadRoles;
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
 * @param headRoles        the model's head-role scores for the "meet the heads" page; null: no such page
 */
public record SiteInput(PromptSet promptSet, ModelInfo model, PromptRunSource runs, String generatorVersion,
                        ProbedHeadRoles headRoles) {
    public SiteInput {
        Objects.requireNonNull(promptSet, "promptSet");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(runs, "runs");
        Objects.requireNonNull(generatorVersion, "generatorVersion");
        if (headRoles != null && (headRoles.roles().layers() != model.config().layers()
                || headRoles.roles().heads() != model.config().heads())) {
            throw new IllegalArgumentException("head roles of " + headRoles.roles().layers() + " x "
                    + headRoles.roles().heads() + " heads for a model of " + model.config().layers() + " x "
                    + model.config().heads());
        }
    }

    /** A site without the "meet the heads" page. */
    public SiteInput(PromptSet promptSet, ModelInfo model, PromptRunSource runs, String generatorVersion) {
        this(promptSet, model, runs, generatorVersion, null);
    }
}
