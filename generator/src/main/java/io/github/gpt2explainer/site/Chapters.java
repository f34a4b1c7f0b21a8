package io.github.gpt2explainer.site;

import io.github.gpt2explainer.model.Gpt2Config;
import io.github.gpt2explainer.prompts.SiteSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The explainer chapters ("the textbook"): {@code prose/<lang>/chapters/NN-<slug>.md}, ordered by NN. Each
 * file starts with a {@code # Title} line; the first paragraph after it is the chapter's summary. Every
 * language must have the same chapters (same numbers and slugs), so the language switcher always lands on
 * the same chapter.
 */
public final class Chapters {

    static final Pattern FILE_NAME = Pattern.compile("(\\d{2})-([a-z0-9][a-z0-9-]*)\\.md");

    /**
     * One chapter in one language.
     *
     * @param number  its position, from the file name
     * @param slug    its page name: {@code chapters/<slug>.html}
     * @param file    where it came from (for error messages)
     * @param title   the text of the leading {@code # } line
     * @param summary the first paragraph after the title (Markdown)
     * @param body    the Markdown after the title line
     * @param bodyLine the line of the file on which the body (and the summary) starts, for error messages
     */
    public record Chapter(int number, String slug, String file, String title, String summary, String body,
                          int bodyLine) {

        /**
         * The body as the site renders it: placeholders filled, and preceded by blank lines so that the Markdown
         * parser's line numbers are the file's (blank lines before the first paragraph change nothing).
         */
        String renderable(ProseValues values) {
            return "\n".repeat(bodyLine - 1) + values.fill(file, bodyLine, body);
        }
    }

    private final List<String> slugs;
    private final Map<String, List<Chapter>> byLanguage;

    private Chapters(List<String> slugs, Map<String, List<Chapter>> byLanguage) {
        this.slugs = slugs;
        this.byLanguage = byLanguage;
    }

    /**
     * Reads the chapters of every language from {@code proseDir/<lang>/chapters/}. A language without that
     * directory has no chapters, which is only allowed when no language has any.
     *
     * @throws SiteRenderException naming the file or directory when a name is malformed, a title is missing,
     *                             or the languages do not have the same chapters
     */
    public static Chapters load(Path proseDir, List<String> languages) {
        Map<String, List<Chapter>> all = new LinkedHashMap<>();
        for (String lang : languages) {
            all.put(lang, read(proseDir.resolve(lang).resolve("chapters")));
        }
        String first = languages.get(0);
        List<String> slugs = fileNames(all.get(first));
        for (String lang : languages) {
            List<String> these = fileNames(all.get(lang));
            if (!these.equals(slugs)) {
                List<String> missing = new ArrayList<>(slugs);
                missing.removeAll(these);
                List<String> extra = new ArrayList<>(these);
                extra.removeAll(slugs);
                throw new SiteRenderException(proseDir.resolve(lang).resolve("chapters") + ": the chapters differ from "
                        + first + "'s (missing: " + names(missing) + "; not in " + first + ": " + names(extra)
                        + "); every language needs the same NN-slug.md files");
            }
        }
        return new Chapters(all.get(first).stream().map(Chapter::slug).toList(), all);
    }

    private static List<String> fileNames(List<Chapter> chapters) {
        return chapters.stream().map(c -> String.format("%02d-%s.md", c.number(), c.slug())).toList();
    }

    private static String names(List<String> files) {
        return files.isEmpty() ? "none" : String.join(", ", files);
    }

    private static List<Chapter> read(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        TreeMap<Integer, Chapter> chapters = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new SiteRenderException(dir + ": cannot list: " + e.getMessage(), e);
        }
        for (Path file : files) {
            String name = file.getFileName().toString();
            if (name.startsWith(".")) {
                continue;
            }
            Matcher m = FILE_NAME.matcher(name);
            if (!m.matches()) {
                throw new SiteRenderException(file + ": a chapter file is named NN-slug.md (two digits, then"
                        + " lower-case letters, digits and '-'), e.g. 04-attention.md");
            }
            Chapter c = parse(file, Integer.parseInt(m.group(1)), m.group(2));
            Chapter earlier = chapters.put(c.number(), c);
            if (earlier != null) {
                throw new SiteRenderException(file + ": chapter number " + m.group(1) + " is also used by " + earlier.file());
            }
        }
        List<Chapter> ordered = new ArrayList<>(chapters.values());
        for (int i = 0; i < ordered.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (ordered.get(i).slug().equals(ordered.get(j).slug())) {
                    throw new SiteRenderException(ordered.get(i).file() + ": slug '" + ordered.get(i).slug()
                            + "' is also used by " + ordered.get(j).file());
                }
            }
        }
        return ordered;
    }

    private static Chapter parse(Path file, int number, String slug) {
        String text;
        try {
            text = Files.readString(file).replace("\r\n", "\n");
        } catch (IOException e) {
            throw new SiteRenderException(file + ": cannot read: " + e.getMessage(), e);
        }
        MarkdownTooDeepException.check(file.toString(), text);
        String stripped = text.stripLeading();
        int titleStart = text.length() - stripped.length();
        if (!stripped.startsWith("# ")) {
            throw new SiteRenderException(file + ": a chapter starts with its title as a '# Title' line; found '"
                    + stripped.lines().findFirst().orElse("") + "'");
        }
        int eol = stripped.indexOf('\n');
        String title = (eol < 0 ? stripped.substring(2) : stripped.substring(2, eol)).strip();
        String body = eol < 0 ? "" : stripped.substring(eol + 1).strip();
        String summary = body.split("\n\\s*\n", 2)[0].strip();
        int bodyStart = eol < 0 ? text.length() : titleStart + eol + 1;
        String afterTitle = text.substring(bodyStart);
        bodyStart += afterTitle.length() - afterTitle.stripLeading().length();
        int bodyLine = 1 + (int) text.substring(0, bodyStart).chars().filter(ch -> ch == '\n').count();
        return new Chapter(number, slug, file.toString(), title, summary, body + "\n", bodyLine);
    }

    /**
     * The same chapters with their titles and summaries filled from {@code values} (bodies are filled when
     * rendered, {@link Chapter#renderable}, so that their errors carry line numbers).
     *
     * @throws ProseException naming file and line for an unknown placeholder in a title or summary
     */
    public Chapters filled(ProseValues values) {
        Map<String, List<Chapter>> all = new LinkedHashMap<>();
        byLanguage.forEach((lang, list) -> all.put(lang, list.stream().map(c -> new Chapter(c.number(), c.slug(),
                c.file(), values.fill(c.file(), 1, c.title()), values.fill(c.file(), c.bodyLine(), c.summary()),
                c.body(), c.bodyLine())).toList()));
        return new Chapters(slugs, all);
    }

    /**
     * What {@code check} can find in the chapters without a model: unknown placeholders and malformed figures, as
     * {@code file:line: message}, for every language directory under {@code proseDir} that has chapters. Layer and
     * head numbers are checked by the build, against the model.
     */
    public static List<String> problemsWithoutModel(Path proseDir) {
        List<String> problems = new ArrayList<>();
        if (!Files.isDirectory(proseDir)) {
            return problems;
        }
        ProseValues any = ProseValues.of(new Gpt2Config(50257, 1024, 768, 12, 12, 1e-5), "model",
                new SiteSettings(Map.of(), SiteSettings.DEFAULT_MODEL, List.of(0.0), 1, 0, 1.0, 0, List.of("en"), null));
        List<Path> languages;
        try (Stream<Path> list = Files.list(proseDir)) {
            languages = list.filter(d -> Files.isDirectory(d.resolve("chapters"))).sorted().toList();
        } catch (IOException e) {
            return List.of(proseDir + ": cannot list: " + e.getMessage());
        }
        for (Path language : languages) {
            try {
                for (Chapter c : read(language.resolve("chapters"))) {
                    try {
                        ChapterFigures.extract(c.file(), c.renderable(any), Integer.MAX_VALUE, Integer.MAX_VALUE, List.of());
                        any.fill(c.file(), 1, c.title());
                    } catch (ProseException e) {
                        problems.add(e.getMessage());
                    }
                }
            } catch (SiteRenderException e) {
                problems.add(e.getMessage());
            }
        }
        return problems;
    }

    /** The slugs, in chapter order (the same for every language). */
    public List<String> slugs() {
        return slugs;
    }

    public boolean isEmpty() {
        return slugs.isEmpty();
    }

    /** The chapters of a language, in order. */
    public List<Chapter> of(String language) {
        List<Chapter> c = byLanguage.get(language);
        if (c == null) {
            throw new IllegalArgumentException("no chapters loaded for language " + language);
        }
        return c;
    }
}
