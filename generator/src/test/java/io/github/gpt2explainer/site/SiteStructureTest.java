package io.github.gpt2explainer.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

/** The rendered pages, parsed with jsoup: structure, links, safety. */
class SiteStructureTest {

    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " font-src 'self'; connect-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'";

    private static List<Path> pages() throws IOException {
        Path site = SiteFixture.site();
        try (Stream<Path> walk = Files.walk(site)) {
            // handouts inline their scripts under a hash-based policy: HandoutTest checks them
            return walk.filter(p -> p.toString().endsWith(".html") && !site.relativize(p).toString().contains("handouts"))
                    .sorted().toList();
        }
    }

    private static Document parse(Path page) throws IOException {
        return Jsoup.parse(page.toFile(), "UTF-8", page.toUri().toString());
    }

    @Test
    void theSiteHasAnIndexAboutAndOnePagePerPromptInEachLanguage() {
        Path site = SiteFixture.site();
        for (String prefix : List.of("", "zh/")) {
            assertThat(site.resolve(prefix + "index.html")).isRegularFile();
            assertThat(site.resolve(prefix + "about.html")).isRegularFile();
            assertThat(site.resolve(prefix + "heads.html")).isRegularFile();
            for (String id : SiteFixture.promptSet().ids()) {
                assertThat(site.resolve(prefix + "p/" + id + ".html")).isRegularFile();
            }
        }
        // per language: index, about, comparison page, heads page, chapter list, 10 chapters, and a page and a handout
        // per prompt
        assertThat(SiteFixture.report().pageCount()).isEqualTo(2 * (5 + 10 + 2 * SiteFixture.promptSet().prompts().size()));
    }

    @Test
    void everyPageHasTheStrictPolicyAndNoInlineScriptStyleOrHandler() throws IOException {
        for (Path page : pages()) {
            Document doc = parse(page);
            assertThat(doc.select("meta[http-equiv=Content-Security-Policy]").attr("content")).as(page.toString()).isEqualTo(CSP);
            for (Element script : doc.select("script")) {
                assertThat(script.hasAttr("src")).as(page + ": inline script").isTrue();
                assertThat(script.data()).as(page.toString()).isEmpty();
            }
            assertThat(doc.select("style")).as(page.toString()).isEmpty();
            for (Element el : doc.getAllElements()) {
                for (Attribute a : el.attributes()) {
                    assertThat(a.getKey()).as(page + ": " + el.tagName()).doesNotStartWith("on").isNotEqualTo("style");
                }
            }
        }
    }

    @Test
    void everyLinkAndResourceIsRelativeAndExists() throws IOException {
        Path site = SiteFixture.site().toRealPath();
        int checked = 0;
        for (Path page : pages()) {
            Document doc = parse(page);
            for (Element el : doc.select("a[href], link[href], script[src], img[src]")) {
                String ref = el.hasAttr("href") ? el.attr("href") : el.attr("src");
                if (ref.startsWith("#") || ref.startsWith("https://example.org/")) {
                    continue; // in-page state; the one external link of the hostile note's Markdown
                }
                assertThat(ref).as(page + " -> " + ref).doesNotContain("://").doesNotStartWith("/").doesNotStartWith("//");
                Path target = Path.of(URI.create(page.toUri().toString()).resolve(ref.replaceAll("#.*", ""))).normalize();
                assertThat(target).as(page + " -> " + ref).isRegularFile();
                assertThat(target.toRealPath().startsWith(site)).as(page + " -> " + ref).isTrue();
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(100);
    }

    @Test
    void theHostilePromptIsTextEverywhere() throws IOException {
        for (Path page : pages()) {
            Document doc = parse(page);
            assertThat(doc.select("img")).as(page.toString()).isEmpty();
            assertThat(doc.select("script:not([src])")).as(page.toString()).isEmpty();
            assertThat(doc.select("b")).as(page + ": title markup must be text").isEmpty();
        }
        Document hostile = parse(SiteFixture.site().resolve("p/" + SiteFixture.HOSTILE_ID + ".html"));
        assertThat(hostile.select("q.prompt-text").text()).isEqualTo(SiteFixture.HOSTILE_TEXT);
        assertThat(hostile.select("h1").text()).isEqualTo("Hostile <b>title</b>");
        // the Markdown note: HTML shown as text, javascript: link dropped, https link and emphasis kept
        Element notes = hostile.selectFirst(".notes");
        assertThat(notes.text()).contains("<script>alert(2)</script>").contains("<img src=x onerror=alert(4)>");
        assertThat(notes.select("a").eachAttr("href")).containsExactly("https://example.org/");
        assertThat(notes.select("em").text()).isEqualTo("emphasis");
        Document index = parse(SiteFixture.site().resolve("index.html"));
        assertThat(index.select(".card .prompt-text").eachText()).contains(SiteFixture.HOSTILE_TEXT);
    }

    @Test
    void aPromptPageShowsEveryTokenWithIdAndBytesAndTheContinuations() throws IOException {
        var run = SiteFixture.run(SiteFixture.CHINESE_ID);
        Document doc = parse(SiteFixture.site().resolve("p/" + SiteFixture.CHINESE_ID + ".html"));
        var chips = doc.select("#tokens .token");
        long[] ids = run.prefill().tokens();
        assertThat(chips).hasSize(ids.length);
        boolean sawPartial = false;
        for (int i = 0; i < ids.length; i++) {
            Element chip = chips.get(i);
            var piece = run.vocabulary().get((int) ids[i]);
            assertThat(chip.attr("data-id")).isEqualTo(Long.toString(ids[i]));
            assertThat(chip.selectFirst(".tok-id").text()).isEqualTo(Long.toString(ids[i]));
            assertThat(chip.selectFirst(".tok-text").wholeText()).isEqualTo(piece.visibleText());
            StringBuilder hex = new StringBuilder();
            for (byte b : piece.bytes()) {
                hex.append(hex.length() == 0 ? "" : " ").append(String.format("%02X", b & 0xFF));
            }
            assertThat(chip.selectFirst(".tok-bytes").text()).isEqualTo(hex.toString());
            assertThat(chip.hasClass("partial")).isEqualTo(piece.partial());
            sawPartial |= piece.partial();
        }
        assertThat(sawPartial).as("the Chinese prompt splits a character across tokens").isTrue();
        assertThat(doc.select(".continuation-col")).hasSize(run.generations().size());
        assertThat(doc.select(".continuation-col").first().select(".gen-tok")).hasSize(run.generations().get(0).steps().size());
        // scripts: the data file of this prompt, d3 and d3-sankey from the site itself
        assertThat(doc.select("script[src]").eachAttr("src")).contains("../data/" + SiteFixture.CHINESE_ID + "/main.js",
                "../assets/vendor/d3.min.js", "../assets/vendor/d3-sankey.min.js");
    }

    @Test
    void chinesePagesUseChineseStringsAndLinkToTheirEnglishTwin() throws IOException {
        Document zh = parse(SiteFixture.site().resolve("zh/p/" + SiteFixture.EIFFEL_ID + ".html"));
        assertThat(zh.selectFirst("html").attr("lang")).isEqualTo("zh-Hans");
        assertThat(zh.select("#attention h2").text()).isEqualTo("注意力");
        assertThat(zh.select("h1").text()).isEqualTo("一个事实");
        assertThat(zh.select("script[src]").eachAttr("src")).contains("../../assets/i18n/zh.js");
        assertThat(zh.select(".languages a").eachAttr("href"))
                .containsExactly("../../p/" + SiteFixture.EIFFEL_ID + ".html", "../../zh/p/" + SiteFixture.EIFFEL_ID + ".html");
        Document en = parse(SiteFixture.site().resolve("p/" + SiteFixture.EIFFEL_ID + ".html"));
        assertThat(en.selectFirst("html").attr("lang")).isEqualTo("en");
        assertThat(en.select("#attention h2").text()).isEqualTo("Attention");
    }

    @Test
    void theAboutPageNamesEverythingNeededToReproduce() throws IOException {
        Document about = parse(SiteFixture.site().resolve("about.html"));
        String text = about.text();
        var info = SiteFixture.model().info();
        assertThat(text).contains(info.weightsSha256()).contains(info.tokenizerSha256()).contains("test-version")
                .contains("0, 0.8, 1.5").contains("20240601").contains("--model demo");
        assertThat(about.select(".demo-banner")).hasSize(1);
    }

    @Test
    void theIndexListsEveryPromptAsACardLinkingToItsPage() throws IOException {
        Document index = parse(SiteFixture.site().resolve("index.html"));
        assertThat(index.select(".card a.card-link").eachAttr("href")).containsExactlyElementsOf(
                SiteFixture.promptSet().ids().stream().map(id -> "p/" + id + ".html").toList());
        assertThat(index.select(".model-card").text()).contains("50257").contains("1024");
        assertThat(index.select(".how-to-read li")).hasSizeGreaterThanOrEqualTo(5);
    }

    @Test
    void dataFilesAreClassicScriptsWithNoLongDecimals() throws IOException {
        Path data = SiteFixture.site().resolve("data");
        try (Stream<Path> walk = Files.walk(data)) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                String text = Files.readString(f, StandardCharsets.UTF_8);
                assertThat(text).as(f.toString()).startsWith("GPT2X.receive(\"").endsWith(");\n");
                if (f.getFileName().toString().equals("insight.js")) {
                    // Plain float32 numbers by contract: at most 9 significant digits (float32's), never a double's 17.
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\d+\\.\\d+").matcher(text);
                    while (m.find()) {
                        String digits = m.group().replace(".", "").replaceFirst("^0+", "");
                        assertThat(digits.length()).as(f + ": " + m.group()).isLessThanOrEqualTo(9);
                    }
                } else {
                    assertThat(text).as(f.toString()).doesNotContainPattern("\\d\\.\\d{9,}");
                }
                assertThat(text.chars().allMatch(c -> c < 128)).as(f + " is ASCII").isTrue();
            }
        }
    }
}
