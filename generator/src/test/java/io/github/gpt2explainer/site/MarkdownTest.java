package io.github.gpt2explainer.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MarkdownTest {

    private final Markdown markdown = new Markdown();

    @Test
    void rawHtmlIsShownAsTextNeverAsMarkup() {
        String html = markdown.toHtml("Hello <img src=x onerror=alert(1)> and <b>bold</b>\n\n<script>alert(2)</script>\n");
        Document doc = Jsoup.parseBodyFragment(html);
        assertThat(doc.select("img, script, b")).isEmpty();
        assertThat(doc.text()).contains("<img src=x onerror=alert(1)>").contains("<script>alert(2)</script>");
    }

    @Test
    void linksWithDangerousSchemesBecomeText() {
        String html = markdown.toHtml("[a](javascript:alert(1)) [b](JavaScript:alert(1)) [c](data:text/html,x) "
                + "[d](vbscript:x) ![e](javascript:alert(1))");
        Document doc = Jsoup.parseBodyFragment(html);
        assertThat(doc.select("a, img")).isEmpty();
    }

    @Test
    void ordinaryMarkdownAndSafeLinksRender() {
        Document doc = Jsoup.parseBodyFragment(markdown.toHtml(
                "**bold** and [site](https://example.org/) and [rel](other.html)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"));
        assertThat(doc.select("strong").text()).isEqualTo("bold");
        assertThat(doc.select("a").eachAttr("href")).containsExactly("https://example.org/", "other.html");
        assertThat(doc.select("table td").eachText()).containsExactly("1", "2");
    }

    /** Issue 13: character references, control characters and a backslash hid the scheme from the filter. */
    @ParameterizedTest
    @ValueSource(strings = {
        "java&#115;cript:alert(8)",
        "javascript&#58;alert(8)",
        "javascript&colon;alert(8)",
        "java&Tab;script:alert(8)",
        "&#x6A;avascript:alert(8)",
        "&#1;javascript:alert(8)",
        "\\javascript:alert(8)",
        "java%73cript:alert(8)",
        "JAVA&NewLine;SCRIPT&colon;alert(8)",
        " &#0;&#127;javascript:alert(8)"})
    void disguisedSchemesRenderAsText(String url) {
        for (String source : new String[] {"[c](" + url + ")", "![c](" + url + ")", "[c][r]\n\n[r]: " + url,
                "<" + url + ">"}) {
            Document doc = Jsoup.parseBodyFragment(markdown.toHtml(source));
            assertThat(doc.select("a, img")).as(source).isEmpty();
            assertThat(doc.html()).as(source).doesNotContainIgnoringCase("href").doesNotContainIgnoringCase("src=");
        }
    }

    @Test
    void relativeAndAllowedLinksSurviveTheDecoding() {
        Document doc = Jsoup.parseBodyFragment(markdown.toHtml(
                "[a](https&#58;//example.org/) [b](p/x.html#view=a:b) [c](mailto:me@example.org) [d](?q=1:2)"
                        + " [e](#x) [f](HTTP://example.org/)"));
        assertThat(doc.select("a").eachAttr("href")).containsExactly("https://example.org/", "p/x.html#view=a:b",
                "mailto:me@example.org", "?q=1:2", "#x", "HTTP://example.org/");
    }

    /** Issue 13: these overflowed the stack (StackOverflowError, exit 1) instead of giving a clear error. */
    @Test
    void deepNestingIsAClearErrorNamingTheSourceAndLine() {
        SiteLinks links = new SiteLinks("prompts/deep.md", "", "", java.util.Set.of(), java.util.Set.of());
        assertThatThrownBy(() -> markdown.toHtml("Intro\n\n" + ">".repeat(1000) + " x\n", links))
                .isInstanceOf(MarkdownTooDeepException.class)
                .hasMessageStartingWith("prompts/deep.md:3: Markdown nested 1000 levels deep");
        assertThatThrownBy(() -> markdown.toHtml(io.github.gpt2explainer.text.DeepMarkdown.nestedList(1500)))
                .isInstanceOf(MarkdownTooDeepException.class);
    }

    /** Deep nestings the line measure does not see either render or fail with the same clear error. */
    @ParameterizedTest
    @ValueSource(strings = {"[", "![", "*", "**", "_", "<", "("})
    void deeplyNestedInlineMarkupNeverEscapesAsStackOverflow(String open) {
        String source = open.repeat(20_000) + "x" + new StringBuilder(open).reverse().toString()
                .replace('[', ']').replace('(', ')').replace('<', '>').repeat(20_000);
        try {
            assertThat(markdown.toHtml(source)).isNotEmpty();
        } catch (MarkdownTooDeepException e) {
            assertThat(e).hasMessageContaining("nests too deeply");
        }
    }
}
