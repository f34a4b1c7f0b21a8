package io.github.gpt2explainer.text;

import java.util.Optional;

/**
 * How deeply a Markdown text nests its blocks, measured line by line before it is parsed. The Markdown
 * parser and renderer recurse once per level, so a note of 1000 {@code >} characters, or a list nested
 * 1500 levels deep, would overflow the stack; texts deeper than {@link #MAX_DEPTH} are refused instead.
 *
 * <p>A line's depth is the number of container markers it opens at its start ({@code >} quotes and list
 * markers such as {@code -}, {@code *}, {@code +}, {@code 1.}, {@code 1)}), plus one level for every
 * {@value #COLUMNS_PER_LEVEL} columns of indentation (a nested list item is indented under its parent).
 * That over-counts a little (an indented code block counts its indentation), which is harmless at this
 * limit: real notes nest a few levels.
 */
public final class MarkdownDepth {

    /** The deepest nesting accepted. */
    public static final int MAX_DEPTH = 32;
    static final int COLUMNS_PER_LEVEL = 4;
    private static final int TAB_STOP = 4;

    /** The first line nested deeper than {@link #MAX_DEPTH}. */
    public record TooDeep(int line, int depth) {

        /** {@code nested N levels deep (quotes '>' and lists); at most 32 are allowed}. */
        public String message() {
            return "Markdown nested " + depth + " levels deep (quotes '>' and list items, counting indentation);"
                    + " at most " + MAX_DEPTH + " are allowed";
        }
    }

    private MarkdownDepth() {
    }

    /** The first line of {@code markdown} that nests too deeply (lines counted from 1), if any. */
    public static Optional<TooDeep> check(String markdown) {
        if (markdown == null) {
            return Optional.empty();
        }
        int lineNumber = 1;
        int start = 0;
        while (start <= markdown.length()) {
            int end = lineEnd(markdown, start);
            int depth = depth(markdown, start, end);
            if (depth > MAX_DEPTH) {
                return Optional.of(new TooDeep(lineNumber, depth));
            }
            if (end >= markdown.length()) {
                break;
            }
            start = end + (markdown.startsWith("\r\n", end) ? 2 : 1);
            lineNumber++;
        }
        return Optional.empty();
    }

    /** The depth of one line: container markers at its start plus its leading indentation in levels. */
    public static int depth(String line) {
        return depth(line, 0, line.length());
    }

    private static int depth(String text, int start, int end) {
        int i = start;
        int column = 0;
        while (i < end && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
            column = text.charAt(i) == '\t' ? (column / TAB_STOP + 1) * TAB_STOP : column + 1;
            i++;
        }
        int markers = 0;
        while (i < end) {
            int next = afterMarker(text, i, end);
            if (next < 0) {
                break;
            }
            markers++;
            i = next;
            while (i < end && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
                i++;
            }
        }
        return markers + column / COLUMNS_PER_LEVEL;
    }

    /** Where a container marker starting at {@code i} ends, or -1 if there is none. */
    private static int afterMarker(String text, int i, int end) {
        char c = text.charAt(i);
        if (c == '>') {
            return i + 1;
        }
        int j = i;
        if (c == '-' || c == '*' || c == '+') {
            j = i + 1;
        } else {
            while (j < end && j - i < 9 && Character.isDigit(text.charAt(j)) && text.charAt(j) < 128) {
                j++;
            }
            if (j == i || j >= end || (text.charAt(j) != '.' && text.charAt(j) != ')')) {
                return -1;
            }
            j++;
        }
        // a list marker is followed by a space, a tab or the end of the line ("-x" and "1.5" are text)
        return j == end || text.charAt(j) == ' ' || text.charAt(j) == '\t' ? j : -1;
    }

    private static int lineEnd(String text, int start) {
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                return i;
            }
        }
        return text.length();
    }
}
