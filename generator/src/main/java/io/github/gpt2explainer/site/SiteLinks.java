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
 * A link naming a prompt or chapter the site does not have is an error naming the Markdown file, so a
 * renamed prompt cannot leave a dead link behind.
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
    private static final Pattern FRAGMENT = Pattern.compile("(#[A-Za-z0-9=&._%+\\-]*)?");

    public SiteLinks {
        promptIds = Set.copyOf(promptIds);
        chapterSlugs = Set.copyOf(chapterSlugs);
    }

    /** True for the site-internal forms this class resolves. */
    public static boolean isSiteLink(String url) {
        return url.startsWith(PROMPT) || url.startsWith(CHAPTER) || url.startsWith(COMPARE);
    }

    /**
     * The relative URL of a site-internal link.
     *
     * @throws SiteRenderException naming {@link #source()} when the target does not exist or the fragment
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
                throw new SiteRenderException(source + ": link '" + url + "' names prompt '" + id
                        + "', which is not in the prompt set (prompts: " + String.join(", ", new TreeSet<>(promptIds))
                        + "); fix the link or add the prompt");
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
