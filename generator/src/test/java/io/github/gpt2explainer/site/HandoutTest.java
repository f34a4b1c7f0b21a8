package io.github.gpt2explainer.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.gpt2explainer.model.Gpt2Config;
import io.github.gpt2explainer.model.ModelSource;
import io.github.gpt2explainer.prompts.PromptSet;
import io.github.gpt2explainer.prompts.PromptSpec;
import io.github.gpt2explainer.prompts.SiteSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.support.ui.WebDriverWait;

/** handouts/<id>.html: one file per prompt and language that works on its own, from any folder, offline. */
class HandoutTest {

    private static Path handout(String lang, String id) {
        return SiteFixture.site().resolve((lang.equals("en") ? "" : lang + "/") + "handouts/" + id + ".html");
    }

    @Test
    void everyHandoutReferencesNoOtherFileAndAllowsExactlyItsOwnInlineBlocks() throws Exception {
        for (String lang : List.of("en", "zh")) {
            for (String id : SiteFixture.promptSet().ids()) {
                Path file = handout(lang, id);
                Document doc = Jsoup.parse(file.toFile(), "UTF-8");
                assertThat(doc.select("script[src], link[href], img[src]:not([src^=data:]), iframe, object, embed"))
                        .as(file.toString()).isEmpty();
                for (Element a : doc.select("a[href]")) {
                    assertThat(a.attr("href")).as(file + ": " + a).matches("#.*|https://.*");
                }
                String csp = doc.select("meta[http-equiv=Content-Security-Policy]").attr("content");
                assertThat(csp).as(file.toString()).startsWith("default-src 'none'; script-src 'sha256-")
                        .doesNotContain("unsafe-inline").doesNotContain("'self'").contains("connect-src 'none'");
                List<String> scripts = new ArrayList<>();
                for (Element s : doc.select("script")) {
                    scripts.add("'sha256-" + sha256(s.data()) + "'");
                }
                List<String> styles = new ArrayList<>();
                for (Element s : doc.select("style")) {
                    styles.add("'sha256-" + sha256(s.data()) + "'");
                }
                assertThat(directive(csp, "script-src")).as(file.toString()).containsExactlyInAnyOrderElementsOf(
                        scripts.stream().distinct().toList());
                assertThat(directive(csp, "style-src")).as(file.toString()).containsExactlyInAnyOrderElementsOf(styles);
                // every part of the prompt's data is inside: all layers' attention and detail (the demo is small)
                String html = Files.readString(file, StandardCharsets.UTF_8);
                int layers = SiteFixture.model().info().config().layers();
                for (int l = 0; l < layers; l++) {
                    assertThat(html).contains("GPT2X.receive(\"" + id + "/attn-" + l + "\"")
                            .contains("GPT2X.receive(\"" + id + "/layer-" + l + "\"");
                }
                assertThat(html).contains("GPT2X.receive(\"" + id + "/model\"").contains("GPT2X.receive(\"" + id + "/main\"");
                assertThat(doc.selectFirst("html").attr("lang")).as(file.toString()).isEqualTo(AccessibilityTest.htmlLang(lang));
                System.out.printf("size: handout %s %,d bytes (%,d gzip)%n", SiteFixture.site().relativize(file),
                        Files.size(file), PageWeight.gzip(Files.readAllBytes(file)));
            }
        }
    }

    private static List<String> directive(String csp, String name) {
        for (String d : csp.split(";")) {
            String[] words = d.trim().split("\\s+");
            if (words[0].equals(name)) {
                return List.of(words).subList(1, words.length);
            }
        }
        throw new AssertionError("no " + name + " in " + csp);
    }

    private static String sha256(String text) throws Exception {
        return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void scriptTextThatWouldEndTheScriptElementIsEscaped() {
        assertThat(Handout.safeInScript("var s = \"</script><!-- x\";", "t")).isEqualTo("var s = \"<\\/script><\\!-- x\";");
        assertThat(Handout.safeInScript("a = '</SCRIPT>'", "t")).isEqualTo("a = '<\\/SCRIPT>'");
        assertThatThrownBy(() -> Handout.seal("<html>no policy</html>")).isInstanceOf(SiteRenderException.class)
                .hasMessageContaining("layout.ftlh");
    }

    @Test
    void overTheBudgetTheHandoutKeepsAttentionButLeavesOutThePerLayerDetail() {
        Map<String, byte[]> shared = Map.of("assets/js/core.js", new byte[1000]);
        Map<String, String> data = new java.util.LinkedHashMap<>();
        data.put("data/x/main.js", "m".repeat(500));
        data.put("data/x/model.js", "e".repeat(500));
        data.put("data/x/attn-0.js", "a".repeat(500));
        data.put("data/x/layer-0.js", "l".repeat(4000));
        data.put("data/x/attn-1.js", "a".repeat(500));
        data.put("data/x/layer-1.js", "l".repeat(4000));
        Handout fits = Handout.forPrompt(shared, data, "data/x/main.js", 11_000);
        assertThat(fits.isOmitted()).isFalse();
        assertThat(fits.getData()).containsExactly("data/x/model.js", "data/x/attn-0.js", "data/x/layer-0.js",
                "data/x/attn-1.js", "data/x/layer-1.js");
        Handout trimmed = Handout.forPrompt(shared, data, "data/x/main.js", 10_999);
        assertThat(trimmed.isOmitted()).isTrue();
        assertThat(trimmed.getData()).containsExactly("data/x/model.js", "data/x/attn-0.js", "data/x/attn-1.js");
        assertThat(trimmed.script("../../data/x/attn-1.js")).isEqualTo("a".repeat(500));
        assertThatThrownBy(() -> trimmed.script("../assets/js/missing.js")).isInstanceOf(SiteRenderException.class)
                .hasMessageContaining("assets/js/missing.js");
    }

    @Test
    void aCompactHandoutLeavesOutThePerLayerDetailHoweverSmallAndAFullOneKeepsItWithinTheBudget() {
        Map<String, byte[]> shared = Map.of("assets/js/core.js", new byte[10]);
        Map<String, String> data = new java.util.LinkedHashMap<>();
        data.put("data/x/main.js", "m");
        data.put("data/x/heads.js", "h");
        data.put("data/x/attn-0.js", "a");
        data.put("data/x/layer-0.js", "l");
        data.put("data/x/layer-10.js", "l");
        Handout compact = Handout.forPrompt(shared, data, "data/x/main.js", SiteSettings.Handouts.COMPACT);
        assertThat(compact.isOmitted()).isTrue();
        assertThat(compact.getData()).containsExactly("data/x/heads.js", "data/x/attn-0.js");
        assertThatThrownBy(() -> compact.script("../../data/x/layer-0.js")).isInstanceOf(SiteRenderException.class);
        Handout full = Handout.forPrompt(shared, data, "data/x/main.js", SiteSettings.Handouts.FULL);
        assertThat(full.isOmitted()).isFalse();
        assertThat(full.getData()).containsExactly("data/x/heads.js", "data/x/attn-0.js", "data/x/layer-0.js",
                "data/x/layer-10.js");
    }

    /**
     * Each handout, copied alone into an empty folder, opened from disk with every host unresolvable: no
     * request but the file itself (and data: URLs), no console error, and the views work, lazily loaded
     * layers included.
     */
    @Test
    @Tag("browser")
    void aHandoutCopiedAloneWorksFromDiskWithTheNetworkBlocked(@TempDir Path alone) throws Exception {
        try (Browser browser = new Browser()) {
            for (String lang : List.of("en", "zh")) {
                for (String id : SiteFixture.promptSet().ids()) {
                    Path copy = Files.createDirectories(alone.resolve(lang)).resolve(id + ".html");
                    Files.copy(handout(lang, id), copy);
                    String url = copy.toUri().toString();
                    browser.console();
                    browser.driver.get(url + "#layer=1&head=1&steps=1");
                    WebDriverWait wait = new WebDriverWait(browser.driver, Duration.ofSeconds(20));
                    wait.until(d -> Boolean.TRUE.equals(browser.driver.executeScript(
                            "return document.body.classList.contains('ready');")));
                    wait.until(d -> browser.driver.findElements(By.cssSelector("#attention figure.attn-panel")).size() == 4);
                    assertThat(browser.driver.findElements(By.cssSelector("#sankey svg .node"))).as(url).isNotEmpty();
                    assertThat(browser.driver.findElements(By.cssSelector("#nt-rows tr"))).as(url).hasSize(12);
                    assertThat(browser.driver.findElements(By.cssSelector("#gen-rows tr"))).as(url).isNotEmpty();
                    assertThat(browser.driver.findElement(By.cssSelector(".handout-note")).getText()).as(url).isNotBlank();
                    // a part no view has asked for yet is there too, without a request
                    assertThat((Boolean) browser.driver.executeScript("return !!GPT2X.get(arguments[0]);", id + "/layer-0"))
                            .as(url).isTrue();
                    AccessibilityTest.expandEverything(browser); // whatever a view loads on demand must be inside
                    assertThat(browser.resources()).as(url).allSatisfy(r ->
                            assertThat(r.equals(url + "#layer=1&head=1&steps=1") || r.startsWith("data:")).as(r).isTrue());
                    assertThat(browser.console().stream().filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue()))
                            .as(url + " console").isEmpty();
                    assertThatThrownBy(() -> browser.driver.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
                }
            }
            browser.driver.get(alone.resolve("en").resolve(SiteFixture.EIFFEL_ID + ".html").toUri().toString());
            browser.fullScreenshot("handout-eiffel", 1280);
        }
    }

    /**
     * GPT-2 small's shape (random weights) and a 16-token prompt: how big a handout gets. Opt-in
     * (-Dgpt2.sizes=true): building the model takes ~1.5 GB and a minute of CPU.
     */
    @Test
    @Tag("slow")
    @EnabledIfSystemProperty(named = "gpt2.sizes", matches = "true")
    void gpt2SmallShapedHandoutSize(@TempDir Path out) throws Exception {
        Gpt2Config small = new Gpt2Config(50257, 1024, 768, 12, 12, 1e-5);
        ModelSource source = ModelSource.random(small, 7, "random-gpt2-small", true);
        String text = "The quick brown fox jumps over the lazy dog while the cat sleeps on the warm";
        PromptSpec spec = new PromptSpec("sixteen", text, Map.of("en", "16 tokens", "zh", "16 个词元"),
                Map.of("en", "n", "zh", "n"), null, null, null, null, null, null, List.of(), Path.of("sixteen.md"), 2);
        PromptSet set = new PromptSet(SiteFixture.promptSet().settings(), List.of(spec));
        try (source; ModelRuns runs = new ModelRuns(source, set); SiteTemplates t = SiteFixture.templates()) {
            new SiteRenderer(t).render(new SiteInput(set, source.info(), runs, "v"), out);
        }
        Path file = out.resolve("handouts/sixteen.html");
        System.out.printf("size: GPT-2-small shape, 16 tokens: handout %,d bytes (%,d gzip)%n", Files.size(file),
                PageWeight.gzip(Files.readAllBytes(file)));
        assertThat(Files.size(file)).isLessThan(Handout.BUDGET_BYTES + 2_000_000);
    }
}
