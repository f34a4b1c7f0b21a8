package io.github.gpt2explainer.runs;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.gpt2explainer.text.TerminalText;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Typed access to the keys of one YAML mapping (prompt front matter or site.yaml). Every wrong value
 * becomes a {@link Problem} at the key's line and the getter returns null, so reading continues and all
 * problems of a file are collected. No text value may hold a control character other than tab and newline,
 * or a bidirectional embedding, override or isolate ({@link #hiddenCharacter}).
 */
final class Fields {

    /** Lowercase language codes such as {@code en}, {@code zh}, {@code zh-hans}. */
    static final Pattern LANGUAGE_CODE = Pattern.compile("[a-z]{2,3}(-[a-z0-9]{2,8})*");

    private final Path file;
    private final LocatedYaml yaml;
    private final JsonNode map;
    private final int missingKeyLine;
    private final List<Problem> problems;

    /**
     * @param missingKeyLine where to report a missing key (the line opening the mapping)
     */
    Fields(Path file, LocatedYaml yaml, int missingKeyLine, List<Problem> problems) {
        this.file = file;
        this.yaml = yaml;
        this.map = yaml.root();
        this.missingKeyLine = missingKeyLine;
        this.problems = problems;
    }

    void problem(String key, String message) {
        problems.add(new Problem(file, line(key), message));
    }

    int line(String key) {
        return map.has(key) ? yaml.line("/" + key) : missingKeyLine;
    }

    boolean has(String key) {
        return map.has(key);
    }

    /** Reports keys outside {@code known}, naming the known ones. */
    void rejectUnknownKeys(Collection<String> known) {
        for (Iterator<String> it = map.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key)) {
                problem(key, "unknown key '" + key + "'; known keys are " + String.join(", ", known));
            }
        }
    }

    /** A present, non-blank string; a missing or blank one is reported. */
    String requiredString(String key) {
        if (!map.has(key)) {
            problems.add(new Problem(file, missingKeyLine, "missing required key '" + key + "'"));
            return null;
        }
        if (map.get(key).isNull()) {
            problem(key, "'" + key + "' is empty");
            return null;
        }
        String value = optionalString(key);
        if (value != null && value.isBlank()) {
            problem(key, "'" + key + "' is empty");
            return null;
        }
        return value;
    }

    String optionalString(String key) {
        JsonNode node = map.get(key);
        if (node == null) {
            return null;
        }
        if (!node.isTextual()) {
            problem(key, "'" + key + "' must be text, found " + describe(node)
                    + (node.isValueNode() && !node.isNull() ? " (put it in quotes)" : ""));
            return null;
        }
        String hidden = hiddenCharacter(node.textValue());
        if (hidden != null) {
            problem(key, "'" + key + "' " + hidden);
            return null;
        }
        return node.textValue();
    }

    /**
     * Null if {@code text} is clean, else what is wrong with it: the first control character other than tab
     * and newline (NUL, ESC, DEL, C1), or bidirectional embedding, override or isolate (U+202A-U+202E,
     * U+2066-U+2069), named with its position. Such characters are invisible on a page and in a terminal,
     * and an override makes text display in another order than the model reads it. The bidirectional marks
     * U+200E, U+200F and U+061C stay allowed: mixed-direction text needs them, and they reorder nothing
     * beyond the neutral characters next to them.
     */
    static String hiddenCharacter(String text) {
        int position = 0;
        for (int i = 0; i < text.length(); i += Character.charCount(text.codePointAt(i))) {
            int c = text.codePointAt(i);
            position++;
            boolean control = Character.isISOControl(c) && c != '\t' && c != '\n';
            boolean bidi = (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
            if (control || bidi) {
                String name = Character.getName(c);
                String character = String.format(Locale.ROOT, "U+%04X", c)
                        + (name != null ? " (" + name.toLowerCase(Locale.ROOT) + ")" : "");
                return "contains " + character + " at character " + position + ": " + (control
                        ? "control characters other than tab and newline are not allowed"
                        : "bidirectional overrides and isolates are not allowed (they make text display in another"
                                + " order than it is read)")
                        + "; the text reads \"" + abbreviate(TerminalText.escape(text)) + "\"";
            }
        }
        return null;
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    /** A whole number in [min, max], or null if absent or wrong. */
    Integer optionalInt(String key, int min, int max, String rule) {
        Long value = optionalLong(key, rule);
        if (value == null) {
            return null;
        }
        if (value < min || value > max) {
            problem(key, "'" + key + "' " + rule + ", found " + value);
            return null;
        }
        return value.intValue();
    }

    Long optionalLong(String key, String rule) {
        JsonNode node = map.get(key);
        if (node == null) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            problem(key, "'" + key + "' " + rule + ", found " + describe(node));
            return null;
        }
        return node.longValue();
    }

    /** A finite number satisfying {@code test}, or null if absent or wrong. */
    Double optionalNumber(String key, java.util.function.DoublePredicate test, String rule) {
        JsonNode node = map.get(key);
        if (node == null) {
            return null;
        }
        if (!node.isNumber() || !Double.isFinite(node.doubleValue()) || !test.test(node.doubleValue())) {
            problem(key, "'" + key + "' " + rule + ", found " + describe(node));
            return null;
        }
        return node.doubleValue();
    }

    /** A non-empty list of distinct temperatures, each a finite number >= 0, or null if absent or wrong. */
    List<Double> optionalTemperatures(String key) {
        JsonNode node = map.get(key);
        if (node == null) {
            return null;
        }
        if (!node.isArray() || node.isEmpty()) {
            problem(key, "'" + key + "' must be a non-empty list of numbers >= 0 such as [0, 0.8], found "
                    + describe(node));
            return null;
        }
        List<Double> values = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            int itemLine = yaml.line("/" + key + "/" + i);
            if (!item.isNumber() || !Double.isFinite(item.doubleValue()) || item.doubleValue() < 0) {
                problems.add(new Problem(file, itemLine, "temperature #" + (i + 1) + " in '" + key
                        + "' must be a finite number >= 0 (0 = greedy), found " + describe(item)));
                ok = false;
            } else if (values.contains(item.doubleValue() + 0.0)) {
                problems.add(new Problem(file, itemLine, "temperature " + (item.doubleValue() + 0.0)
                        + " is listed twice in '" + key + "'"));
                ok = false;
            } else {
                values.add(item.doubleValue() + 0.0); // + 0.0 turns -0.0 into 0.0: one greedy run, one seed
            }
        }
        return ok ? List.copyOf(values) : null;
    }

    /** A list of distinct strings each matching {@code pattern}, or null if absent or wrong. */
    List<String> optionalWordList(String key, Pattern pattern, String rule) {
        JsonNode node = map.get(key);
        if (node == null) {
            return null;
        }
        if (!node.isArray()) {
            problem(key, "'" + key + "' must be a list, found " + describe(node));
            return null;
        }
        List<String> values = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            int itemLine = yaml.line("/" + key + "/" + i);
            if (!item.isTextual() || !pattern.matcher(item.textValue()).matches()) {
                problems.add(new Problem(file, itemLine, "item #" + (i + 1) + " of '" + key + "' " + rule
                        + ", found " + describe(item)));
                ok = false;
            } else if (values.contains(item.textValue())) {
                problems.add(new Problem(file, itemLine, "'" + item.textValue() + "' is listed twice in '"
                        + key + "'"));
                ok = false;
            } else {
                values.add(item.textValue());
            }
        }
        return ok ? List.copyOf(values) : null;
    }

    /**
     * Text per language: either a mapping {@code {en: ..., zh: ...}} or a plain string meaning English.
     * Languages outside {@code languages} and blank texts are reported. Returns null if absent or wrong.
     */
    Map<String, String> optionalLocalized(String key, List<String> languages) {
        JsonNode node = map.get(key);
        if (node == null) {
            return null;
        }
        Map<String, String> values = new LinkedHashMap<>();
        if (node.isTextual()) {
            String hidden = hiddenCharacter(node.textValue());
            if (hidden != null) {
                problem(key, "'" + key + "' " + hidden);
                return null;
            }
            values.put("en", node.textValue());
        } else if (node.isObject()) {
            boolean ok = true;
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                int entryLine = yaml.line("/" + key + "/" + entry.getKey());
                if (!entry.getValue().isTextual()) {
                    problems.add(new Problem(file, entryLine, "'" + key + "." + entry.getKey()
                            + "' must be text, found " + describe(entry.getValue())));
                    ok = false;
                } else if (hiddenCharacter(entry.getValue().textValue()) != null) {
                    problems.add(new Problem(file, entryLine, "'" + key + "." + entry.getKey() + "' "
                            + hiddenCharacter(entry.getValue().textValue())));
                    ok = false;
                } else {
                    values.put(entry.getKey(), entry.getValue().textValue());
                }
            }
            if (!ok) {
                return null;
            }
        } else {
            problem(key, "'" + key + "' must be text or a mapping of language to text such as "
                    + "{en: ..., zh: ...}, found " + describe(node));
            return null;
        }
        boolean ok = true;
        for (Map.Entry<String, String> entry : values.entrySet()) {
            int entryLine = node.isObject() ? yaml.line("/" + key + "/" + entry.getKey()) : line(key);
            if (!languages.contains(entry.getKey())) {
                problems.add(new Problem(file, entryLine, "unknown language '" + entry.getKey() + "' in '" + key
                        + "'; the site languages are " + languages));
                ok = false;
            } else if (entry.getValue().isBlank()) {
                problems.add(new Problem(file, entryLine, "'" + key + "' for language '" + entry.getKey()
                        + "' is empty"));
                ok = false;
            }
        }
        return ok ? values : null;
    }

    /** How a wrong value looks to the author. */
    static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        if (node.isNull()) {
            return "an empty value";
        }
        if (node.isTextual()) {
            return "the text \"" + node.textValue() + "\"";
        }
        if (node.isNumber()) {
            double d = node.doubleValue();
            if (Double.isNaN(d)) {
                return "NaN";
            }
            if (Double.isInfinite(d)) {
                return d > 0 ? "infinity" : "-infinity";
            }
            return node.asText();
        }
        if (node.isBoolean()) {
            return "the boolean " + node.asText();
        }
        if (node.isArray()) {
            return "a list";
        }
        if (node.isObject()) {
            return "a mapping";
        }
        return node.toString();
    }
}
