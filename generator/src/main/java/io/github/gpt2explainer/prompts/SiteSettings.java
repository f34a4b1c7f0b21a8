package io.github.gpt2explainer.prompts;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code prompts/site.yaml}: the site title and the defaults every prompt inherits. All values are
 * final (defaults already applied).
 *
 * @param title         site title per language, one entry for every language in {@code languages}
 * @param model         Hugging Face model id, default {@value #DEFAULT_MODEL}
 * @param temperatures  default temperatures, ascending; 0 = greedy
 * @param maxNewTokens  default number of tokens to generate
 * @param topK          default top-k; 0 = off (the key is absent)
 * @param topP          default top-p; 1.0 = off
 * @param seed          base seed from which every run's seed is derived
 * @param languages     the site's languages in display order; every prompt needs a title and a note in each
 * @param source        the site.yaml file read (null for {@link #fallback})
 * @param attributionMaxTokens the longest prompt (in tokens) whose input attribution by occlusion is computed
 *                      ({@code attribution_max_tokens}; about 5T²/8 token positions of extra forward work each);
 *                      0 = none, {@link #ATTRIBUTION_UNLIMITED} (the key is absent) = every prompt
 * @param handouts      what the single-file handouts carry ({@code handouts:}), default {@link Handouts#COMPACT}
 */
public record SiteSettings(Map<String, String> title, String model, List<Double> temperatures, int maxNewTokens,
                           int topK, double topP, long seed, List<String> languages, Path source,
                           int attributionMaxTokens, Handouts handouts) {

    public static final String DEFAULT_MODEL = "openai-community/gpt2";
    /** {@code attribution_max_tokens} left out: every prompt gets its input attribution. */
    public static final int ATTRIBUTION_UNLIMITED = Integer.MAX_VALUE;

    /** Settings with input attribution for every prompt and compact handouts. */
    public SiteSettings(Map<String, String> title, String model, List<Double> temperatures, int maxNewTokens,
                        int topK, double topP, long seed, List<String> languages, Path source) {
        this(title, model, temperatures, maxNewTokens, topK, topP, seed, languages, source, ATTRIBUTION_UNLIMITED);
    }

    /** Settings with compact handouts. */
    public SiteSettings(Map<String, String> title, String model, List<Double> temperatures, int maxNewTokens,
                        int topK, double topP, long seed, List<String> languages, Path source,
                        int attributionMaxTokens) {
        this(title, model, temperatures, maxNewTokens, topK, topP, seed, languages, source, attributionMaxTokens,
                Handouts.COMPACT);
    }

    /**
     * What each prompt's single-file handout inlines. The per-layer detail ({@code layer-<l>.js}: layer norms,
     * Q/K/V, MLP values) is most of a prompt's data and grows with layers x width, and the handouts exist once
     * per language: inlining it tripled the site (GPT-2 small 228 MB, gpt2-xl's shape about 1.7 GB).
     */
    public enum Handouts {
        /** The default: everything but the per-layer detail (what the printed page shows); the site has it all. */
        COMPACT,
        /** Every data file, unless that is over 20 MB ({@code site/Handout.BUDGET_BYTES}). */
        FULL;

        /** The value as written in site.yaml. */
        public String yaml() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public SiteSettings {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(handouts, "handouts");
        title = Collections.unmodifiableMap(new LinkedHashMap<>(title));
        temperatures = temperatures.stream().sorted().toList();
        languages = List.copyOf(languages);
        if (attributionMaxTokens < 0) {
            throw new IllegalArgumentException("attribution_max_tokens must be >= 0, got " + attributionMaxTokens);
        }
    }

    /**
     * Stand-in settings used only to keep validating prompt files when site.yaml is missing or broken
     * (the load fails anyway, but the prompts' own problems are still reported).
     */
    static SiteSettings fallback() {
        return new SiteSettings(Map.of(), DEFAULT_MODEL, List.of(0.0, 0.3, 0.8, 1.2, 2.0), 16, 0, 1.0, 0,
                List.of("en", "zh"), null);
    }
}
