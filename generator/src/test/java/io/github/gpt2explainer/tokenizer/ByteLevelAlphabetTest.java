package io.github.gpt2explainer.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ByteLevelAlphabetTest {

    @Test
    void shiftedBytesMatchGpt2BytesToUnicode() {
        assertThat(ByteLevelAlphabet.charFor(0x00)).isEqualTo('\u0100'); // Ā
        assertThat(ByteLevelAlphabet.charFor(0x0A)).isEqualTo('Ċ'); // U+010A
        assertThat(ByteLevelAlphabet.charFor(0x20)).isEqualTo('Ġ'); // U+0120
        assertThat(ByteLevelAlphabet.charFor(0x7F)).isEqualTo('\u0121'); // DEL, first shifted after space
        assertThat(ByteLevelAlphabet.charFor(0xA0)).isEqualTo('ł'); // U+0142, NBSP
        assertThat(ByteLevelAlphabet.charFor(0xAD)).isEqualTo('Ń'); // U+0143, soft hyphen: the last one
    }

    @Test
    void printableBytesStandForThemselves() {
        assertThat(ByteLevelAlphabet.charFor('!')).isEqualTo('!');
        assertThat(ByteLevelAlphabet.charFor('A')).isEqualTo('A');
        assertThat(ByteLevelAlphabet.charFor('~')).isEqualTo('~');
        assertThat(ByteLevelAlphabet.charFor(0xA1)).isEqualTo('¡');
        assertThat(ByteLevelAlphabet.charFor(0xE4)).isEqualTo('ä');
        assertThat(ByteLevelAlphabet.charFor(0xFF)).isEqualTo('ÿ');
        assertThat(ByteLevelAlphabet.charFor((byte) 0xBD)).as("signed byte").isEqualTo('½');
    }

    @Test
    void isABijectionOver256Bytes() {
        Set<Character> seen = new HashSet<>();
        int unchanged = 0;
        for (int b = 0; b < 256; b++) {
            char c = ByteLevelAlphabet.charFor(b);
            seen.add(c);
            assertThat(ByteLevelAlphabet.byteFor(c)).isEqualTo(b);
            if (c == b) {
                unchanged++;
            }
        }
        assertThat(seen).hasSize(256);
        assertThat(unchanged).isEqualTo(188);
        assertThat(ByteLevelAlphabet.byteFor(' ')).isEqualTo(-1);
        assertThat(ByteLevelAlphabet.byteFor('你')).isEqualTo(-1);
    }

    @Test
    void vocabularySpellingOfKnownGpt2Tokens() {
        // "你" is E4 BD A0 and GPT-2's vocabulary spells it "ä½ł"; " world" is "Ġworld".
        assertThat(ByteLevelAlphabet.toVocabString("你".getBytes(StandardCharsets.UTF_8))).isEqualTo("ä½ł");
        assertThat(ByteLevelAlphabet.toBytes("ä½ł")).containsExactly(0xE4, 0xBD, 0xA0);
        assertThat(new String(ByteLevelAlphabet.toBytes("Ġworld"), StandardCharsets.UTF_8)).isEqualTo(" world");
        assertThat(new String(ByteLevelAlphabet.toBytes("ĊĠĠ"), StandardCharsets.UTF_8)).isEqualTo("\n  ");
    }

    @Test
    void rejectsCharactersOutsideTheAlphabet() {
        assertThatThrownBy(() -> ByteLevelAlphabet.toBytes("a b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("U+0020")
                .hasMessageContaining("position 1");
    }
}
