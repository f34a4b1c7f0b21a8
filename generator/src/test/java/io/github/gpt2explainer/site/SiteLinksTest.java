package io.github.gpt2explainer.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;

/** prompt:/chapter:/compare: links in site Markdown, resolved relative to the page, checked to exist. */
class SiteLinksTest {

    private final Markdown markdown = new Markdown();
    private static final Set<String> PROMPTS = Set.of("eiffel-tower", "united-states");
    private static final Set<String> CHAPTERS = Set.of("attention", "tokens");

    private static SiteLinks from(String root, String prefix) {
        return new SiteLinks("prose/en/chapters/04-attention.md", root, prefix, PROMPTS, CHAPTERS);
    }

    private Document render(String md, SiteLinks links) {
        return Jsoup.parseBodyFragment(markdown.toHtml(md, links));
    }

    @Test
    void promptLinksBecomeRelativePageLinksWithTheirStateHash() {
        String md = "[see it live](prompt:eiffel-tower#view=attention&layer=5&head=1) and [tokens](chapter:tokens)"
                + " and [all](compare:#layer=2&head=3)";
        assertThat(render(md, from("../", "")).select("a").eachAttr("href")).containsExactly(
                "../p/eiffel-tower.html#view=attention&layer=5&head=1", "../chapters/tokens.html", "../compare.html#layer=2&head=3");
        // a Chinese chapter page (zh/chapters/x.html) links to the Chinese prompt page
        assertThat(render(md, from("../../", "zh/")).select("a").eachAttr("href")).containsExactly(
                "../../zh/p/eiffel-tower.html#view=attention&layer=5&head=1", "../../zh/chapters/tokens.html",
                "../../zh/compare.html#layer=2&head=3");
    }

    @Test
    void anUnknownPromptLosesItsLinkButAnUnknownChapterIsAnError() {
        String html = markdown.toHtml("Look [here](prompt:eiffel#view=tokens).", from("../", ""));
        assertThat(html).contains("Look here.").doesNotContain("href");
        assertThat(from("../", "").missingPrompts("[a](prompt:eiffel) [b](prompt:eiffel-tower)\n[c]: prompt:gone"))
                .containsExactly("eiffel", "gone");
        assertThatThrownBy(() -> markdown.toHtml("[x](chapter:mlp)", from("../", "")))
                .isInstanceOf(SiteRenderException.class).hasMessageContaining("04-attention.md").hasMessageContaining("chapter 'mlp'");
    }

    @Test
    void aHashThatIsNotRouterStateIsRejected() {
        assertThatThrownBy(() -> markdown.toHtml("[x](prompt:eiffel-tower#view=\"><script>)", from("", "")))
                .isInstanceOf(SiteRenderException.class).hasMessageContaining("04-attention.md");
    }

    @Test
    void dangerousSchemesStayDroppedAndSiteLinksNeedAContext() {
        Document withContext = render("[a](javascript:alert(1)) [b](data:text/html,x) [c](prompt:eiffel-tower)",
                from("", ""));
        assertThat(withContext.select("a").eachAttr("href")).containsExactly("p/eiffel-tower.html");
        // without a SiteLinks context (e.g. text from elsewhere) the prompt: form is an unknown scheme: dropped
        assertThat(render("[c](prompt:eiffel-tower) [d](javascript:alert(1))", null).select("a")).isEmpty();
    }
}
