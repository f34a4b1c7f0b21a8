package io.github.gpt2explainer.site;

import java.util.List;

/**
 * Where every file of the site lives. The first site language is at the root ({@code index.html},
 * {@code about.html}, {@code p/<id>.html}); every other language has the same tree under its code
 * ({@code zh/index.html}, ...). Data and assets are shared by all languages. Every link in the site is
 * relative, so it works under a GitHub Pages sub-path and from {@code file://}.
 */
public final class SiteLayout {

    public static final String ASSETS = "assets/";
    public static final String VENDOR = "assets/vendor/";
    /** The explainer chapters of a language, under its prefix. */
    public static final String CHAPTERS = "chapters/";
    /** The cross-prompt comparison page, under each language's prefix. */
    public static final String COMPARE_PAGE = "compare.html";
    /** The "meet the heads" model page, under each language's prefix. */
    public static final String HEADS_PAGE = "heads.html";

    private final List<String> languages;

    public SiteLayout(List<String> languages) {
        if (languages.isEmpty()) {
            throw new IllegalArgumentException("the site needs at least one language");
        }
        this.languages = List.copyOf(languages);
    }

    public List<String> languages() {
        return languages;
    }

    public String defaultLanguage() {
        return languages.get(0);
    }

    /** The directory prefix of a language's pages: "" for the first language, "zh/" for the others. */
    public String languagePrefix(String language) {
        return language.equals(defaultLanguage()) ? "" : language + "/";
    }

    public String indexPage(String language) {
        return languagePrefix(language) + "index.html";
    }

    public String aboutPage(String language) {
        return languagePrefix(language) + "about.html";
    }

    public String promptPage(String language, String promptId) {
        return languagePrefix(language) + "p/" + promptId + ".html";
    }

    /** The chapter list of a language. */
    public String chapterIndex(String language) {
        return languagePrefix(language) + CHAPTERS + "index.html";
    }

    public String chapterPage(String language, String slug) {
        return languagePrefix(language) + CHAPTERS + slug + ".html";
    }

    public String comparePage(String language) {
        return languagePrefix(language) + COMPARE_PAGE;
    }

    /** The "meet the heads" model page: every head's score on the role probes. */
    public String headsPage(String language) {
        return languagePrefix(language) + HEADS_PAGE;
    }

    /** Prompts, their tokens, and the tokens shared between prompts (with per-occurrence lens and norms). */
    public static String compareIndexData() {
        return "data/compare/index.js";
    }

    /** The attention weights (softmax) of every head of layer l, for every prompt. */
    public static String compareAttentionData(int layer) {
        return "data/compare/attn-" + layer + ".js";
    }

    /** The prompt page as one self-contained file (styles, scripts and data inlined), for sharing and offline use. */
    public String handoutPage(String language, String promptId) {
        return languagePrefix(language) + "handouts/" + promptId + ".html";
    }

    /** Tokens, final-position logits, generations, logit lens: loaded with the page. */
    public static String mainData(String promptId) {
        return "data/" + promptId + "/main.js";
    }

    /** Scores, scaled, masked and softmax of every head of one layer: loaded when the attention view needs it. */
    public static String attentionData(String promptId, int layer) {
        return "data/" + promptId + "/attn-" + layer + ".js";
    }

    /** The attention weights of every layer and head, [L, H, T, T]: loaded when the head gallery opens. */
    public static String headsData(String promptId) {
        return "data/" + promptId + "/heads.js";
    }

    /**
     * What decided the prediction: direct logit attribution of the last position's top candidates and input
     * attribution by occlusion ({@link InsightData}).
     */
    public static String insightData(String promptId) {
        return "data/" + promptId + "/insight.js";
    }

    /** Every other intermediate of one layer (ln, q/k/v, heads, projections, MLP, residual stream). */
    public static String layerData(String promptId, int layer) {
        return "data/" + promptId + "/layer-" + layer + ".js";
    }

    /** Model-level intermediates: token and position embeddings, their sum, and the final layer norm output. */
    public static String modelData(String promptId) {
        return "data/" + promptId + "/model.js";
    }

    public static String i18nScript(String language) {
        return ASSETS + "i18n/" + language + ".js";
    }

    /** The relative path from a file at {@code fromPath} to the site root: "" or "../" repeated. */
    public static String rootFrom(String fromPath) {
        int depth = 0;
        for (int i = 0; i < fromPath.length(); i++) {
            if (fromPath.charAt(i) == '/') {
                depth++;
            }
        }
        return "../".repeat(depth);
    }
}
