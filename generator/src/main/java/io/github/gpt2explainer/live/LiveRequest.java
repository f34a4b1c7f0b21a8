package io.github.gpt2explainer.live;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.gpt2explainer.prompts.SiteSettings;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * What a reader asked the live explainer for: the prompt text and the settings they chose (null = the site's).
 * Numbers are parsed here, so the prompt file made from a request ({@link #promptFile}) holds only checked
 * numbers and JSON-quoted text; the ranges are then checked by the same code that checks every prompt file.
 *
 * @param text          the prompt, verbatim
 * @param id            the prompt id; it feeds the run seeds, so the same id and settings give the same tokens
 * @param temperatures  null = the site's
 * @param topK          null = the site's
 * @param topP          null = the site's
 * @param maxNewTokens  null = the site's
 * @param language      the page language the reader came from, or null
 */
public record LiveRequest(String text, String id, List<Double> temperatures, Integer topK, Double topP,
                          Integer maxNewTokens, String language) {

    /** The largest form or query the live explainer reads, in bytes. */
    public static final int MAX_BYTES = 64 * 1024;

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,3}(-[a-z0-9]{2,8})*");
    private static final ObjectMapper JSON = new ObjectMapper();

    public LiveRequest {
        temperatures = temperatures == null ? null : List.copyOf(temperatures);
    }

    /**
     * Reads a request from form fields or a query: {@code prompt}, and optionally {@code temperatures} ("0, 0.8"),
     * {@code top_k}, {@code top_p}, {@code max_new_tokens}, {@code id}, {@code lang}. Empty fields mean "the site's".
     *
     * @throws LiveInputException naming the field and what it should be
     */
    public static LiveRequest fromForm(Map<String, String> form) {
        String text = form.get("prompt");
        if (text == null || text.isEmpty()) {
            throw new LiveInputException("the prompt is empty: type the text the model should continue");
        }
        String id = blankToNull(form.get("id"));
        if (id == null) {
            id = idFor(text);
        } else if (!ID.matcher(id).matches()) {
            throw new LiveInputException("the id \"" + id + "\" may use only lowercase letters a-z, digits and '-' "
                    + "(not first), at most 64 characters, because it becomes part of a URL");
        }
        String language = blankToNull(form.get("lang"));
        if (language != null && !LANGUAGE.matcher(language).matches()) {
            language = null; // only chooses the page's language; an odd value falls back to the site's first
        }
        return new LiveRequest(text, id, temperatures(form.get("temperatures")), whole(form, "top_k"),
                number(form, "top_p"), whole(form, "max_new_tokens"), language);
    }

    /** Form fields or a query string ({@code a=1&b=2}, UTF-8 percent-encoding), first value of each name. */
    public static Map<String, String> decodeForm(String encoded) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return fields;
        }
        for (String pair : encoded.split("&")) {
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            fields.putIfAbsent(name, value);
        }
        return fields;
    }

    private static String decode(String part) {
        try {
            return URLDecoder.decode(part, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new LiveInputException("the request is not properly percent-encoded");
        }
    }

    /**
     * The id a prompt gets when the reader names none: its first words as a slug ("the-eiffel-tower-is"), else
     * (text without Latin letters or digits) "prompt-" and 8 hex digits of its SHA-256. Depends only on the text,
     * so the same text gives the same id, hence the same seeds and tokens.
     */
    static String idFor(String text) {
        List<String> kept = new ArrayList<>();
        int length = 0;
        for (String word : text.toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
            if (word.isEmpty()) {
                continue;
            }
            if (kept.size() == 6 || length + word.length() > 40) {
                break;
            }
            kept.add(word);
            length += word.length() + 1;
        }
        String slug = String.join("-", kept);
        if (!slug.isEmpty()) {
            return slug;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return "prompt-" + HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** The shareable query of this request: the same query gives the same page. */
    public String query() {
        StringJoiner q = new StringJoiner("&");
        q.add("prompt=" + encode(text));
        if (temperatures != null) {
            q.add("temperatures=" + encode(String.join(",", temperatures.stream().map(LiveRequest::plain).toList())));
        }
        if (topK != null) {
            q.add("top_k=" + topK);
        }
        if (topP != null) {
            q.add("top_p=" + plain(topP));
        }
        if (maxNewTokens != null) {
            q.add("max_new_tokens=" + maxNewTokens);
        }
        q.add("id=" + encode(id));
        if (language != null) {
            q.add("lang=" + encode(language));
        }
        return q.toString();
    }

    /**
     * The prompt file of this request: front matter (the text as its title too) and, for each site language, a
     * note section with one line to replace (a prompt file needs a non-empty note per language).
     */
    public String promptFile(SiteSettings site) {
        StringBuilder md = new StringBuilder("---\n");
        md.append("id: ").append(id).append('\n');
        md.append("text: ").append(quoted(text)).append('\n');
        md.append("title:\n");
        for (String language : site.languages()) {
            md.append("  ").append(language).append(": ").append(quoted(title())).append('\n');
        }
        if (temperatures != null) {
            md.append("temperatures: [").append(String.join(", ", temperatures.stream().map(LiveRequest::plain).toList()))
                    .append("]\n");
        }
        if (maxNewTokens != null) {
            md.append("max_new_tokens: ").append(maxNewTokens).append('\n');
        }
        if (topK != null) {
            md.append("top_k: ").append(topK).append('\n');
        }
        if (topP != null) {
            md.append("top_p: ").append(plain(topP)).append('\n');
        }
        md.append("---\n");
        for (String language : site.languages()) {
            md.append("<!-- lang: ").append(language).append(" -->\n").append(placeholderNote(language)).append("\n\n");
        }
        return md.toString();
    }

    /** The title a kept prompt starts with: its text, shortened, on one line. */
    String title() {
        String oneLine = text.strip().replaceAll("\\s+", " ");
        if (oneLine.isEmpty()) {
            return id;
        }
        return oneLine.codePointCount(0, oneLine.length()) <= 60 ? oneLine
                : oneLine.substring(0, oneLine.offsetByCodePoints(0, 57)) + "...";
    }

    private static String placeholderNote(String language) {
        return language.startsWith("zh") ? "- 待写：这个例子里要看什么（哪一层、哪个注意力头、哪个概率）。"
                : "- To write: what to look at in this example (a layer, a head, a probability).";
    }

    private static String quoted(String s) {
        try {
            return JSON.writeValueAsString(s); // a JSON string is a YAML double-quoted scalar
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String plain(double d) {
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    private static List<Double> temperatures(String field) {
        String value = blankToNull(field);
        if (value == null) {
            return null;
        }
        List<Double> list = new ArrayList<>();
        for (String part : value.split("[,\\s]+")) {
            if (part.isEmpty()) {
                continue;
            }
            try {
                double t = Double.parseDouble(part);
                if (!Double.isFinite(t)) {
                    throw new NumberFormatException();
                }
                list.add(t);
            } catch (NumberFormatException e) {
                throw new LiveInputException("temperatures: \"" + part + "\" is not a number; give numbers "
                        + "separated by commas, such as 0, 0.8, 1.2");
            }
        }
        return list.isEmpty() ? null : list;
    }

    private static Integer whole(Map<String, String> form, String name) {
        String value = blankToNull(form.get(name));
        if (value == null) {
            return null;
        }
        try {
            return Integer.valueOf(value);
        } catch (NumberFormatException e) {
            throw new LiveInputException(name + ": \"" + value + "\" is not a whole number");
        }
    }

    private static Double number(Map<String, String> form, String name) {
        String value = blankToNull(form.get(name));
        if (value == null) {
            return null;
        }
        try {
            double d = Double.parseDouble(value);
            if (!Double.isFinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new LiveInputException(name + ": \"" + value + "\" is not a number");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
