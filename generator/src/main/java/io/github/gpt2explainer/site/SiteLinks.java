package io.github.gpt2explainer.site;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The site-internal link forms of the explainer Markdown, resolved to relative URLs as seen from one page:
 * <ul>
 *   <li>{@code prompt:<id>#<state>} -> that prompt's page in the page's language, e.g.
 *       {@code prompt:eiffel-tower#view=attention&layer=5&head=1} -> {@code ../p/eiffel-tower.html#view=...}</li>
 *   <li>{@code chapter:<slug>} -> that explainer chapter</li>
 *   <li>{@code compare:#<state>} -> the comparison page</li>
 * </ul>
 * A link naming a chapter the site does not have, or a malformed state hash, is an error naming the
 * Markdown file. A link naming a prompt that is not in this prompt set resolves to null: the chapters link
 * into the curated prompts, and a lecturer's own prompt set must still build, so such a link is shown as
 * plain text (the renderer lists those links in its report).
 *
 * <p>With a model's shape ({@code layers}, {@code heads} above 0, as for the chapters, which must fit every
 * model), a {@code layer=} or {@code head=} in a prompt link's state that the model does not have is an error
 * naming the file and line: the prompt page would otherwise clamp it silently to the last layer. Prompt notes
 * are written for one model and are not checked (0, 0).
 *
 * @param source         the Markdown file, for error messages
 * @param root           relative path from the page to the site root ("", "../", ...)
 * @param languagePrefix the directory of the page's language ("" or "zh/")
 * @param promptIds      every prompt of the site
 * @param chapterSlugs   every chapter of the site
 * @param layers         the model's layers, to check {@code layer=} against (0: not checked)
 * @param heads          the model's heads per layer, to check {@code head=} against (0: not checked)
 */
public record SiteLinks(String source, String root, String languagePrefix, Set<String> promptIds,
                        Set<String> chapterSlugs, int layers, int heads) {

    public static final String PROMPT = "prompt:";
    public static final String CHAPTER = "chapter:";
    public static final String COMPARE = "compare:";

    /** What may follow '#': the router's key=value pairs (no quotes, no angle brackets, no spaces). */
    /** A {@code prompt:} link target in Markdown: inline {@code ](prompt:id} or a reference {@code ]: prompt:id}. */
    private static final Pattern PROMPT_LINK = Pattern.compile("(?:\\]\\(|\\]:\\s*)prompt:([a-z0-9-]+)");
    private static final Pattern FRAGMENT = Pattern.compile("(#[A-Za-z0-9=&._%+\\-]*)?");

    public SiteLinks {
        promptIds = Set.copyOf(promptIds);
        chapterSlugs = Set.copyOf(chapterSlugs);
    }

    /** Links whose layer and head numbers are not checked (prompt notes, written for one model). */
    public SiteLinks(String source, String root, String languagePrefix, Set<String> promptIds, Set<String> chapterSlugs) {
        this(source, root, languagePrefix, promptIds, chapterSlugs, 0, 0);
    }

    /** True for the site-internal forms this class resolves. */
    public static boolean isSiteLink(String url) {
        return url.startsWith(PROMPT) || url.startsWith(CHAPTER) || url.startsWith(COMPARE);
    }

    /** The ids named by {@code prompt:} links in {@code markdown} that are not in this prompt set, sorted. */
    public Set<String> missingPrompts(String markdown) {
        Set<String> missing = new TreeSet<>();
        java.util.regex.Matcher m = PROMPT_LINK.matcher(markdown);
        while (m.find()) {
            if (!promptIds.contains(m.group(1))) {
                missing.add(m.group(1));
            }
        }
        return missing;
    }

    /**
     * The relative URL of a site-internal link, or null for a prompt that is not in this prompt set.
     *
     * @throws SiteRenderException naming {@link #source()} when a chapter does not exist or the fragment
     *                             holds characters a state hash never has
     */
    public String resolve(String url) {
        return resolve(url, 0);
    }

    /**
     * As {@link #resolve(String)}, for a link on {@code line} of the Markdown, which errors name when the shape is
     * checked (the chapters are rendered with their file's line numbering; a prompt note is not, so its errors
     * name the file only).
     *
     * @throws ProseException when the link names a layer or head the model does not have
     */
    public String resolve(String url, int line) {
        String source = line > 0 && layers > 0 ? this.source + ":" + line : this.source;
        int hash = url.indexOf('#');
        String target = hash < 0 ? url : url.substring(0, hash);
        String fragment = hash < 0 ? "" : url.substring(hash);
        if (!FRAGMENT.matcher(fragment).matches()) {
            throw new SiteRenderException(source + ": link '" + url + "': the part after '#' may only hold"
                    + " key=value pairs joined by '&' (letters, digits, '.', '_', '-', '%', '+')");
        }
        if (target.startsWith(PROMPT)) {
            String id = target.substring(PROMPT.length());
            checkShape(url, fragment, line);
            if (!promptIds.contains(id)) {
                return null;
            }
            return root + languagePrefix + "p/" + id + ".html" + fragment;
        }
        if (target.startsWith(CHAPTER)) {
            String slug = target.substring(CHAPTER.length());
            if (!chapterSlugs.contains(slug)) {
                throw new SiteRenderException(source + ": link '" + url + "' names chapter '" + slug
                        + "', which does not exist (chapters: " + String.join(", ", new TreeSet<>(chapterSlugs)) + ")");
            }
            return root + languagePrefix + SiteLayout.CHAPTERS + slug + ".html" + fragment;
        }
        if (target.equals(COMPARE)) {
            checkShape(url, fragment, line);
            return root + languagePrefix + SiteLayout.COMPARE_PAGE + fragment;
        }
        throw new SiteRenderException(source + ": link '" + url + "': expected prompt:<id>, chapter:<slug> or compare:");
    }

    /** A layer or head in the state that the model lacks fails the build (with layers 0 nothing is checked). */
    private void checkShape(String url, String fragment, int line) {
        if (layers <= 0) {
            return;
        }
        for (String pair : fragment.replaceFirst("^#", "").split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            int limit = key.equals("layer") ? layers : key.equals("head") ? heads : -1;
            if (limit < 0) {
                continue;
            }
            int n;
            try {
                n = Integer.parseInt(value);
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 0 || n >= limit) {
                throw new ProseException(this.source, line, "link '" + url + "' names " + key + " " + value
                        + ", but the model has " + limit + " " + key + "s (0 to " + (limit - 1) + "); use a placeholder"
                        + " such as {{model.last" + (key.equals("layer") ? "Layer" : "Head") + "}} for a number that"
                        + " depends on the model");
            }
        }
    }
}
