package io.github.gpt2explainer.tokenizer;

import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 scanning for token display. A token's bytes may end or start in the middle of a character;
 * those bytes are shown as {@code <E4>} (uppercase hex in angle brackets) instead of U+FFFD.
 */
final class Utf8Display {
    private Utf8Display() {}

    /**
     * Length (1..4) of the well-formed UTF-8 sequence starting at {@code start} within {@code bytes[..end)},
     * or 0 if none starts there (stray continuation byte, invalid lead, truncated, overlong or surrogate).
     */
    static int wellFormedLength(byte[] bytes, int start, int end) {
        int lead = bytes[start] & 0xFF;
        int length;
        int secondMin = 0x80;
        int secondMax = 0xBF;
        if (lead < 0x80) {
            return 1;
        } else if (lead >= 0xC2 && lead <= 0xDF) {
            length = 2;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            length = 3;
            if (lead == 0xE0) {
                secondMin = 0xA0; // below is overlong
            } else if (lead == 0xED) {
                secondMax = 0x9F; // above are UTF-16 surrogates
            }
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            length = 4;
            if (lead == 0xF0) {
                secondMin = 0x90; // below is overlong
            } else if (lead == 0xF4) {
                secondMax = 0x8F; // above is beyond U+10FFFF
            }
        } else {
            return 0;
        }
        if (start + length > end) {
            return 0;
        }
        int second = bytes[start + 1] & 0xFF;
        if (second < secondMin || second > secondMax) {
            return 0;
        }
        for (int i = start + 2; i < start + length; i++) {
            int continuation = bytes[i] & 0xFF;
            if (continuation < 0x80 || continuation > 0xBF) {
                return 0;
            }
        }
        return length;
    }

    static boolean isWellFormed(byte[] bytes) {
        int i = 0;
        while (i < bytes.length) {
            int length = wellFormedLength(bytes, i, bytes.length);
            if (length == 0) {
                return false;
            }
            i += length;
        }
        return true;
    }

    /** Well-formed characters as text, every other byte as {@code <XX>}. Never produces U+FFFD. */
    static String display(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < bytes.length) {
            int length = wellFormedLength(bytes, i, bytes.length);
            if (length == 0) {
                out.append(hex(bytes[i]));
                i++;
            } else {
                out.append(new String(bytes, i, length, StandardCharsets.UTF_8));
                i += length;
            }
        }
        return out.toString();
    }

    static String hex(byte b) {
        return String.format("<%02X>", b & 0xFF);
    }
}
