package io.github.gpt2explainer.site;

import static org.assertj.core.api.Assertions.assertThat;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;

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
}
