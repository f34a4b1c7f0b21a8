package io.github.gpt2explainer.prompts;

import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A validated prompt set: the site settings and the prompts sorted by id.
 */
public record PromptSet(SiteSettings settings, List<PromptSpec> prompts) {

    public PromptSet {
        Objects.requireNonNull(settings, "settings");
        prompts = prompts.stream().sorted(Comparator.comparing(PromptSpec::id)).toList();
        Set<String> seen = new HashSet<>();
        for (PromptSpec prompt : prompts) {
            if (!seen.add(prompt.id())) {
                throw new IllegalArgumentException("duplicate prompt id '" + prompt.id() + "'");
            }
        }
    }

    /** Every prompt with the site defaults applied, sorted by id. */
    public List<EffectivePrompt> effectivePrompts() {
        return prompts.stream().map(p -> p.effective(settings)).toList();
    }

    public Optional<PromptSpec> prompt(String id) {
        return prompts.stream().filter(p -> p.id().equals(id)).findFirst();
    }

    public List<String> ids() {
        return prompts.stream().map(PromptSpec::id).toList();
    }
}
