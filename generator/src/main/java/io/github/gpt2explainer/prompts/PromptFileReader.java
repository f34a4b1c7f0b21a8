package io.github.gpt2explainer.prompts;

import io.github.gpt2explainer.text.MarkdownDepth;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads and checks one {@code prompts/<id>.md} file: YAML front matter, then per-language notes. */
final class PromptFileReader {

    static final List<String> KEYS = List.of("id", "text", "title", "temperatures", "max_new_tokens", "seed",
            "top_k", "top_p", "language", "tags");

    static final int MAX_NEW_TOKENS = 256;
    static final int MAX_ID_LENGTH = 64;
    static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]*");
    static final Pattern TAG = Pattern.compile("[a-z0-9][a-z0-9-]*");

    static final String MAX_NEW_TOKENS_RULE = "must be a whole number from 1 to " + MAX_NEW_TOKENS;
    static final String TOP_K_RULE = "must be a whole number >= 1 (leave the key out for no top-k)";
    static final String TOP_P_RULE = "must be a number greater than 0 and at most 1 (1.0 = off)";
    static final String SEED_RULE = "must be a whole number that fits in 64 bits";

    /** {@code <!-- lang: en -->} alone on a line starts the note in that language. */
    static final Pattern MARKER = Pattern.compile("\\s*<!--\\s*lang:\\s*(\\S*?)\\s*-->\\s*");
    private static final Pattern MARKER_LIKE = Pattern.compile("\\s*<!--\\s*lang\\b.*");

    /**
     * @param spec   the prompt, or null if the file has problems
     * @param id     the id as written if it is well-formed (for duplicate detection), else null
     * @param idLine line of the id key
     */
    record Result(PromptSpec spec, String id, int idLine) {
    }

    private PromptFileReader() {
    }

    static Result read(Path file, SiteSettings site, List<Problem> problems) {
        String content = TextFiles.read(file, problems);
        if (content == null) {
            return new Result(null, null, 0);
        }
        return parse(content, file, site, problems);
    }

    /** Checks a prompt file's content; {@code file} names it in problems and gives the expected id. */
    static Result parse(String content, Path file, SiteSettings site, List<Problem> problems) {
        int before = problems.size();
        String[] lines = content.split("\\R", -1);
        if (!lines[0].stripTrailing().equals("---")) {
            problems.add(new Problem(file, 1, "a prompt file must start with a '---' line that opens the YAML "
                    + "front matter, found \"" + abbreviate(lines[0]) + "\""));
            return new Result(null, null, 0);
        }
        int closing = -1; // 0-based index of the closing '---'
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].stripTrailing().equals("---")) {
                closing = i;
                break;
            }
        }
        if (closing < 0) {
            problems.add(new Problem(file, 1, "the front matter opened on line 1 is never closed by a '---' line"));
            return new Result(null, null, 0);
        }
        String frontMatter = String.join("\n", java.util.Arrays.copyOfRange(lines, 1, closing));
        LocatedYaml yaml = LocatedYaml.parse(frontMatter, file, 2, problems);
        if (yaml == null) {
            return new Result(null, null, 0);
        }
        if (yaml.root() == null || !yaml.root().isObject()) {
            problems.add(new Problem(file, yaml.root() == null ? 1 : 2, yaml.root() == null
                    ? "the front matter is empty; it needs at least id, text and title"
                    : "the front matter must be a mapping of keys to values, found " + Fields.describe(yaml.root())));
            return new Result(null, null, 0);
        }

        Fields f = new Fields(file, yaml, 1, problems);
        List<String> languages = site.languages();
        f.rejectUnknownKeys(KEYS);

        String id = f.requiredString("id");
        String wellFormedId = null;
        if (id != null) {
            String expected = stem(file);
            if (!ID.matcher(id).matches() || id.length() > MAX_ID_LENGTH) {
                f.problem("id", "id \"" + id + "\" may use only lowercase letters a-z, digits and '-' (not first), "
                        + "at most " + MAX_ID_LENGTH + " characters, because it becomes part of a URL");
            } else {
                wellFormedId = id;
                if (!id.equals(expected)) {
                    f.problem("id", "id \"" + id + "\" does not match the file name: " + file.getFileName()
                            + " must have id \"" + expected + "\" (or rename the file to " + id + ".md)");
                }
            }
        }
        String text = f.requiredString("text");

        Map<String, String> titles = f.optionalLocalized("title", languages);
        if (!f.has("title")) {
            f.problem("title", "missing required key 'title' (for example {en: ..., zh: ...})");
        } else if (titles != null) {
            for (String language : languages) {
                if (!titles.containsKey(language)) {
                    f.problem("title", "missing title for language '" + language + "'");
                }
            }
        }
        List<Double> temperatures = f.optionalTemperatures("temperatures");
        Integer maxNewTokens = f.optionalInt("max_new_tokens", 1, MAX_NEW_TOKENS, MAX_NEW_TOKENS_RULE);
        Long seed = f.optionalLong("seed", SEED_RULE);
        Integer topK = f.optionalInt("top_k", 1, Integer.MAX_VALUE, TOP_K_RULE);
        Double topP = f.optionalNumber("top_p", p -> p > 0 && p <= 1, TOP_P_RULE);
        String language = f.optionalString("language");
        if (language != null && !Fields.LANGUAGE_CODE.matcher(language).matches()) {
            f.problem("language", "'language' must be a lowercase language code such as en or zh, found \""
                    + language + "\"");
        }
        List<String> tags = f.optionalWordList("tags", TAG, "must be a word of lowercase letters, digits and '-'");

        Map<String, String> notes = readNotes(file, lines, closing, languages, problems);

        if (problems.size() > before) {
            return new Result(null, wellFormedId, f.line("id"));
        }
        PromptSpec spec = new PromptSpec(id, text, inOrder(titles, languages), notes, temperatures, maxNewTokens,
                seed, topK, topP, language, tags != null ? tags : List.of(), file, f.line("text"));
        return new Result(spec, wellFormedId, f.line("id"));
    }

    /**
     * The body after the front matter: sections opened by {@code <!-- lang: xx -->} lines. Returns the
     * notes in site language order (possibly incomplete when problems were reported).
     */
    private static Map<String, String> readNotes(Path file, String[] lines, int closing, List<String> languages,
                                                 List<Problem> problems) {
        Map<String, StringBuilder> sections = new LinkedHashMap<>();
        Map<String, Integer> markerLines = new LinkedHashMap<>();
        StringBuilder current = null;
        boolean reportedStray = false;
        boolean reportedDepth = false;
        for (int i = closing + 1; i < lines.length; i++) {
            int lineNumber = i + 1;
            String line = lines[i];
            String hidden = Fields.hiddenCharacter(line);
            if (hidden != null) {
                problems.add(new Problem(file, lineNumber, "the note " + hidden));
            }
            int depth = MarkdownDepth.depth(line);
            if (depth > MarkdownDepth.MAX_DEPTH && !reportedDepth) {
                problems.add(new Problem(file, lineNumber, new MarkdownDepth.TooDeep(lineNumber, depth).message()));
                reportedDepth = true; // one is enough: the rest of a deep note is usually just as deep
            }
            Matcher marker = MARKER.matcher(line);
            if (marker.matches()) {
                String language = marker.group(1);
                current = new StringBuilder(); // text of a rejected section is collected and dropped
                if (!languages.contains(language)) {
                    problems.add(new Problem(file, lineNumber, "unknown language '" + language
                            + "' in the note marker; the site languages are " + languages));
                } else if (sections.containsKey(language)) {
                    problems.add(new Problem(file, lineNumber, "a second note for language '" + language
                            + "' (the first starts on line " + markerLines.get(language) + ")"));
                } else {
                    sections.put(language, current);
                    markerLines.put(language, lineNumber);
                }
            } else if (MARKER_LIKE.matcher(line).matches()) {
                problems.add(new Problem(file, lineNumber, "malformed note marker \"" + abbreviate(line.strip())
                        + "\"; write it as <!-- lang: en --> alone on its line"));
            } else if (current != null) {
                current.append(line).append('\n');
            } else if (!line.isBlank() && !reportedStray) {
                problems.add(new Problem(file, lineNumber, "text before the first note marker; start each "
                        + "language's note with a line <!-- lang: en --> (or zh, ...)"));
                reportedStray = true;
            }
        }
        int bodyLine = Math.min(closing + 2, lines.length);
        Map<String, String> notes = new LinkedHashMap<>();
        for (String language : languages) {
            StringBuilder section = sections.get(language);
            if (section == null) {
                problems.add(new Problem(file, bodyLine, "missing note for language '" + language
                        + "': add a section starting with the line <!-- lang: " + language + " -->"));
            } else if (section.toString().isBlank()) {
                problems.add(new Problem(file, markerLines.get(language), "the note for language '" + language
                        + "' is empty"));
            } else {
                notes.put(language, section.toString().strip());
            }
        }
        return notes;
    }

    private static Map<String, String> inOrder(Map<String, String> byLanguage, List<String> languages) {
        Map<String, String> ordered = new LinkedHashMap<>();
        for (String language : languages) {
            ordered.put(language, byLanguage.get(language));
        }
        return ordered;
    }

    static String stem(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".md") ? name.substring(0, name.length() - 3) : name;
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
