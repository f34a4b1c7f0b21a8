package io.github.gpt2explainer.text;

/**
 * Text from outside the tool (prompt ids and titles, file names, a server's error message) made safe to
 * print on a terminal: control characters are shown as escapes instead of being obeyed, so
 * {@code \e]0;PWNED\a\e[2J} cannot retitle the window or clear the screen, and a right-to-left override
 * cannot reverse what follows it. Escaped: C0 controls, DEL, C1 controls (U+0080-U+009F, which some
 * terminals read as escape sequences), bidirectional controls (U+061C, U+200E, U+200F, U+202A-U+202E,
 * U+2066-U+2069) and the line and paragraph separators U+2028, U+2029. A backslash itself is not
 * escaped: the output is for people, and {@code \x1B} written by an author stays readable as what it is.
 */
public final class TerminalText {

    private TerminalText() {
    }

    /** {@code text} on one line: every control character escaped, newline and tab included. Null stays null. */
    public static String escape(String text) {
        return escape(text, false);
    }

    /**
     * A message that may span lines: like {@link #escape}, but newlines (also {@code \r\n}) and tabs are
     * kept, so the numbered problem lists still print one per line.
     */
    public static String escapeLines(String text) {
        return escape(text, true);
    }

    /** True for the characters this class escapes (newline and tab included). */
    public static boolean needsEscape(int c) {
        return Character.isISOControl(c) || isBidiControl(c) || c == 0x2028 || c == 0x2029;
    }

    /** The Unicode bidirectional formatting characters: marks, embeddings, overrides and isolates. */
    public static boolean isBidiControl(int c) {
        return c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E)
                || (c >= 0x2066 && c <= 0x2069);
    }

    /** How {@code c} is shown: {@code \t}, {@code \n}, {@code \r}, {@code \x1B}, {@code \u202E}. */
    public static String escapeOf(int c) {
        return switch (c) {
            case '\t' -> "\\t";
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            default -> c < 0x100 ? String.format("\\x%02X", c) : String.format("\\u%04X", c);
        };
    }

    private static String escape(String text, boolean keepLines) {
        if (text == null || text.codePoints().noneMatch(TerminalText::needsEscape)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            boolean lineBreak = c == '\n' || (c == '\r' && text.startsWith("\n", i + 1));
            if (!needsEscape(c) || (keepLines && (lineBreak || c == '\t'))) {
                out.appendCodePoint(c);
            } else {
                out.append(escapeOf(c));
            }
            i += Character.charCount(c);
        }
        return out.toString();
    }
}
