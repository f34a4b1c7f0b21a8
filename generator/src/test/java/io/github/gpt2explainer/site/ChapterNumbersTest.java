package io.github.gpt2explainer.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.gpt2explainer.model.Gpt2Config;
import io.github.gpt2explainer.prompts.PromptSet;
import io.github.gpt2explainer.prompts.PromptSetLoader;
import io.github.gpt2explainer.site.Chapters.Chapter;
import io.github.gpt2explainer.trace.ModelInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 item 4: the chapters quote the numbers of the model the site is built with (placeholders filled at
 * render time), a link or figure naming a layer or head the model lacks fails the build with file and line, and
 * every chapter has a live figure of a curated prompt.
 */
class ChapterNumbersTest {

    private static final List<String> LANGUAGES = List.of("en", "zh");
    /** The demo model's shape: 4 layers, width 64, 4 heads of 16, GPT-2's vocabulary and context. */
    private static final Gpt2Config DEMO = new Gpt2Config(50257, 1024, 64, 4, 4, 1e-5);
    /** Another shape: 6 layers, width 96, 4 heads of 24 (√24 is not a whole number), a small vocabulary and context. */
    private static final Gpt2Config OTHER = new Gpt2Config(1000, 128, 96, 6, 4, 1e-5);
    private static final Pattern FIGURE = Pattern.compile("\\{\\{figure [^}]*prompt=([a-z0-9-]+)[^}]*\\}\\}");

    /** The chapters as a site built with a model of this shape renders them (chapters render before any prompt). */
    private static SiteContext site(Path templates, Gpt2Config config) {
        ModelInfo model = new ModelInfo("random-" + config.width(), null, null, null, "0".repeat(64), "0".repeat(64),
                config, false);
        SiteInput input = new SiteInput(SiteFixture.promptSet(), model, id -> null, "v");
        SiteLayout layout = new SiteLayout(LANGUAGES);
        try (SiteTemplates t = SiteTemplates.directory(templates)) {
            Chapters chapters = Chapters.load(t.prose(), LANGUAGES).filled(ProseValues.of(input));
            return new SiteContext(input, layout, chapters, t, new PageTemplates(t.pages()), new Markdown());
        }
    }

    private static Path repoTemplates() {
        return SiteFixture.repositoryRoot().resolve("templates");
    }

    private static String text(SiteContext site, String path) {
        return Jsoup.parseBodyFragment(site.chapterHtml(path)).text();
    }

    @Test
    void chaptersBuiltWithTwoModelShapesShowEachShapesOwnNumbers() {
        SiteContext demo = site(repoTemplates(), DEMO);
        SiteContext other = site(repoTemplates(), OTHER);

        String demoAttention = text(demo, "chapters/attention.html");
        String otherAttention = text(other, "chapters/attention.html");
        assertThat(demoAttention).contains("two 16-number vectors", "√d_k = √16 = 4", "4 heads of 16", "one 64 × 192 matrix");
        assertThat(otherAttention).contains("two 24-number vectors", "√d_k = √24 ≈ 4.899", "4 heads of 24", "one 96 × 288 matrix",
                "4 heads × 128 × 128");
        String demoModel = text(demo, "chapters/transformer.html");
        String otherModel = text(other, "chapters/transformer.html");
        // the table of the model in numbers: layers, heads, width, head size, MLP width, vocabulary, context, parameters
        assertThat(demoModel).contains("layers (blocks) 4", "width of the residual stream 64", "MLP hidden width (4 × 64) 256",
                "vocabulary 50,257 tokens", "context 1024 tokens");
        assertThat(otherModel).contains("layers (blocks) 6", "width of the residual stream 96", "size of one head (96 ÷ 4) 24",
                "MLP hidden width (4 × 96) 384", "vocabulary 1000 tokens", "context 128 tokens",
                // V·E + context·E + L·(attention 37,248 + MLP 74,208 + norms 384) + final norm: 96,000 + 12,288 + 6 × 111,840 + 192
                "parameters 779,520", "Each block holds 111,840 more");
        assertThat(text(other, "zh/chapters/attention.html")).contains("√d_k = √24 ≈ 4.899", "4 个头，每个 24 维");
        assertThat(text(other, "zh/chapters/generation.html")).contains("6 层 × 2（键和值）× 96 个数字，即 1152 个数字");
        // a link meaning "the last layer" follows the model
        assertThat(demo.chapterHtml("chapters/attention.html")).contains("layer=3&amp;head=0&amp;token=10");
        assertThat(other.chapterHtml("chapters/attention.html")).contains("layer=5&amp;head=0&amp;token=10");
        // and so does a figure of the last layer
        assertThat(other.chapterHtml("chapters/mlp.html")).contains("data-figure=\"mlp\" data-prompt=\"eiffel-tower\" data-layer=\"5\"");
    }

    /** The regression of issue 17: GPT-2 small's shape was typed into the prose, wrong on every other model. */
    @Test
    void noChapterQuotesGpt2SmallsShapeOnAnotherModel() {
        SiteContext other = site(repoTemplates(), OTHER);
        Pattern small = Pattern.compile("\\b(768|2304|3072|50,257|50,217|1024|1023|124,439,808)\\b|√64|[Tt]welve|十二|\\{\\{");
        for (String lang : LANGUAGES) {
            for (String slug : other.chapters.slugs()) {
                String path = other.layout.chapterPage(lang, slug);
                Matcher m = small.matcher(text(other, path));
                assertThat(m.find() ? m.group() : null).as(path + " quotes GPT-2 small's shape or a raw placeholder").isNull();
            }
        }
    }

    @Test
    void everyChapterHasALiveFigureOfACuratedPromptInEveryLanguage() {
        PromptSet real = PromptSetLoader.load(SiteFixture.repositoryRoot().resolve("prompts"));
        Chapters chapters = Chapters.load(repoTemplates().resolve("prose"), LANGUAGES);
        for (String lang : LANGUAGES) {
            for (Chapter c : chapters.of(lang)) {
                Matcher m = FIGURE.matcher(c.body());
                int figures = 0;
                while (m.find()) {
                    figures++;
                    assertThat(real.ids()).as(c.file() + " figure of " + m.group(1)).contains(m.group(1));
                }
                assertThat(figures).as(c.file() + " figures").isPositive();
            }
        }
    }

    private static Path templatesWith(Path dir, String chapter, String line) throws Exception {
        Path t = SiteFixture.copyTemplates(dir, true);
        Path file = t.resolve("prose/en/chapters/" + chapter);
        Files.writeString(file, Files.readString(file) + "\n" + line + "\n");
        return t;
    }

    private static int lines(Path file) throws Exception {
        return (int) Files.readString(file).lines().count();
    }

    @Test
    void aChapterLinkToALayerOrHeadTheModelLacksIsAnErrorWithFileAndLine(@TempDir Path tmp) throws Exception {
        Path t = templatesWith(tmp.resolve("a"), "04-attention.md", "See [layer 40](prompt:eiffel-tower#view=attention&layer=40&head=0).");
        Path file = t.resolve("prose/en/chapters/04-attention.md");
        assertThatThrownBy(() -> site(t, DEMO)).isInstanceOf(ProseException.class)
                .hasMessageStartingWith(file + ":" + lines(file) + ": ")
                .hasMessageContaining("layer 40").hasMessageContaining("4 layers (0 to 3)");
        // the same link is fine on a model that has the layer; a head is checked as well, and a link to a prompt
        // this set does not have (shown as plain text) still may not name a layer the model lacks
        Path h = templatesWith(tmp.resolve("b"), "02-tokens.md", "[x](prompt:not-here#view=attention&layer=1&head=7)");
        assertThatThrownBy(() -> site(h, DEMO)).isInstanceOf(ProseException.class)
                .hasMessageContaining("02-tokens.md:").hasMessageContaining("head 7");
        Path c = templatesWith(tmp.resolve("c"), "05-mlp.md", "[x](compare:#view=heads&layer=9)");
        assertThatThrownBy(() -> site(c, OTHER)).isInstanceOf(ProseException.class)
                .hasMessageContaining("05-mlp.md:").hasMessageContaining("layer 9");
    }

    @Test
    void aFigureOfALayerTheModelLacksOrAMalformedFigureIsAnErrorWithFileAndLine(@TempDir Path tmp) throws Exception {
        Path t = templatesWith(tmp.resolve("a"), "05-mlp.md", "{{figure view=mlp prompt=eiffel-tower layer=40}}");
        Path file = t.resolve("prose/en/chapters/05-mlp.md");
        assertThatThrownBy(() -> site(t, DEMO)).isInstanceOf(ProseException.class)
                .hasMessageStartingWith(file + ":" + lines(file) + ": ").hasMessageContaining("layer 40");
        for (String bad : List.of("{{figure view=sankey prompt=eiffel-tower}}", "{{figure view=tokens}}",
                "{{figure view=tokens prompt=eiffel-tower layer=1}}", "{{figure view=next-token prompt=eiffel-tower t=9}}", "{{figure view=next-token prompt=eiffel-tower k=5.5}}",
                "Text and {{figure view=tokens prompt=eiffel-tower}} on one line")) {
            Path b = templatesWith(tmp.resolve("b" + bad.hashCode()), "03-embeddings.md", bad);
            Path bFile = b.resolve("prose/en/chapters/03-embeddings.md");
            assertThatThrownBy(() -> site(b, DEMO)).as(bad).isInstanceOf(ProseException.class)
                    .hasMessageStartingWith(bFile + ":" + lines(bFile) + ": ");
        }
    }

    @Test
    void anUnknownPlaceholderIsAnErrorWithFileAndLine(@TempDir Path tmp) throws Exception {
        Path t = templatesWith(tmp.resolve("a"), "07-logits.md", "The model is {{model.widht}} wide.");
        Path file = t.resolve("prose/en/chapters/07-logits.md");
        assertThatThrownBy(() -> site(t, DEMO)).isInstanceOf(ProseException.class)
                .hasMessageStartingWith(file + ":" + lines(file) + ": unknown placeholder {{model.widht}}")
                .hasMessageContaining("model.width");
    }

    /** `check` (no model) finds unknown placeholders and malformed figures in every language, with file and line. */
    @Test
    void checkFindsUnknownPlaceholdersAndMalformedFiguresWithoutAModel(@TempDir Path tmp) throws Exception {
        assertThat(Chapters.problemsWithoutModel(repoTemplates().resolve("prose"))).isEmpty();
        Path prose = tmp.resolve("prose");
        Files.createDirectories(prose.resolve("en/chapters"));
        Files.createDirectories(prose.resolve("zh/chapters"));
        Files.writeString(prose.resolve("en/chapters/01-a.md"), "# A\n\nIt is {{model.wdith}} wide.\n");
        Files.writeString(prose.resolve("zh/chapters/01-a.md"), "# 甲\n\n文字。\n\n{{figure view=nope prompt=x}}\n");
        assertThat(Chapters.problemsWithoutModel(prose)).satisfiesExactly(
                p -> assertThat(p).startsWith(prose.resolve("en/chapters/01-a.md") + ":3: unknown placeholder {{model.wdith}}"),
                p -> assertThat(p).startsWith(prose.resolve("zh/chapters/01-a.md") + ":5: figure: view=nope"));
    }

    @Test
    void aFigureOfAPromptNotInThisSetDrawsTheFirstPromptAndSaysSo(@TempDir Path tmp) throws Exception {
        Path t = templatesWith(tmp.resolve("a"), "02-tokens.md", "\n{{figure view=tokens prompt=not-in-this-set}}");
        SiteContext site = site(t, DEMO);
        Document html = Jsoup.parseBodyFragment(site.chapterHtml("chapters/tokens.html"));
        String first = SiteFixture.promptSet().ids().get(0);
        assertThat(html.select("figure.live-figure[data-figure=tokens]").eachAttr("data-prompt")).contains(first);
        assertThat(site.notices()).anyMatch(n -> n.contains("draw " + first + " instead") && n.contains("tokens -> not-in-this-set"));
    }

    @Test
    void aFigureIsAFrameForTheViewCodeWithACaptionAndALinkToTheSameViewOnThePromptPage() {
        SiteContext site = site(repoTemplates(), DEMO);
        Document zh = Jsoup.parseBodyFragment(site.chapterHtml("zh/chapters/sampling.html"));
        var fig = zh.selectFirst("figure.live-figure[data-figure=next-token]");
        assertThat(fig).isNotNull();
        assertThat(fig.attr("data-prompt")).isEqualTo(SiteFixture.EIFFEL_ID);
        assertThat(fig.attr("data-t")).isEqualTo("1");
        assertThat(fig.attr("data-k")).isEqualTo("5");
        assertThat(fig.selectFirst("figcaption").text()).contains("The Eiffel Tower is located in the city of", "top-k 取 5");
        assertThat(fig.selectFirst("figcaption a").attr("href"))
                .isEqualTo("../../zh/p/eiffel-tower.html#view=next-token&t=1&k=5");
        assertThat(site.featured()).as("the home page's place to start: the chapters' first figure").isEqualTo(SiteFixture.EIFFEL_ID);
        assertThat(Set.copyOf(site.notices())).as("every figure's prompt is in the fixture's set").allMatch(n -> !n.contains("instead"));
    }
}
