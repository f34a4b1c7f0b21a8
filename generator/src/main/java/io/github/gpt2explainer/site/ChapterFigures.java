package io.github.gpt2explainer.site;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Live figures in the chapters. A line of its own, with a blank line before and after it,
 * <pre>{{figure view=attention prompt=eiffel-tower layer=0 head=0}}</pre>
 * becomes a {@code <figure class="live-figure">} that assets/js/figures.js fills in the browser with the same
 * view code the prompt page uses, from that prompt's data; its caption names what it shows and links to the
 * same view on the prompt page. The views a figure can show, with the keys each takes:
 * <ul>
 *   <li>{@code tokens}: the prompt's tokens with their ids and bytes</li>
 *   <li>{@code attention}: {@code layer}, {@code head} (default 0), {@code steps=1} for the four stages</li>
 *   <li>{@code embedding}; {@code layernorm} ({@code layer}, {@code ln=1|2}); {@code qkv} ({@code layer},
 *       {@code head}); {@code mlp}, {@code residual} ({@code layer}): the operation views of a block</li>
 *   <li>{@code next-token}: {@code t} (temperature, default 1), {@code k} (top-k, 0 = off), {@code p} (top-p)</li>
 * </ul>
 * {@code layer} and {@code head} take a number or {@code last}. A view, key or value the site does not know, or
 * a layer or head the model does not have, is an error naming the file and line. A prompt not in this prompt set
 * (a lecturer's own set) is replaced by the site's first prompt, and the renderer lists the figures so moved.
 */
final class ChapterFigures {

    private static final Pattern DIRECTIVE = Pattern.compile("\\s*\\{\\{\\s*figure(\\s[^{}]*)?\\}\\}\\s*");
    private static final Pattern PAIR = Pattern.compile("([a-z]+)=([A-Za-z0-9._-]+)");
    private static final Pattern PROMPT_ID = Pattern.compile("[a-z0-9][a-z0-9-]*");
    private static final String MARKER = "GPT2XFIGURE";

    /** The keys each view takes besides view and prompt. */
    static final Map<String, Set<String>> VIEWS = Map.of(
            "tokens", Set.of(),
            "attention", Set.of("layer", "head", "steps"),
            "embedding", Set.of(),
            "layernorm", Set.of("layer", "ln"),
            "qkv", Set.of("layer", "head"),
            "mlp", Set.of("layer"),
            "residual", Set.of("layer"),
            "next-token", Set.of("t", "k", "p"));

    /**
     * One figure.
     *
     * @param view   what it shows (a key of {@link #VIEWS})
     * @param prompt the prompt whose data it draws
     * @param named  the prompt the directive named (differs from {@code prompt} when that one is not in the set)
     * @param state  the view's state with numbers resolved (layer, head, t, ...), in the prompt page's hash keys
     * @param line   the line of the directive
     */
    record Figure(String view, String prompt, String named, Map<String, String> state, int line) {

        /** The prompt page's state hash that shows the same thing: {@code view=attention&layer=0&head=0}. */
        String hash() {
            StringBuilder h = new StringBuilder("view=").append(view);
            state.forEach((k, v) -> h.append('&').append(k).append('=').append(v));
            return h.toString();
        }
    }

    /** The Markdown with each directive replaced by a marker paragraph, and the figures in order. */
    record Extracted(String markdown, List<Figure> figures) {
    }

    private ChapterFigures() {
    }

    /** True for the name part of a {@code {{figure ...}}} placeholder ({@link ProseValues} leaves those alone). */
    static boolean isDirective(String placeholderName) {
        return placeholderName.equals("figure") || placeholderName.startsWith("figure ")
                || placeholderName.startsWith("figure\t");
    }

    /**
     * Finds and checks every figure directive of a chapter.
     *
     * @param file     the chapter file, for errors
     * @param markdown the chapter's Markdown with the file's line numbering (line 1 is the file's first line)
     * @param layers   the model's layers
     * @param heads    the model's heads per layer
     * @param prompts  the prompts of this site, in order (the first stands in for a prompt the set lacks)
     * @throws ProseException naming file and line for a malformed directive or a layer or head out of range
     */
    static Extracted extract(String file, String markdown, int layers, int heads, List<String> prompts) {
        String[] lines = markdown.split("\n", -1);
        List<Figure> figures = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            int line = i + 1;
            Matcher m = DIRECTIVE.matcher(lines[i]);
            if (m.matches()) {
                figures.add(parse(file, line, m.group(1) == null ? "" : m.group(1).strip(), layers, heads, prompts));
                lines[i] = MARKER + (figures.size() - 1);
            } else if (lines[i].matches(".*\\{\\{\\s*figure[\\s}].*")) {
                throw new ProseException(file, line, "a figure directive {{figure ...}} stands alone on its line");
            }
        }
        return new Extracted(String.join("\n", lines), figures);
    }

    private static Figure parse(String file, int line, String args, int layers, int heads, List<String> prompts) {
        Map<String, String> given = new LinkedHashMap<>();
        for (String part : args.isEmpty() ? new String[0] : args.split("\\s+")) {
            Matcher pair = PAIR.matcher(part);
            if (!pair.matches()) {
                throw new ProseException(file, line, "figure: '" + part + "' is not key=value (letters, digits, '.', '_', '-')");
            }
            if (given.put(pair.group(1), pair.group(2)) != null) {
                throw new ProseException(file, line, "figure: '" + pair.group(1) + "' is given twice");
            }
        }
        String view = given.remove("view");
        if (view == null || !VIEWS.containsKey(view)) {
            throw new ProseException(file, line, "figure: view=" + (view == null ? "" : view) + " is not a figure view; use one of "
                    + String.join(", ", new java.util.TreeSet<>(VIEWS.keySet())));
        }
        String named = given.remove("prompt");
        if (named == null || !PROMPT_ID.matcher(named).matches()) {
            throw new ProseException(file, line, "figure: prompt=<id> names the prompt whose data it draws");
        }
        Set<String> allowed = VIEWS.get(view);
        for (String key : given.keySet()) {
            if (!allowed.contains(key)) {
                throw new ProseException(file, line, "figure: view " + view + " takes no '" + key + "' (it takes: "
                        + (allowed.isEmpty() ? "nothing more" : String.join(", ", new java.util.TreeSet<>(allowed))) + ")");
            }
        }
        Map<String, String> state = new LinkedHashMap<>();
        if (allowed.contains("layer")) {
            state.put("layer", Integer.toString(index(file, line, "layer", given.getOrDefault("layer", "0"), layers)));
        }
        if (allowed.contains("head")) {
            state.put("head", Integer.toString(index(file, line, "head", given.getOrDefault("head", "0"), heads)));
        }
        if (given.containsKey("ln")) {
            state.put("ln", oneOf(file, line, "ln", given.get("ln"), "1", "2"));
        }
        if (given.containsKey("steps")) {
            state.put("steps", oneOf(file, line, "steps", given.get("steps"), "1"));
        }
        if (view.equals("next-token")) {
            state.put("t", number(file, line, "t", given.getOrDefault("t", "1"), 0, 2));
            if (given.containsKey("k")) {
                if (!given.get("k").matches("\\d{1,6}")) {
                    throw new ProseException(file, line, "figure: k=" + given.get("k") + " must be a whole number (0 = no top-k)");
                }
                state.put("k", Integer.toString(Integer.parseInt(given.get("k"))));
            }
            if (given.containsKey("p")) {
                state.put("p", number(file, line, "p", given.get("p"), 0.01, 1));
            }
        }
        String prompt = prompts.contains(named) || prompts.isEmpty() ? named : prompts.get(0);
        return new Figure(view, prompt, named, state, line);
    }

    private static int index(String file, int line, String key, String value, int count) {
        if (value.equals("last")) {
            return count - 1;
        }
        int n;
        try {
            n = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new ProseException(file, line, "figure: " + key + "=" + value + " is not a number or 'last'");
        }
        if (n < 0 || n >= count) {
            throw new ProseException(file, line, "figure: " + key + " " + n + ", but the model has " + count + " "
                    + key + "s (0 to " + (count - 1) + "); write " + key + "=last, or a smaller number");
        }
        return n;
    }

    private static String oneOf(String file, int line, String key, String value, String... allowed) {
        if (!List.of(allowed).contains(value)) {
            throw new ProseException(file, line, "figure: " + key + "=" + value + " must be " + String.join(" or ", allowed));
        }
        return value;
    }

    private static String number(String file, int line, String key, String value, double min, double max) {
        double d;
        try {
            d = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            d = Double.NaN;
        }
        if (!(d >= min && d <= max)) {
            throw new ProseException(file, line, "figure: " + key + "=" + value + " must be a number from "
                    + SettingsText.number(min) + " to " + SettingsText.number(max));
        }
        return SettingsText.number(d);
    }

    /**
     * The rendered chapter with each marker paragraph replaced by its figure's HTML.
     *
     * @throws ProseException when a directive did not stand as a paragraph of its own
     */
    static String insert(String file, String html, List<Figure> figures, java.util.function.Function<Figure, String> figureHtml) {
        String out = html;
        for (int i = 0; i < figures.size(); i++) {
            String paragraph = "<p>" + MARKER + i + "</p>";
            int at = out.indexOf(paragraph);
            if (at < 0) {
                throw new ProseException(file, figures.get(i).line(), "a figure needs a blank line before and after it");
            }
            out = out.substring(0, at) + figureHtml.apply(figures.get(i)) + out.substring(at + paragraph.length());
        }
        return out;
    }
}
