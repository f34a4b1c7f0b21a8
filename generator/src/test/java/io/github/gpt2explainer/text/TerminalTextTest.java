package io.github.gpt2explainer.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TerminalTextTest {

    /** The id issue 13 found echoed raw by {@code check}: retitles the window, then clears the screen. */
    static final String PWNED = "\u001b]0;PWNED\u0007\u001b[2J";

    @Test
    void escapeSequencesAreShownNotObeyed() {
        assertThat(TerminalText.escape(PWNED)).isEqualTo("\\x1B]0;PWNED\\x07\\x1B[2J");
        assertThat(TerminalText.escape("a\u009b31mb\u007f")).isEqualTo("a\\x9B31mb\\x7F"); // C1 CSI, DEL
        assertThat(TerminalText.escape("abc\u202Etxt.exe\u2066x\u200F")).isEqualTo("abc\\u202Etxt.exe\\u2066x\\u200F");
        assertThat(TerminalText.escape("one\ntwo\tthree\r")).isEqualTo("one\\ntwo\\tthree\\r");
    }

    @Test
    void messagesKeepTheirLineBreaksAndTabsButNotALoneCarriageReturn() {
        assertThat(TerminalText.escapeLines("2 problems:\n  1. a\r\n  2.\tb " + PWNED + "\rover"))
                .isEqualTo("2 problems:\n  1. a\r\n  2.\tb \\x1B]0;PWNED\\x07\\x1B[2J\\rover");
    }

    @Test
    void ordinaryTextIsUntouched() {
        String text = "模型记住的一个事实 — \"quotes\", C:\\path, emoji \uD83D\uDE00";
        assertThat(TerminalText.escape(text)).isSameAs(text);
        assertThat(TerminalText.escapeLines(null)).isNull();
    }
}
