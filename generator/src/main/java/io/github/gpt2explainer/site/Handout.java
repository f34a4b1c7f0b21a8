package io.github.gpt2explainer.site;

import io.github.gpt2explainer.prompts.SiteSettings.Handouts;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A prompt page as one self-contained HTML file ({@code handouts/<id>.html}): the layout, in handout mode,
 * asks this object for the text of every stylesheet and script instead of linking them, and lists the
 * prompt's data files to inline (each a {@code GPT2X.receive(...)} call, so {@code GPT2X.require} finds the
 * data already there). {@link #seal} then replaces {@link #CSP_PLACEHOLDER} with a policy that allows
 * exactly the inline blocks of the file by their SHA-256 hashes, and nothing from anywhere else.
 *
 * <p>Public because Freemarker calls it: {@code handout.script(src)}, {@code handout.css(href)},
 * {@code handout.data}, {@code handout.omitted}.
 */
public final class Handout {

    /** With {@code handouts: full}, above this many bytes of data the per-layer detail files (layer-l.js) are left out. */
    static final long BUDGET_BYTES = 20_000_000L;

    static final String CSP_PLACEHOLDER = "@@GPT2X-HANDOUT-CSP@@";

    private static final Pattern INLINE_OPENING = Pattern.compile("<(script|style)(\\s+media=\"print\")?>");

    private final Map<String, byte[]> files;
    private final List<String> data;
    private final boolean omitted;

    /**
     * @param files   every file the handout may inline, by site path (assets, vendor, i18n, the prompt's data)
     * @param data    site paths of the data files to inline after the main data, in order
     * @param omitted true when per-layer detail was left out to respect {@link #BUDGET_BYTES}
     */
    Handout(Map<String, byte[]> files, List<String> data, boolean omitted) {
        this.files = files;
        this.data = List.copyOf(data);
        this.omitted = omitted;
    }

    /**
     * Which of a prompt's lazily loaded data files go into its handout. {@link Handouts#COMPACT}: all but the
     * per-layer detail ({@code layer-<l>.js}), which the full site holds once; {@link Handouts#FULL}: all of
     * them when they fit {@link #BUDGET_BYTES}, otherwise the same as compact.
     */
    static Handout forPrompt(Map<String, byte[]> shared, Map<String, String> promptData, String mainData,
                             Handouts content) {
        return forPrompt(shared, promptData, mainData, content == Handouts.COMPACT ? -1 : BUDGET_BYTES);
    }

    /** As above with a data budget in bytes: over it, the per-layer detail is left out (a negative budget: always). */
    static Handout forPrompt(Map<String, byte[]> shared, Map<String, String> promptData, String mainData, long budget) {
        Map<String, byte[]> files = new java.util.HashMap<>(shared);
        long total = shared.values().stream().mapToLong(b -> b.length).sum();
        List<String> lazy = new ArrayList<>();
        for (Map.Entry<String, String> d : promptData.entrySet()) {
            byte[] bytes = d.getValue().getBytes(StandardCharsets.UTF_8);
            files.put(d.getKey(), bytes);
            total += bytes.length;
            if (!d.getKey().equals(mainData)) {
                lazy.add(d.getKey());
            }
        }
        boolean omit = total > budget;
        if (omit) {
            lazy.removeIf(Handout::isLayerDetail);
            files.keySet().removeIf(Handout::isLayerDetail);
        }
        return new Handout(files, lazy, omit);
    }

    private static boolean isLayerDetail(String path) {
        return path.matches(".*/layer-\\d+\\.js");
    }

    public List<String> getData() {
        return data;
    }

    public boolean isOmitted() {
        return omitted;
    }

    /** The text of a script, ready to sit between {@code <script>} and {@code </script>}. */
    public String script(String src) {
        return safeInScript(text(src), src);
    }

    /** The text of a stylesheet, ready to sit between {@code <style>} and {@code </style>}. */
    public String css(String href) {
        String css = text(href);
        if (css.toLowerCase(java.util.Locale.ROOT).contains("</style")) {
            throw new SiteRenderException("stylesheet " + href + " contains '</style' and cannot be inlined in a handout");
        }
        return css;
    }

    private String text(String ref) {
        String path = ref.replaceFirst("^(\\.\\./)+", "");
        byte[] bytes = files.get(path);
        if (bytes == null) {
            throw new SiteRenderException("the handout needs " + path + " (from " + ref + "), which the site does not have");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * Script text cannot contain {@code </script} or {@code <!--} (the HTML parser would end the element or
     * enter an escaped state). Both only occur inside string or regular-expression literals, where {@code <\/}
     * and {@code <\!--} mean the same characters.
     */
    static String safeInScript(String js, String what) {
        // a scan, not a regular expression: every handout inlines D3 and the site's scripts (about 1 MB of text)
        StringBuilder out = null;
        int copied = 0;
        for (int at = js.indexOf("</"); at >= 0; at = js.indexOf("</", at + 2)) {
            if (startsWithAsciiIgnoreCase(js, at + 2, "script")) {
                out = out == null ? new StringBuilder(js.length() + 64) : out;
                out.append(js, copied, at + 1).append('\\'); // "<" + "\" + "/script": the parser sees no end tag
                copied = at + 1;
            }
        }
        String escaped = (out == null ? js : out.append(js, copied, js.length()).toString()).replace("<!--", "<\\!--");
        if (escaped.toLowerCase(java.util.Locale.ROOT).contains("</script")) {
            throw new SiteRenderException("cannot inline " + what + " into a handout");
        }
        return escaped;
    }

    /** Whether {@code text} has {@code lower} (lower-case ASCII) at {@code at}, in any ASCII case, as HTML tag names match. */
    private static boolean startsWithAsciiIgnoreCase(String text, int at, String lower) {
        if (at + lower.length() > text.length()) {
            return false;
        }
        for (int i = 0; i < lower.length(); i++) {
            char c = text.charAt(at + i);
            if ((c >= 'A' && c <= 'Z' ? (char) (c + 32) : c) != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Replaces the policy placeholder with one that allows exactly this file's inline scripts and styles
     * (by hash), data: images, and nothing else: no network, no other file.
     */
    private static final Pattern SITE_LINK = Pattern.compile("<a href=\"(?!https://|#)[^\"]*\">(.*?)</a>", Pattern.DOTALL);

    /**
     * Markdown rendered for the site (prompt notes) with its links to other site pages (prompt:, chapter:,
     * compare:) reduced to their text: a handout is one file and may not point at files beside it.
     */
    static String withoutSiteLinks(String html) {
        return html == null ? null : SITE_LINK.matcher(html).replaceAll("$1");
    }

    static String seal(String html) {
        if (!html.contains(CSP_PLACEHOLDER)) {
            throw new SiteRenderException("the handout page has no " + CSP_PLACEHOLDER + " in its policy (layout.ftlh)");
        }
        Set<String> scripts = new LinkedHashSet<>();
        Set<String> styles = new LinkedHashSet<>();
        Matcher open = INLINE_OPENING.matcher(html);
        for (int from = 0; open.find(from); ) {
            // the element's text runs to the first closing tag of its kind (found by indexOf: a lazy ".*?" up to
            // it, over a page of a megabyte or more, cost the build about half a second)
            int close = html.indexOf("</" + open.group(1) + ">", open.end());
            if (close < 0) {
                from = open.start() + 1;
                continue;
            }
            String hash = "'sha256-" + sha256(html.substring(open.end(), close)) + "'";
            (open.group(1).equals("script") ? scripts : styles).add(hash);
            from = close + open.group(1).length() + 3;
        }
        String policy = "default-src 'none'; script-src " + String.join(" ", scripts) + "; style-src "
                + String.join(" ", styles) + "; img-src data:; connect-src 'none'; object-src 'none'; base-uri 'none';"
                + " form-action 'none'";
        return html.replace(CSP_PLACEHOLDER, policy);
    }

    private static String sha256(String text) {
        try {
            return Base64.getEncoder().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
