package io.github.gpt2explainer.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Display of raw token bytes and joining of partial characters, independent of any vocabulary. */
class TokenPieceTest {

    private static TokenPiece piece(int... bytes) {
        byte[] raw = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            raw[i] = (byte) bytes[i];
        }
        return TokenPiece.of(0, raw, false);
    }

    private static TokenPiece piece(String text) {
        return TokenPiece.of(0, text.getBytes(StandardCharsets.UTF_8), false);
    }

    @Test
    void completeUtf8IsShownAsText() {
        TokenPiece chinese = piece("你");
        assertThat(chinese.partial()).isFalse();
        assertThat(chinese.text()).isEqualTo("你");
        assertThat(chinese.display()).isEqualTo("你");
    }

    @Test
    void fragmentsAreShownInByteNotationNeverAsReplacementCharacter() {
        TokenPiece head = piece(0xE4, 0xBD);
        assertThat(head.partial()).isTrue();
        assertThat(head.text()).isNull();
        assertThat(head.display()).isEqualTo("<E4><BD>");

        TokenPiece spaceThenLead = piece(0x20, 0xE4);
        assertThat(spaceThenLead.display()).isEqualTo(" <E4>");
        assertThat(spaceThenLead.visibleText()).isEqualTo("␣<E4>");

        // Surrogate encodings and overlong forms are not UTF-8 either.
        assertThat(piece(0xED, 0xA0, 0x80).display()).isEqualTo("<ED><A0><80>");
        assertThat(piece(0xC0, 0xAF).display()).isEqualTo("<C0><AF>");
        assertThat(piece(0xF0, 0x9F, 0x91).display()).doesNotContain("\uFFFD").isEqualTo("<F0><9F><91>");
    }

    @Test
    void visibleTextShowsWhitespaceAndControls() {
        assertThat(piece(" world").visibleText()).isEqualTo("␣world");
        assertThat(piece("\n\n").visibleText()).isEqualTo("↵↵");
        assertThat(piece("\t\r").visibleText()).isEqualTo("⇥␍");
        assertThat(piece(0x00, 0x7F).visibleText()).isEqualTo("<00><7F>");
        assertThat(piece("  ").display()).as("display keeps the real text").isEqualTo("  ");
    }

    @Test
    void bytesAreDefensivelyCopied() {
        TokenPiece p = piece("ab");
        p.bytes()[0] = 'x';
        assertThat(p.bytes()).isEqualTo("ab".getBytes(StandardCharsets.UTF_8));
        assertThat(p).isEqualTo(piece("ab"));
    }

    @Test
    void joinsFragmentsThatFormOneCharacter() {
        List<TokenPiece> pieces = List.of(piece("I"), piece(0xE4, 0xBD), piece(0xA0), piece("!"));

        List<CharacterSpan> spans = CharacterSpan.of(pieces);

        assertThat(spans).hasSize(1);
        CharacterSpan span = spans.get(0);
        assertThat(span.firstPiece()).isEqualTo(1);
        assertThat(span.endPiece()).isEqualTo(3);
        assertThat(span.text()).isEqualTo("你");
        assertThat(span.complete()).isTrue();
        assertThat(span.equation()).isEqualTo("<E4><BD> + <A0> = 你");
        assertThat(span.covers(2)).isTrue();
        assertThat(span.covers(3)).isFalse();
    }

    @Test
    void chainsAcrossTokensThatShareTwoCharacters() {
        // "你好" = E4 BD A0 E5 A5 BD split as [E4] [BD A0 E5] [A5 BD]: all three tokens form one run.
        List<TokenPiece> pieces = List.of(piece(0xE4), piece(0xBD, 0xA0, 0xE5), piece(0xA5, 0xBD));

        List<CharacterSpan> spans = CharacterSpan.of(pieces);

        assertThat(spans).singleElement().satisfies(span -> {
            assertThat(span.firstPiece()).isZero();
            assertThat(span.endPiece()).isEqualTo(3);
            assertThat(span.text()).isEqualTo("你好");
            // The middle token starts with continuation bytes, so on its own none of it is a character.
            assertThat(span.equation()).isEqualTo("<E4> + <BD><A0><E5> + <A5><BD> = 你好");
        });
    }

    @Test
    void separateCharactersGiveSeparateRunsAndUnfinishedOnesAreFlagged() {
        List<TokenPiece> pieces = List.of(piece(0xF0, 0x9F), piece(0x91, 0x8B), piece(" and"), piece(0xE4, 0xBD));

        List<CharacterSpan> spans = CharacterSpan.of(pieces);

        assertThat(spans).hasSize(2);
        assertThat(spans.get(0).text()).isEqualTo("👋");
        assertThat(spans.get(0).complete()).isTrue();
        assertThat(spans.get(1).firstPiece()).isEqualTo(3);
        assertThat(spans.get(1).complete()).isFalse();
        assertThat(spans.get(1).text()).isEqualTo("<E4><BD>");
    }

    @Test
    void plainTextHasNoRuns() {
        assertThat(CharacterSpan.of(List.of(piece("Hello"), piece(" 你"), piece("!")))).isEmpty();
        assertThat(CharacterSpan.of(List.of())).isEmpty();
    }
}
