package io.github.gpt2explainer.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Gpt2TokenizerPiecesTest {
    private static Gpt2Tokenizer tokenizer;

    @BeforeAll
    static void load() {
        tokenizer = Gpt2Tokenizer.bundled();
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    private static byte[] concatenated(List<TokenPiece> pieces) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        pieces.forEach(p -> out.writeBytes(p.bytes()));
        return out.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "我爱自然语言处理。",
        "👋🌍 family: 👨‍👩‍👧",
        "a\n\n\t  b   ",
        "for i in range(10):\n    print(i)",
        "Data visualization empowers users to<|endoftext|>"
    })
    void piecesConcatenateToTheTextBytes(String text) {
        List<TokenPiece> pieces = tokenizer.pieces(tokenizer.encode(text));

        assertThat(concatenated(pieces)).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
        assertThat(pieces).allSatisfy(p -> assertThat(p.display()).doesNotContain("\uFFFD"));
    }

    @Test
    void chineseHasPartialPiecesInByteNotationThatJoinBackToCharacters() {
        String text = "我爱自然语言处理。";
        List<TokenPiece> pieces = tokenizer.pieces(tokenizer.encode(text));

        List<TokenPiece> partial = pieces.stream().filter(TokenPiece::partial).toList();
        assertThat(partial).isNotEmpty().allSatisfy(p -> {
            assertThat(p.text()).isNull();
            assertThat(p.display()).containsPattern("<[0-9A-F]{2}>").doesNotContain("\uFFFD");
        });

        List<CharacterSpan> spans = CharacterSpan.of(pieces);
        assertThat(spans).isNotEmpty().allSatisfy(span -> {
            assertThat(span.complete()).isTrue();
            assertThat(text).contains(span.text());
        });
        // Every partial piece belongs to some run.
        for (int i = 0; i < pieces.size(); i++) {
            int index = i;
            if (pieces.get(i).partial()) {
                assertThat(spans).anySatisfy(span -> assertThat(span.covers(index)).isTrue());
            }
        }
    }

    @Test
    void plainAsciiPiecesAreNeverPartial() {
        String text = "Data visualization empowers users to";
        long[] ids = tokenizer.encode(text);
        List<TokenPiece> pieces = tokenizer.pieces(ids);

        assertThat(pieces).noneMatch(TokenPiece::partial);
        assertThat(String.join("", pieces.stream().map(TokenPiece::text).toList())).isEqualTo(text);
        for (int i = 0; i < ids.length; i++) {
            assertThat(pieces.get(i).id()).isEqualTo(ids[i]);
            assertThat(pieces.get(i).text()).isEqualTo(tokenizer.decode(new long[] {ids[i]}));
            assertThat(pieces.get(i).visibleText()).isEqualTo(pieces.get(i).text().replace(' ', '␣'));
        }
        assertThat(pieces.get(1).visibleText()).isEqualTo("␣visualization");
    }

    @Test
    void endOfTextIsASpecialPiece() {
        TokenPiece endOfText = tokenizer.piece(tokenizer.endOfTextId());
        assertThat(endOfText.special()).isTrue();
        assertThat(endOfText.text()).isEqualTo("<|endoftext|>");
        assertThat(tokenizer.piece(262).special()).isFalse();
        assertThat(tokenizer.piece(262).text()).isEqualTo(" the");
    }

    @Test
    void whitespaceTokensAreDisplayable() {
        List<TokenPiece> pieces = tokenizer.pieces(tokenizer.encode("a\n\n\t  b"));
        assertThat(pieces).extracting(TokenPiece::visibleText).allSatisfy(v -> assertThat(v).doesNotContainPattern("\\s"));
        assertThat(String.join("", pieces.stream().map(TokenPiece::visibleText).toList())).isEqualTo("a↵↵⇥␣␣b");
    }
}
