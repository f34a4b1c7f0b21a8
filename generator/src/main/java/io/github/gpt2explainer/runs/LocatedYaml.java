package io.github.gpt2explainer.runs;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;

/**
 * A YAML document read into a Jackson tree, remembering the file line of every key and array element
 * (by JSON pointer such as {@code /temperatures/2}) so problems can point at the right line. Anchors
 * ({@code &name}) and aliases ({@code *name}) are reported as problems: Jackson would read an alias as the
 * text of its name ({@code title: *t} became the title "t"), and a prompt file has no need for them.
 */
final class LocatedYaml {

    private static final YAMLFactory YAML = new YAMLFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** YAML 1.1 special floats, which Jackson reports as floats but cannot convert itself. */
    private static final Pattern NAN = Pattern.compile("\\.(nan|NaN|NAN)");
    private static final Pattern INFINITY = Pattern.compile("([-+]?)\\.(inf|Inf|INF)");

    private final JsonNode root;
    private final Map<String, Integer> lines;
    private final int firstLine;

    private LocatedYaml(JsonNode root, Map<String, Integer> lines, int firstLine) {
        this.root = root;
        this.lines = lines;
        this.firstLine = firstLine;
    }

    /** The document's root, or null for an empty document. */
    JsonNode root() {
        return root;
    }

    /** The file line of the node at {@code pointer}, else of its nearest located ancestor. */
    int line(String pointer) {
        String p = pointer;
        while (true) {
            Integer line = lines.get(p);
            if (line != null) {
                return line;
            }
            if (p.isEmpty()) {
                return firstLine;
            }
            p = p.substring(0, p.lastIndexOf('/'));
        }
    }

    /**
     * Parses {@code yaml} whose first line is line {@code firstLine} of {@code file}. Syntax errors and
     * duplicate keys are added to {@code problems}; returns null if the document could not be read.
     */
    static LocatedYaml parse(String yaml, Path file, int firstLine, List<Problem> problems) {
        Map<String, Integer> lines = new HashMap<>();
        try (JsonParser parser = YAML.createParser(yaml)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return new LocatedYaml(null, lines, firstLine);
            }
            rejectAnchorsAndAliases(yaml, file, firstLine, problems);
            Reader reader = new Reader(parser, file, firstLine, lines, problems);
            JsonNode root = reader.read("");
            if (parser.nextToken() != null) {
                problems.add(new Problem(file, reader.currentLine(),
                        "only one YAML document is allowed; remove the second '---' and what follows"));
            }
            return new LocatedYaml(root, lines, firstLine);
        } catch (JsonProcessingException e) {
            problems.add(new Problem(file, syntaxErrorLine(e, firstLine), "YAML syntax error: " + syntaxDetail(e)));
            return null;
        } catch (IOException e) {
            problems.add(new Problem(file, firstLine, "cannot read YAML: " + oneLine(e.getMessage())));
            return null;
        }
    }

    /**
     * Reports every anchor ({@code &name}) and alias ({@code *name}) at its line. Read from snakeyaml's events
     * because Jackson forgets the anchors of plain values and turns an alias into the text of its name.
     * A syntax error stops the scan quietly: Jackson reports it.
     */
    private static void rejectAnchorsAndAliases(String yaml, Path file, int firstLine, List<Problem> problems) {
        try {
            for (Event event : new Yaml().parse(new StringReader(yaml))) {
                int line = event.getStartMark().getLine() + firstLine; // Mark lines are 0-based
                if (event instanceof AliasEvent alias) {
                    problems.add(new Problem(file, line, "'*" + alias.getAnchor() + "' is a YAML alias, which is not"
                            + " supported: write the value out in full (in quotes if it really starts with '*')"));
                } else if (event instanceof NodeEvent node && node.getAnchor() != null) {
                    problems.add(new Problem(file, line, "'&" + node.getAnchor() + "' is a YAML anchor; anchors and"
                            + " aliases are not supported: remove it and write the value out wherever it is needed"));
                }
            }
        } catch (YAMLException e) {
            // not valid YAML: the Jackson parse below reports where
        }
    }

    /**
     * Where to point the author: the start of the construct being read when it broke (snakeyaml's context
     * mark, e.g. an unclosed quote or bracket), else where the parser noticed (the problem mark), else
     * Jackson's location.
     */
    private static int syntaxErrorLine(JsonProcessingException e, int firstLine) {
        if (e.getCause() instanceof MarkedYAMLException) {
            MarkedYAMLException marked = (MarkedYAMLException) e.getCause();
            Mark mark = marked.getContextMark() != null ? marked.getContextMark() : marked.getProblemMark();
            if (mark != null) {
                return mark.getLine() + firstLine; // Mark lines are 0-based
            }
        }
        JsonLocation where = e.getLocation();
        return where != null && where.getLineNr() > 0 ? where.getLineNr() - 1 + firstLine : firstLine;
    }

    /** snakeyaml's context and problem, without its own line numbers (which count from the YAML start). */
    private static String syntaxDetail(JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException) {
            MarkedYAMLException marked = (MarkedYAMLException) e.getCause();
            String context = marked.getContext();
            String problem = marked.getProblem();
            if (problem != null) {
                return oneLine(context == null ? problem : context + ": " + problem);
            }
        }
        return oneLine(e.getOriginalMessage());
    }

    private static String oneLine(String message) {
        return message == null ? "(no detail)" : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /** Recursive descent over the token stream, recording the line of each value. */
    private static final class Reader {
        private final JsonParser parser;
        private final Path file;
        private final int lineOffset;
        private final Map<String, Integer> lines;
        private final List<Problem> problems;

        Reader(JsonParser parser, Path file, int firstLine, Map<String, Integer> lines, List<Problem> problems) {
            this.parser = parser;
            this.file = file;
            this.lineOffset = firstLine - 1;
            this.lines = lines;
            this.problems = problems;
        }

        private JsonNode floatNode(String text) throws IOException {
            if (NAN.matcher(text).matches()) {
                return NODES.numberNode(Double.NaN);
            }
            var infinity = INFINITY.matcher(text);
            if (infinity.matches()) {
                return NODES.numberNode(infinity.group(1).equals("-")
                        ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
            }
            return NODES.numberNode(parser.getDoubleValue());
        }

        int currentLine() {
            return parser.currentTokenLocation().getLineNr() + lineOffset;
        }

        /** Reads the value at the current token; leaves the parser on its last token. */
        JsonNode read(String pointer) throws IOException {
            lines.putIfAbsent(pointer, currentLine());
            JsonToken token = parser.currentToken();
            switch (token) {
                case START_OBJECT: {
                    ObjectNode object = NODES.objectNode();
                    while (parser.nextToken() == JsonToken.FIELD_NAME) {
                        String key = parser.currentName();
                        int keyLine = currentLine();
                        String child = pointer + "/" + key.replace("~", "~0").replace("/", "~1");
                        boolean duplicate = object.has(key);
                        if (duplicate) {
                            problems.add(new Problem(file, keyLine, "key '" + key + "' appears twice (first on line "
                                    + lines.get(child) + ")"));
                        } else {
                            lines.put(child, keyLine);
                        }
                        parser.nextToken();
                        JsonNode value = read(duplicate ? pointer + "/\u0000dup" : child);
                        if (!duplicate) {
                            object.set(key, value);
                        }
                    }
                    return object;
                }
                case START_ARRAY: {
                    ArrayNode array = NODES.arrayNode();
                    int index = 0;
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        array.add(read(pointer + "/" + index++));
                    }
                    return array;
                }
                case VALUE_STRING:
                    return NODES.textNode(parser.getText());
                case VALUE_NUMBER_INT:
                    switch (parser.getNumberType()) {
                        case INT:
                            return NODES.numberNode(parser.getIntValue());
                        case LONG:
                            return NODES.numberNode(parser.getLongValue());
                        default:
                            return NODES.numberNode(parser.getBigIntegerValue());
                    }
                case VALUE_NUMBER_FLOAT:
                    return floatNode(parser.getText());
                case VALUE_TRUE:
                    return NODES.booleanNode(true);
                case VALUE_FALSE:
                    return NODES.booleanNode(false);
                case VALUE_NULL:
                    return NODES.nullNode();
                default:
                    // Embedded binary (!!binary) and the like: keep it as text so validation can reject it.
                    return NODES.textNode(parser.getText());
            }
        }
    }
}
