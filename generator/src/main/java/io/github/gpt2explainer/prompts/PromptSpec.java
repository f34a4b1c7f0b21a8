package io.github.gpt2explainer.prompts;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One prompt file exactly as written: generation settings the file does not give are null here and are
 * filled from {@link SiteSettings} only by {@link #effective(SiteSettings)}.
 *
 * @param id            the URL-safe id, equal to the file name without {@code .md}
 * @param text          the prompt fed to the model, verbatim
 * @param titles        title per language (display order of the site languages)
 * @param notes         raw Markdown note per language: what to look at in this example
 * @param temperatures  null = site default
 * @param maxNewTokens  null = site default
 * @param seed          null = site seed
 * @param topK          null = site default; otherwise {@code >= 1}
 * @param topP          null = site default; otherwise in (0, 1]
 * @param language      language of {@code text}, null = {@code en}
 * @param tags          free labels (possibly empty)
 * @param source        the file read
 * @param textLine      line of the {@code text} key in {@code source}, for later problems (context length)
 */
public record PromptSpec(String id, String text, Map<String, String> titles, Map<String, String> notes,
                         List<Double> temperatures, Integer maxNewTokens, Long seed, Integer topK, Double topP,
                         String language, List<String> tags, Path source, int textLine) {

    /** The language of a prompt's text when the file does not say. */
    public static final String DEFAULT_LANGUAGE = "en";

    public PromptSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(source, "source");
        titles = Collections.unmodifiableMap(new LinkedHashMap<>(titles));
        notes = Collections.unmodifiableMap(new LinkedHashMap<>(notes));
        temperatures = temperatures == null ? null : List.copyOf(temperatures);
        tags = List.copyOf(tags);
    }

    /** The title in {@code language}, or null if there is none. */
    public String title(String language) {
        return titles.get(language);
    }

    /** The raw Markdown note in {@code language}, or null if there is none. */
    public String note(String language) {
        return notes.get(language);
    }

    /** This prompt with the site's defaults applied to everything it leaves unset. */
    public EffectivePrompt effective(SiteSettings site) {
        return new EffectivePrompt(this, site.model(),
                temperatures != null ? temperatures : site.temperatures(),
                maxNewTokens != null ? maxNewTokens : site.maxNewTokens(),
                seed != null ? seed : site.seed(),
                topK != null ? topK : site.topK(),
                topP != null ? topP : site.topP(),
                language != null ? language : DEFAULT_LANGUAGE,
                site.attributionMaxTokens());
    }
}
