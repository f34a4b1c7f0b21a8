package io.github.gpt2explainer.tokenizer;

import java.util.Arrays;

/**
 * GPT-2's {@code bytes_to_unicode} table: every byte value is written as one printable character so that BPE
 * vocabulary entries are ordinary strings. The 188 bytes that are printable Latin-1 ('!'..'~', '¡'..'¬',
 * '®'..'ÿ') stand for themselves; the remaining 68 (controls, space, DEL, 0x80..0xA0, soft hyphen) are
 * mapped in increasing byte order to U+0100, U+0101, ... So the space 0x20 is 'Ġ' (U+0120) and the newline
 * 0x0A is 'Ċ' (U+010A).
 */
public final class ByteLevelAlphabet {
    private static final char[] CHAR_FOR_BYTE = new char[256];
    /** Indexed by character; -1 where the character is not in the alphabet. Highest character is U+0143. */
    private static final int[] BYTE_FOR_CHAR = new int[0x144];

    static {
        Arrays.fill(BYTE_FOR_CHAR, -1);
        int nextShifted = 0x100;
        for (int b = 0; b < 256; b++) {
            char c = printsAsItself(b) ? (char) b : (char) nextShifted++;
            CHAR_FOR_BYTE[b] = c;
            BYTE_FOR_CHAR[c] = b;
        }
    }

    private ByteLevelAlphabet() {}

    private static boolean printsAsItself(int b) {
        return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    }

    /** The character standing for {@code byteValue} (0..255; a signed byte is taken modulo 256). */
    public static char charFor(int byteValue) {
        return CHAR_FOR_BYTE[byteValue & 0xFF];
    }

    /** The byte (0..255) that {@code c} stands for, or -1 if {@code c} is not in the alphabet. */
    public static int byteFor(char c) {
        return c < BYTE_FOR_CHAR.length ? BYTE_FOR_CHAR[c] : -1;
    }

    /** Writes raw bytes the way GPT-2's vocabulary spells them. */
    public static String toVocabString(byte[] bytes) {
        StringBuilder out = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            out.append(charFor(b));
        }
        return out.toString();
    }

    /**
     * The raw bytes a vocabulary entry stands for.
     *
     * @throws IllegalArgumentException if a character is outside the alphabet (not a byte-level token)
     */
    public static byte[] toBytes(String vocabString) {
        byte[] bytes = new byte[vocabString.length()];
        for (int i = 0; i < vocabString.length(); i++) {
            char c = vocabString.charAt(i);
            int b = byteFor(c);
            if (b < 0) {
                throw new IllegalArgumentException(String.format(
                        "character U+%04X at position %d of \"%s\" is not in GPT-2's byte-level alphabet",
                        (int) c, i, vocabString));
            }
            bytes[i] = (byte) b;
        }
        return bytes;
    }
}
