package io.github.gpt2explainer.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MarkdownDepthTest {

    @Test
    void aThousandQuoteMarkersAreTooDeep() {
        assertThat(MarkdownDepth.check("A note.\n\n" + DeepMarkdown.THOUSAND_QUOTES + "\n"))
                .hasValueSatisfying(deep -> {
                    assertThat(deep.line()).isEqualTo(3);
                    assertThat(deep.depth()).isEqualTo(1000);
                    assertThat(deep.message()).contains("1000 levels").contains("at most " + MarkdownDepth.MAX_DEPTH);
                });
    }

    @Test
    void aListNested1500LevelsIsTooDeepAtTheLineWhereItCrossesTheLimit() {
        var deep = MarkdownDepth.check(DeepMarkdown.nestedList(1500)).orElseThrow();
        // line n is indented 2(n-1) columns: 1 marker + (2(n-1))/4 levels > 32 first at n = 65
        assertThat(deep.line()).isEqualTo(65);
    }

    @Test
    void listsOnOneLineAndSpacedQuotesCountEveryMarker() {
        assertThat(MarkdownDepth.depth("- - - 1. 2) * + x")).isEqualTo(7);
        assertThat(MarkdownDepth.depth("> > >> x")).isEqualTo(4);
        assertThat(MarkdownDepth.check("- ".repeat(40) + "x")).isPresent();
    }

    @Test
    void ordinaryNotesAreShallowAndTextIsNotAMarker() {
        assertThat(MarkdownDepth.depth("- What to look at: layer 5, head 1.")).isEqualTo(1);
        assertThat(MarkdownDepth.depth("  - nested once")).isEqualTo(1);
        assertThat(MarkdownDepth.depth("-x, 1.5 million, *emphasis*, 2024.")).isZero();
        assertThat(MarkdownDepth.depth(">>> print(x)")).isEqualTo(3);
        assertThat(MarkdownDepth.check(DeepMarkdown.nestedList(20))).isEmpty();
        assertThat(MarkdownDepth.check("a\r\nb\r\n" + ">".repeat(33))).hasValueSatisfying(d -> assertThat(d.line()).isEqualTo(3));
        assertThat(MarkdownDepth.check(">".repeat(32))).isEmpty();
        assertThat(MarkdownDepth.check(null)).isEmpty();
    }
}
