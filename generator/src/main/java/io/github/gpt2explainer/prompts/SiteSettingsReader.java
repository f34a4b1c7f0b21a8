package io.github.gpt2explainer.prompts;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Reads and checks {@code prompts/site.yaml}. */
final class SiteSettingsReader {

    static final List<String> KEYS =
            List.of("title", "model", "languages", "temperatures", "max_new_tokens", "top_k", "top_p", "seed",
                    "attribution_max_tokens", "handouts");

    private static final Pattern MODEL_ID = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)?");

    private SiteSettingsReader() {
    }

    /** The settings, or null if the file has problems (all of them added to {@code problems}). */
    static SiteSettings read(Path file, List<Problem> problems) {
        int before = problems.size();
        String content = TextFiles.read(file, problems);
        if (content == null) {
            return null;
        }
        LocatedYaml yaml = LocatedYaml.parse(content, file, 1, problems);
        if (yaml == null) {
            return null;
        }
        if (yaml.root() == null || !yaml.root().isObject()) {
            problems.add(new Problem(file, 1, yaml.root() == null ? "site.yaml is empty"
                    : "site.yaml must be a mapping of keys to values, found " + Fields.describe(yaml.root())));
            return null;
        }
        Fields f = new Fields(file, yaml, 1, problems);
        f.rejectUnknownKeys(KEYS);

        List<String> languages = f.optionalWordList("languages", Fields.LANGUAGE_CODE,
                "must be a lowercase language code such as en or zh");
        if (!f.has("languages")) {
            f.problem("languages", "missing required key 'languages' (for example [en, zh])");
        } else if (languages != null && languages.isEmpty()) {
            f.problem("languages", "'languages' must name at least one language");
            languages = null;
        }

        Map<String, String> title = f.optionalLocalized("title",
                languages != null ? languages : SiteSettings.fallback().languages());
        if (!f.has("title")) {
            f.problem("title", "missing required key 'title'");
        } else if (title != null && languages != null) {
            for (String language : languages) {
                if (!title.containsKey(language)) {
                    f.problem("title", "missing title for language '" + language + "'");
                }
            }
        }

        String model = f.optionalString("model");
        if (model != null && !MODEL_ID.matcher(model).matches()) {
            f.problem("model", "'model' must be a Hugging Face model id such as " + SiteSettings.DEFAULT_MODEL
                    + ", found \"" + model + "\"");
        }
        List<Double> temperatures = f.optionalTemperatures("temperatures");
        if (!f.has("temperatures")) {
            f.problem("temperatures", "missing required key 'temperatures' (for example [0, 0.3, 0.8, 1.2, 2.0])");
        }
        Integer maxNewTokens = f.optionalInt("max_new_tokens", 1, PromptFileReader.MAX_NEW_TOKENS,
                PromptFileReader.MAX_NEW_TOKENS_RULE);
        if (!f.has("max_new_tokens")) {
            f.problem("max_new_tokens", "missing required key 'max_new_tokens'");
        }
        Integer topK = f.optionalInt("top_k", 1, Integer.MAX_VALUE, PromptFileReader.TOP_K_RULE);
        Double topP = f.optionalNumber("top_p", p -> p > 0 && p <= 1, PromptFileReader.TOP_P_RULE);
        Long seed = f.optionalLong("seed", PromptFileReader.SEED_RULE);
        if (!f.has("seed")) {
            f.problem("seed", "missing required key 'seed'");
        }
        Integer attributionMaxTokens = f.optionalInt("attribution_max_tokens", 0, Integer.MAX_VALUE,
                "must be a whole number >= 0: the longest prompt, in tokens, whose input attribution is computed "
                        + "(0 = none; leave the key out for every prompt)");

        SiteSettings.Handouts handouts = SiteSettings.Handouts.COMPACT;
        String handoutsValue = f.optionalString("handouts");
        if (handoutsValue != null) {
            switch (handoutsValue) {
                case "compact" -> handouts = SiteSettings.Handouts.COMPACT;
                case "full" -> handouts = SiteSettings.Handouts.FULL;
                default -> f.problem("handouts", "'handouts' must be compact (the default: every view's data but the"
                        + " per-layer detail) or full (every data file), found \"" + handoutsValue + "\"");
            }
        }

        if (problems.size() > before) {
            return null;
        }
        return new SiteSettings(title, model != null ? model : SiteSettings.DEFAULT_MODEL, temperatures,
                maxNewTokens, topK != null ? topK : 0, topP != null ? topP : 1.0, seed, languages, file,
                attributionMaxTokens != null ? attributionMaxTokens : SiteSettings.ATTRIBUTION_UNLIMITED, handouts);
    }
}
