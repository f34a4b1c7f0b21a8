package io.github.gpt2explainer.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.gpt2explainer.forward.CapturedTensor;
import io.github.gpt2explainer.trace.PromptRun;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Chapters, the comparison page and its data, and the two-language frame of every page (jsoup). */
class SitePagesTest {

    private static final List<String> SLUGS = List.of("transformer", "tokens", "embeddings", "attention", "mlp",
            "residual-layernorm", "logits", "temperature", "sampling", "generation");

    private static Document parse(String path) throws IOException {
        Path page = SiteFixture.site().resolve(path);
        return Jsoup.parse(page.toFile(), "UTF-8", page.toUri().toString());
    }

    private static List<String> allPages() throws IOException {
        Path site = SiteFixture.site();
        try (Stream<Path> walk = Files.walk(site)) {
            return walk.filter(p -> p.toString().endsWith(".html")).map(p -> site.relativize(p).toString().replace('\\', '/'))
                    .sorted().toList();
        }
    }

    @Test
    void chaptersAreRenderedInBothLanguagesInOrderWithPagerAndHeaderLink() throws IOException {
        for (String prefix : List.of("", "zh/")) {
            String base = prefix.isEmpty() ? "../chapters/" : "../../zh/chapters/";
            Document list = parse(prefix + "chapters/index.html");
            assertThat(list.select(".chapter-list .chapter-link").eachAttr("href"))
                    .containsExactlyElementsOf(SLUGS.stream().map(s -> base + s + ".html").toList());
            for (int i = 0; i < SLUGS.size(); i++) {
                Document doc = parse(prefix + "chapters/" + SLUGS.get(i) + ".html");
                assertThat(doc.selectFirst("html").attr("lang")).isEqualTo(prefix.isEmpty() ? "en" : "zh-Hans");
                assertThat(doc.select("article.chapter h1 .chapter-number").text()).isEqualTo(String.valueOf(i + 1));
                assertThat(doc.select("article.chapter p").text().length()).as(SLUGS.get(i)).isGreaterThan(400);
                assertThat(doc.select(".chapter-pager a.prev").attr("href"))
                        .isEqualTo(i == 0 ? "" : base + SLUGS.get(i - 1) + ".html");
                assertThat(doc.select(".chapter-pager a.next").attr("href"))
                        .isEqualTo(i == SLUGS.size() - 1 ? "" : base + SLUGS.get(i + 1) + ".html");
                assertThat(doc.select(".site-nav a[aria-current]").attr("href")).isEqualTo(base + "index.html");
            }
        }
        Document zh = parse("zh/chapters/attention.html");
        assertThat(zh.select("article.chapter h1").text()).contains("注意力");
        assertThat(parse("chapters/attention.html").select("article.chapter h1").text()).contains("Attention");
    }

    /** prompt: links point at the prompt page of the same language, with the state hash, and the page exists. */
    @Test
    void chapterPromptLinksResolveToExistingPromptPagesWithState() throws IOException {
        Path site = SiteFixture.site();
        Set<String> ids = Set.copyOf(SiteFixture.promptSet().ids());
        int checked = 0;
        for (String prefix : List.of("", "zh/")) {
            for (String slug : SLUGS) {
                String path = prefix + "chapters/" + slug + ".html";
                Document doc = parse(path);
                List<Element> live = doc.select("article.chapter a[href*=p/]");
                assertThat(live).as(path + " links into a prompt").isNotEmpty();
                for (Element a : live) {
                    String href = a.attr("href");
                    assertThat(href).as(path).matches((prefix.isEmpty() ? "\\.\\./p/" : "\\.\\./\\.\\./zh/p/")
                            + "[a-z0-9-]+\\.html(#[a-z0-9=&.-]+)?");
                    String id = href.replaceAll(".*/p/([a-z0-9-]+)\\.html.*", "$1");
                    assertThat(ids).contains(id);
                    Path target = Path.of(URI.create(site.resolve(path).toUri().toString()).resolve(href.replaceAll("#.*", "")));
                    assertThat(target).isRegularFile();
                    checked++;
                }
                assertThat(doc.select("article.chapter a").eachAttr("href")).as(path)
                        .noneMatch(h -> h.startsWith("prompt:") || h.startsWith("chapter:") || h.startsWith("compare:"));
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(2 * SLUGS.size());
        // "the last layer" in the chapter's link is the built model's last layer (issue 17: no silent clamp)
        int last = SiteFixture.model().info().config().layers() - 1;
        assertThat(parse("chapters/attention.html").select("a[href='../p/eiffel-tower.html#view=attention&layer=" + last
                + "&head=0&token=10']")).hasSize(1);
    }

    @Test
    void aChapterLinkToAPromptThisSetLacksIsPlainTextAndReported(@TempDir Path dir) throws IOException {
        Path templates = SiteFixture.copyTemplates(dir.resolve("templates"), true);
        Path chapter = templates.resolve("prose/zh/chapters/05-mlp.md");
        Files.writeString(chapter, Files.readString(chapter) + "\n[再看一次](prompt:no-such-prompt#view=overview)\n");
        RenderReport report;
        try (SiteTemplates t = SiteTemplates.directory(templates)) {
            report = new SiteRenderer(t).render(SiteFixture.input(), dir.resolve("out"));
        }
        Document page = Jsoup.parse(dir.resolve("out/zh/chapters/mlp.html").toFile(), "UTF-8");
        assertThat(page.text()).contains("再看一次");
        assertThat(page.select("a[href*=no-such-prompt]")).isEmpty();
        assertThat(report.notices()).singleElement().asString().contains("mlp -> no-such-prompt");
    }

    @Test
    void aChapterLinkToAMissingChapterFailsTheBuildNamingTheFile(@TempDir Path dir) throws IOException {
        Path templates = SiteFixture.copyTemplates(dir.resolve("templates"), true);
        Path chapter = templates.resolve("prose/zh/chapters/05-mlp.md");
        Files.writeString(chapter, Files.readString(chapter) + "\n[下一章](chapter:no-such-chapter)\n");
        try (SiteTemplates t = SiteTemplates.directory(templates)) {
            assertThatThrownBy(() -> new SiteRenderer(t).render(SiteFixture.input(), dir.resolve("out")))
                    .isInstanceOf(SiteRenderException.class)
                    .hasMessageContaining(chapter.toString())
                    .hasMessageContaining("no-such-chapter");
        }
        assertThat(dir.resolve("out/p")).doesNotExist(); // failed before any prompt was rendered
    }

    @Test
    void everyPageHasItsLanguageAlternatesAndTheSwitcherPointsAtItsTwin() throws IOException {
        for (String path : allPages()) {
            Document doc = parse(path);
            boolean zh = path.startsWith("zh/");
            String twin = zh ? path.substring(3) : "zh/" + path;
            assertThat(doc.selectFirst("html").attr("lang")).as(path).isEqualTo(zh ? "zh-Hans" : "en");
            if (path.contains("handouts/")) {
                // a handout is one self-contained file: it links no other file, so no twin (HandoutTest)
                assertThat(doc.select("link[rel=alternate], .languages a, .site-nav a")).as(path).isEmpty();
                continue;
            }
            String root = SiteLayout.rootFrom(path);
            assertThat(doc.select("link[rel=alternate][hreflang=en]").attr("href")).as(path)
                    .isEqualTo(root + (zh ? twin : path));
            assertThat(doc.select("link[rel=alternate][hreflang=zh-Hans]").attr("href")).as(path)
                    .isEqualTo(root + (zh ? path : twin));
            for (Element a : doc.select(".languages a")) {
                assertThat(a.attr("data-switch-to")).isEqualTo(a.attr("href"));
            }
            assertThat(doc.select(".site-nav a").eachAttr("href")).as(path).containsExactly(
                    root + (zh ? "zh/" : "") + "index.html", root + (zh ? "zh/" : "") + "chapters/index.html",
                    root + (zh ? "zh/" : "") + "compare.html", root + (zh ? "zh/" : "") + "heads.html",
                    root + (zh ? "zh/" : "") + "about.html");
        }
    }

    @Test
    void theIndexListsTheChaptersAndLinksTheComparison() throws IOException {
        Document en = parse("index.html");
        assertThat(en.select(".chapter-cards a").eachAttr("href"))
                .containsExactlyElementsOf(SLUGS.stream().map(s -> "chapters/" + s + ".html").toList());
        assertThat(en.select(".compare-teaser a").attr("href")).isEqualTo("compare.html");
        Document zh = parse("zh/index.html");
        assertThat(zh.select(".chapter-cards a").first().text()).contains("Transformer").contains("是什么");
    }

    @Test
    void theComparePageHasACellPerPromptAndLoadsOnlyItsIndexData() throws IOException {
        for (String prefix : List.of("", "zh/")) {
            Document doc = parse(prefix + "compare.html");
            assertThat(doc.select(".cmp-cell").eachAttr("data-prompt")).containsExactlyElementsOf(SiteFixture.promptSet().ids());
            String root = prefix.isEmpty() ? "" : "../";
            assertThat(doc.select("script[src]").eachAttr("src")).contains(root + "data/compare/index.js", root + "assets/js/compare.js")
                    .noneMatch(s -> s.contains("attn-"));
            int layers = SiteFixture.model().info().config().layers();
            assertThat(doc.select("#cmp-layer option")).hasSize(layers);
            assertThat(doc.select("#cmp-heads .head")).hasSize(SiteFixture.model().info().config().heads());
        }
        assertThat(parse("zh/compare.html").select("h1").text()).isEqualTo("对比示例");
    }

    /** The shared-token index is computed here from the runs' tokens; the maps are the runs' softmax values. */
    @Test
    void compareDataHoldsTheSharedTokensAndEveryPromptsSoftmaxMaps() throws IOException {
        List<String> ids = SiteFixture.promptSet().ids();
        Map<Long, List<List<Integer>>> expected = new TreeMap<>();
        Map<Long, Set<Integer>> promptsOf = new TreeMap<>();
        for (int p = 0; p < ids.size(); p++) {
            long[] tokens = SiteFixture.run(ids.get(p)).prefill().tokens();
            for (int pos = 0; pos < tokens.length; pos++) {
                expected.computeIfAbsent(tokens[pos], k -> new ArrayList<>()).add(List.of(p, pos));
                promptsOf.computeIfAbsent(tokens[pos], k -> new TreeSet<>()).add(p);
            }
        }
        expected.keySet().removeIf(id -> promptsOf.get(id).size() < 2);
        assertThat(expected.keySet()).contains(464L, 286L); // "The", " of": Eiffel and United States

        JsonNode index = payload("data/compare/index.js", "compare/index");
        Map<Long, List<List<Integer>>> shared = new LinkedHashMap<>();
        for (JsonNode s : index.get("shared")) {
            List<List<Integer>> at = new ArrayList<>();
            s.get("at").forEach(pair -> at.add(List.of(pair.get(0).asInt(), pair.get(1).asInt())));
            shared.put(s.get("id").asLong(), at);
        }
        assertThat(shared).containsExactlyInAnyOrderEntriesOf(expected);
        assertThat(new ArrayList<>(shared.keySet())).isSortedAccordingTo(Comparator.comparingInt((Long id) -> -promptsOf.get(id).size())
                .thenComparing(Comparator.naturalOrder()));
        assertThat(index.get("vocab").get("464").get("display").asText()).isEqualTo("The");

        int layer = 1;
        JsonNode attn = payload("data/compare/attn-" + layer + ".js", "compare/attn-" + layer);
        assertThat(attn.get("maps")).hasSize(ids.size());
        for (int p = 0; p < ids.size(); p++) {
            PromptRun run = SiteFixture.run(ids.get(p));
            CapturedTensor softmax = run.prefill().get("h." + layer + ".attn.softmax");
            float[] stored = decode(attn.get("maps").get(p));
            assertThat(stored).hasSize(softmax.size());
            for (int i = 0; i < stored.length; i++) {
                assertThat(stored[i]).as(ids.get(p) + " [" + i + "]")
                        .isCloseTo(softmax.get(i), org.assertj.core.data.Offset.offset(Math.abs(softmax.get(i)) / 1024 + 1e-7f));
            }
            // lens top-1 after each block, per position
            JsonNode prompt = index.get("prompts").get(p);
            int t = softmax.shape().length == 3 ? (int) softmax.dim(1) : 0;
            for (int l = 0; l < run.lens().layers(); l++) {
                for (int pos = 0; pos < t; pos++) {
                    assertThat(prompt.get("lensIds").get(l * t + pos).asInt()).isEqualTo(run.lens().ids()[l][pos][0]);
                }
            }
        }
    }

    private static JsonNode payload(String path, String key) throws IOException {
        String script = Files.readString(SiteFixture.site().resolve(path), StandardCharsets.UTF_8);
        String head = "GPT2X.receive(\"" + key + "\", ";
        assertThat(script).startsWith(head).endsWith(");\n");
        return new ObjectMapper().readTree(script.substring(head.length(), script.length() - 3));
    }

    private static float[] decode(JsonNode array) {
        assertThat(array.get("dtype").asText()).isEqualTo("f16");
        return StoredArrays.decode(array);
    }
}
