package io.github.gpt2explainer.site;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The UI strings of every site language, from {@code i18n/<lang>.properties} (UTF-8) in the templates.
 * The same strings reach Freemarker (as {@code t}) and JavaScript (as {@code assets/i18n/<lang>.js}), so no
 * UI text lives in code or templates. Every language must define exactly the keys of the first one.
 */
public final class Messages {

    private final Map<String, SortedMap<String, String>> byLanguage;

    private Messages(Map<String, SortedMap<String, String>> byLanguage) {
        this.byLanguage = byLanguage;
    }

    /**
     * Reads {@code <dir>/<lang>.properties} for each language.
     *
     * @throws SiteRenderException naming the file when one is missing, unreadable or has different keys
     */
    public static Messages load(Path dir, List<String> languages) {
        Map<String, SortedMap<String, String>> all = new TreeMap<>();
        for (String language : languages) {
            Path file = dir.resolve(language + ".properties");
            if (!Files.isRegularFile(file)) {
                throw new SiteRenderException(file + ": missing; every site language needs its UI strings");
            }
            Properties p = new Properties();
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(in);
            } catch (IOException | IllegalArgumentException e) {
                throw new SiteRenderException(file + ": cannot read UI strings: " + e.getMessage(), e);
            }
            SortedMap<String, String> strings = new TreeMap<>();
            p.stringPropertyNames().forEach(k -> strings.put(k, p.getProperty(k)));
            all.put(language, Collections.unmodifiableSortedMap(strings));
        }
        String first = languages.get(0);
        for (String language : languages) {
            TreeSet<String> missing = new TreeSet<>(all.get(first).keySet());
            missing.removeAll(all.get(language).keySet());
            TreeSet<String> extra = new TreeSet<>(all.get(language).keySet());
            extra.removeAll(all.get(first).keySet());
            if (!missing.isEmpty() || !extra.isEmpty()) {
                List<String> problems = new ArrayList<>();
                if (!missing.isEmpty()) {
                    problems.add("missing " + String.join(", ", missing));
                }
                if (!extra.isEmpty()) {
                    problems.add("not in " + first + ".properties: " + String.join(", ", extra));
                }
                throw new SiteRenderException(dir.resolve(language + ".properties") + ": " + String.join("; ", problems));
            }
        }
        return new Messages(all);
    }

    /** Every string of {@code language}, sorted by key. */
    public SortedMap<String, String> strings(String language) {
        SortedMap<String, String> s = byLanguage.get(language);
        if (s == null) {
            throw new IllegalArgumentException("no UI strings for language " + language);
        }
        return s;
    }

    /** {@code assets/i18n/<lang>.js}: the strings for the browser. */
    public String script(String language) {
        return "GPT2X.receiveStrings(" + DataCodec.json(language) + ", " + DataCodec.json(strings(language)) + ");\n";
    }
}
