package io.github.gpt2explainer.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Gpt2TokenizerTest {
    private static Gpt2Tokenizer tokenizer;

    @BeforeAll
    static void load() {
        tokenizer = Gpt2Tokenizer.bundled();
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void encodesKnownGpt2Ids() {
        assertThat(tokenizer.encode("Data visualization empowers users to"))
                .containsExactly(6601, 32704, 795, 30132, 2985, 284);
        assertThat(tokenizer.encode("IEEE VIS conference highlights the"))
                .containsExactly(40, 31909, 50035, 4495, 11330, 262);
        assertThat(tokenizer.encode(" Hello world")).containsExactly(18435, 995);
    }

    @Test
    void noPrefixSpaceIsAdded() {
        // "Hello" without a leading space is a different token from " Hello" (18435).
        assertThat(tokenizer.encode("Hello")).containsExactly(15496);
    }

    @Test
    void recognisesEndOfTextWrittenInTheText() {
        assertThat(tokenizer.encode("<|endoftext|>")).containsExactly(50256);
        assertThat(tokenizer.encode("Hi<|endoftext|>")).endsWith(50256).hasSize(2);
        assertThat(tokenizer.decode(new long[] {50256})).isEqualTo("<|endoftext|>");
    }

    @Test
    void reportsGpt2VocabularyFigures() {
        assertThat(tokenizer.vocabSize()).isEqualTo(50257);
        assertThat(tokenizer.endOfTextId()).isEqualTo(50256);
        assertThat(tokenizer.sha256()).matches("[0-9a-f]{64}");
        assertThat(tokenizer.encode("")).isEmpty();
        assertThat(tokenizer.decode(new long[0])).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "我爱自然语言处理。",
        "👋🌍 family: 👨‍👩‍👧",
        "a\n\n\t  b   ",
        "for i in range(10):\n    print(i)",
        "  leading spaces, trailing newline\n",
        "Ünïcödé ß — “quotes” <|endoftext|> after",
        "\u0000\u007f\u00a0\u00ad control bytes"
    })
    void decodeOfEncodeGivesTheExactText(String text) {
        assertThat(tokenizer.decode(tokenizer.encode(text))).isEqualTo(text);
    }

    @Test
    void neverTruncatesLongTexts() {
        String sentence = " Data visualization empowers users to explore the hidden structure of language models.";
        int perSentence = tokenizer.encode(sentence).length;
        String text = sentence.repeat(2000 / perSentence + 1);

        long[] ids = tokenizer.encode(text);

        // Sentences split at the same boundaries every time, so the count must be exactly additive.
        assertThat(ids.length).isEqualTo(perSentence * (2000 / perSentence + 1)).isGreaterThanOrEqualTo(2000);
        assertThat(ids.length).isGreaterThan(1024);
        assertThat(tokenizer.decode(ids)).isEqualTo(text);
    }

    @Test
    void rejectsIdsOutsideTheVocabulary() {
        assertThatThrownBy(() -> tokenizer.decode(new long[] {464, 50257}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("50257")
                .hasMessageContaining("position 1");
        assertThatThrownBy(() -> tokenizer.pieces(new long[] {-1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }
}
