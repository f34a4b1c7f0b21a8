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
 * @param source         the Markdown file, for error messages
 * @param root           relative path from the page to the site root ("", "../", ...)
 * @param languagePrefix the directory of the page's language ("" or "zh/")
 * @param promptIds      every prompt of the site
 * @param chapterSlugs   every chapter of the site
 */
public record SiteLinks(String source, String root, String languagePrefix, Set<String> promptIds,
                        Set<String> chapterSlugs) {

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
        int hash = url.indexOf('#');
        String target = hash < 0 ? url : url.substring(0, hash);
        String fragment = hash < 0 ? "" : url.substring(hash);
        if (!FRAGMENT.matcher(fragment).matches()) {
            throw new SiteRenderException(source + ": link '" + url + "': the part after '#' may only hold"
                    + " key=value pairs joined by '&' (letters, digits, '.', '_', '-', '%', '+')");
        }
        if (target.startsWith(PROMPT)) {
            String id = target.substring(PROMPT.length());
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
            return root + languagePrefix + SiteLayout.COMPARE_PAGE + fragment;
        }
        throw new SiteRenderException(source + ": link '" + url + "': expected prompt:<id>, chapter:<slug> or compare:");
    }
}
