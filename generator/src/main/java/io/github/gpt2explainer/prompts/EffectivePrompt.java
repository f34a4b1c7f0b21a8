package io.github.gpt2explainer.prompts;

import io.github.gpt2explainer.sampling.Rng;
import io.github.gpt2explainer.trace.CanonicalHash;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A prompt with every generation setting decided (its own value, else the site's). This is what the model
 * runs; {@link #spec()} keeps the raw file.
 *
 * @param spec          the prompt as written
 * @param model         Hugging Face model id
 * @param temperatures  ascending, distinct; 0 = greedy
 * @param maxNewTokens  tokens to generate per temperature
 * @param seed          base seed of this prompt's runs (see {@link #runSeed})
 * @param topK          0 = off
 * @param topP          1.0 = off
 * @param language      language of the prompt text
 * @param attributionMaxTokens the longest prompt, in tokens, whose input attribution is computed (the site's
 *                      {@code attribution_max_tokens}; {@link SiteSettings#ATTRIBUTION_UNLIMITED} = any)
 */
public record EffectivePrompt(PromptSpec spec, String model, List<Double> temperatures, int maxNewTokens, long seed,
                              int topK, double topP, String language, int attributionMaxTokens) {

    /** With input attribution whatever the prompt's length. */
    public EffectivePrompt(PromptSpec spec, String model, List<Double> temperatures, int maxNewTokens, long seed,
                           int topK, double topP, String language) {
        this(spec, model, temperatures, maxNewTokens, seed, topK, topP, language, SiteSettings.ATTRIBUTION_UNLIMITED);
    }

    public EffectivePrompt {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(model, "model");
        temperatures = temperatures.stream().sorted().distinct().toList();
        Objects.requireNonNull(language, "language");
    }

    public String id() {
        return spec.id();
    }

    public String text() {
        return spec.text();
    }

    /** Whether a prompt of {@code tokens} tokens gets its input attribution computed. */
    public boolean attributes(int tokens) {
        return tokens <= attributionMaxTokens;
    }

    /**
     * The seed of the run at {@code temperature}: {@code Rng.derive(seed, id, Double.toString(temperature))}
     * (e.g. parts "eiffel-tower" and "0.8"; temperature 0 is "0.0").
     */
    public long runSeed(double temperature) {
        return Rng.derive(seed, id(), Double.toString(temperature + 0.0)); // -0.0 and 0.0 are one run
    }

    /**
     * SHA-256 (lowercase hex) over everything that changes the model's work: model, id (it feeds the run
     * seeds), text, temperatures, max_new_tokens, seed, top_k, top_p, attribution_max_tokens (when set). Equal hashes mean cached runs can be
     * reused; titles, notes, tags and language do not enter (see {@link #renderHash()}).
     */
    public String contentHash() {
        CanonicalHash c = new CanonicalHash("gpt2-explainer/prompt-content/v1");
        c.field("model", model);
        c.field("id", id());
        c.field("text", text());
        c.field("temperatures", temperatures.stream().map(String::valueOf).reduce((a, b) -> a + "," + b).orElse(""));
        c.field("max_new_tokens", Integer.toString(maxNewTokens));
        c.field("seed", Long.toString(seed));
        c.field("top_k", Integer.toString(topK));
        c.field("top_p", Double.toString(topP));
        if (attributionMaxTokens != SiteSettings.ATTRIBUTION_UNLIMITED) { // absent key: the hash is as before it existed
            c.field("attribution_max_tokens", Integer.toString(attributionMaxTokens));
        }
        return c.sha256();
    }

    /**
     * SHA-256 (lowercase hex) over what only affects rendering: id, language, tags, and the title and note
     * for every language (in the site's language order). A change here means re-render, not recompute.
     */
    public String renderHash() {
        CanonicalHash c = new CanonicalHash("gpt2-explainer/prompt-render/v1");
        c.field("id", id());
        c.field("language", language);
        c.field("tags", String.join(",", spec.tags()));
        for (Map.Entry<String, String> title : spec.titles().entrySet()) {
            c.field("title." + title.getKey(), title.getValue());
        }
        for (Map.Entry<String, String> note : spec.notes().entrySet()) {
            c.field("note." + note.getKey(), note.getValue());
        }
        return c.sha256();
    }
}
