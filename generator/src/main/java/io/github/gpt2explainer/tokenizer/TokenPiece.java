package io.github.gpt2explainer.tokenizer;

import java.util.Arrays;

/**
 * What one token contributes to the text, for display.
 *
 * @param id      the token id
 * @param bytes   the exact UTF-8 bytes of this token (from the byte-level vocabulary, not from decoding, so a
 *                token holding half of a character keeps its real bytes)
 * @param text    the bytes as text if they are well-formed UTF-8 on their own, else {@code null}
 * @param display {@link #text} when it is non-null; otherwise the well-formed characters as text and every
 *                other byte as {@code <E4>} (uppercase hex in angle brackets). Never contains U+FFFD
 * @param partial true if the bytes are not well-formed UTF-8 on their own (the token holds part of a
 *                character that continues in a neighbouring token); see {@link CharacterSpan}
 * @param special true for added special tokens such as {@code <|endoftext|>}
 */
public record TokenPiece(long id, byte[] bytes, String text, String display, boolean partial, boolean special) {

    public TokenPiece {
        bytes = bytes.clone();
    }

    /** Builds the piece for a token from its raw bytes. */
    public static TokenPiece of(long id, byte[] bytes, boolean special) {
        boolean wellFormed = Utf8Display.isWellFormed(bytes);
        String display = Utf8Display.display(bytes);
        return new TokenPiece(id, bytes, wellFormed ? display : null, display, !wellFormed, special);
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /**
     * {@link #display} with whitespace and control characters made visible, for showing a token on its own:
     * space becomes {@code ␣}, newline {@code ↵}, tab {@code ⇥}, carriage return {@code ␍}, and any other
     * control character (U+0000..U+001F, U+007F) its byte in the {@code <XX>} notation. Everything else is
     * unchanged, so {@code " world"} shows as {@code "␣world"} and {@code "\n\n"} as {@code "↵↵"}.
     */
    public String visibleText() {
        StringBuilder out = new StringBuilder(display.length());
        for (int i = 0; i < display.length(); i++) {
            char c = display.charAt(i);
            switch (c) {
                case ' ' -> out.append('␣');
                case '\n' -> out.append('↵');
                case '\t' -> out.append('⇥');
                case '\r' -> out.append('␍');
                default -> {
                    if (c < 0x20 || c == 0x7F) {
                        out.append(Utf8Display.hex((byte) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TokenPiece that
                && id == that.id
                && partial == that.partial
                && special == that.special
                && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return 31 * Long.hashCode(id) + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "TokenPiece[id=" + id + ", display=" + visibleText() + (partial ? ", partial" : "") + "]";
    }
}
