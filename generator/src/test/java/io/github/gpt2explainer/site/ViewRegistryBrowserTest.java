package io.github.gpt2explainer.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Views describe themselves (issue 14, item 7): on every prompt page in every language each section is drawn
 * by a registered view that started without error, the data parts the scripts load (GPT2X.data) are the files
 * the generator writes (SiteLayout) under the key those files announce, the layer selectors are the shared one,
 * and the attention flow labels its intermediate nodes and reads them out by keyboard.
 */
@Tag("browser")
class ViewRegistryBrowserTest {

    @RegisterExtension
    static final BrowserExtension chromium = BrowserExtension.browserOnly();

    private static Browser browser() {
        return chromium.browser();
    }

    private static Object js(String script, Object... args) {
        return browser().driver.executeScript(script, args);
    }

    private static void open(Path page, String hash) {
        browser().driver.get("about:blank");
        browser().console();
        browser().driver.get(page.toUri() + hash);
        new WebDriverWait(browser().driver, Duration.ofSeconds(20)).until(d -> Boolean.TRUE.equals(
                js("return document.body.classList.contains('ready');")));
    }

    private static List<Path> promptPages() throws IOException {
        Path site = SiteFixture.site();
        List<Path> pages = new ArrayList<>();
        for (Path dir : List.of(site.resolve("p"), site.resolve("zh/p"))) {
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(f -> f.toString().endsWith(".html")).sorted().forEach(pages::add);
            }
        }
        assertThat(pages).hasSizeGreaterThanOrEqualTo(2);
        return pages;
    }

    @Test
    @SuppressWarnings("unchecked")
    void everySectionIsDrawnByARegisteredViewThatStarted() throws IOException {
        for (Path page : promptPages()) {
            open(page, "");
            List<String> sections = (List<String>) js(
                    "return Array.prototype.map.call(document.querySelectorAll('section.panel[id]'), function (s) { return s.id; });");
            Map<String, String> sectionOfView = (Map<String, String>) js(
                    "var out = {}; GPT2X.viewNames().forEach(function (n) { out[n] = GPT2X.views[n].section; }); return out;");
            Map<String, String> started = (Map<String, String>) js("return GPT2X.started;");
            assertThat(sections).as(page + ": sections").contains("overview", "attention", "heads", "flow", "inside", "next-token");
            assertThat(sectionOfView.values()).as(page + ": every section has a view").containsAll(sections);
            assertThat(sections).as(page + ": every view's section is on the page").containsAll(sectionOfView.values());
            assertThat(started).as(page + ": every registered view started").containsOnlyKeys(sectionOfView.keySet());
            assertThat(started.values()).as(page.toString()).containsOnly("ready");
            assertThat(browser().driver.findElements(By.cssSelector("section.panel .error"))).as(page + ": errors shown").isEmpty();
            assertThat(browser().console()).as(page + ": console").noneMatch(e -> e.getLevel().intValue() >= Level.WARNING.intValue());
        }
    }

    /**
     * A view is one file plus its section: every file in assets/js/views/ is loaded by the prompt page and the
     * chapter pages (no hand-kept list), each registers views drawing into a section of the prompt page, and
     * the section nav has one link per section, in page order, labelled with its heading, that scrolls to it.
     */
    @Test
    @SuppressWarnings("unchecked")
    void everyViewFileIsLoadedAndTheSectionNavIsMadeFromTheSections() throws IOException {
        Path site = SiteFixture.site();
        List<String> viewFiles;
        try (Stream<Path> files = Files.list(site.resolve("assets/js/views"))) {
            viewFiles = files.map(f -> "assets/js/views/" + f.getFileName()).sorted().toList();
        }
        assertThat(viewFiles).hasSizeGreaterThanOrEqualTo(15);
        Path chapters = site.resolve("chapters");
        Path chapter;
        try (Stream<Path> files = Files.list(chapters)) {
            chapter = files.filter(f -> !f.getFileName().toString().equals("index.html") && f.toString().endsWith(".html"))
                    .sorted().findFirst().orElseThrow();
        }
        for (Path page : List.of(promptPages().get(0), chapter)) {
            List<String> loaded = org.jsoup.Jsoup.parse(page.toFile(), "UTF-8").select("script[src*=/views/]").eachAttr("src")
                    .stream().map(src -> src.replaceFirst("^(\\.\\./)+", "")).toList();
            assertThat(loaded).as(page + ": the view scripts, in file-name order").containsExactlyElementsOf(viewFiles);
        }
        for (Path page : promptPages()) {
            open(page, "");
            List<String> sections = (List<String>) js("return Array.prototype.map.call(document.querySelectorAll("
                    + "'main section.panel[id]'), function (s) { return '#view=' + s.id + ' ' + s.querySelector('h2').textContent; });");
            List<String> links = (List<String>) js("return Array.prototype.map.call(document.querySelectorAll("
                    + "'.section-nav a'), function (a) { return a.getAttribute('href') + ' ' + a.textContent; });");
            assertThat(links).as(page + ": section nav").hasSizeGreaterThanOrEqualTo(10).containsExactlyElementsOf(sections);
        }
        // A link of the nav scrolls its section to the top.
        open(promptPages().get(0), "");
        browser().driver.findElement(By.cssSelector(".section-nav a[href='#view=generation']")).click();
        new WebDriverWait(browser().driver, Duration.ofSeconds(5)).until(d -> ((Number) js(
                "return Math.abs(document.getElementById('generation').getBoundingClientRect().top);")).doubleValue() < 80);
    }

    /**
     * One colour language: each swatch of the overview's legend has the colour of the marks it names (both come
     * from GPT2X.palette.role), and the probability bars and the probability Sankey's bands are the palette's.
     */
    @Test
    @SuppressWarnings("unchecked")
    void legendSwatchesAndDataMarksTakeThePaletteColours() throws IOException {
        open(promptPages().get(0), "");
        Map<String, List<String>> colours = (Map<String, List<String>>) js(
                "function norm(c) { var x = document.createElement('canvas').getContext('2d'); x.fillStyle = '#010203';"
                        + " x.fillStyle = c; return x.fillStyle; }"
                        + "function swatch(cls) { return norm(getComputedStyle(document.querySelector('#overview .swatch.' + cls)).backgroundColor); }"
                        + "function marks(sel) { return Array.prototype.map.call(document.querySelectorAll(sel), function (e) {"
                        + "  var cs = getComputedStyle(e); return norm(e.tagName === 'SPAN' ? cs.backgroundColor : cs.fill); }); }"
                        + "var role = GPT2X.palette.role, out = {};"
                        + "[['sw-token', '.node-embed > rect', 'embed'], ['sw-attn', '.node-attn > rect', 'attn'],"
                        + " ['sw-mlp', '.node-mlp > rect', 'mlp'], ['sw-out', '.node-lnf > rect', 'lnf'],"
                        + " ['sw-for', '.node-stream.side-for > rect', 'for'], ['sw-against', '.node-stream.side-against > rect', 'against']"
                        + "].forEach(function (k) { out[k[0]] = [norm(role[k[2]]), swatch(k[0])].concat(marks('#sankey ' + k[1])); });"
                        + "out.bars = [norm(role.probability)].concat(marks('#nt-rows tr:not(.chosen) .bar'));"
                        + "out.bands = [norm(role.candidate)].concat(marks('#ps-chart .ps-link:not(.rest)'));"
                        + "return out;");
        for (Map.Entry<String, List<String>> e : colours.entrySet()) {
            List<String> c = e.getValue();
            assertThat(c.get(0)).as(e.getKey() + ": the palette role").matches("#[0-9a-f]{6}").isNotEqualTo("#010203");
            assertThat(c).as(e.getKey() + ": swatch and marks").hasSizeGreaterThan(e.getKey().equals("sw-against") ? 1 : 2)
                    .containsOnly(c.get(0));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theDataPartsTheScriptsLoadAreTheFilesTheGeneratorWrites() throws IOException {
        Path site = SiteFixture.site();
        Path page = promptPages().get(0);
        open(page, "");
        String id = (String) js("return document.body.getAttribute('data-prompt');");
        int layers = ((Number) js("return GPT2X.get(GPT2X.data.main(arguments[0]).key).model.layers;", id)).intValue();
        assertThat(layers).isGreaterThan(1);
        Map<String, String> expected = new java.util.LinkedHashMap<>();
        expected.put("main", SiteLayout.mainData(id));
        expected.put("model", SiteLayout.modelData(id));
        expected.put("heads", SiteLayout.headsData(id));
        expected.put("insight", SiteLayout.insightData(id));
        expected.put("compareIndex", SiteLayout.compareIndexData());
        for (int l = 0; l < layers; l++) {
            expected.put("attention/" + l, SiteLayout.attentionData(id, l));
            expected.put("layer/" + l, SiteLayout.layerData(id, l));
            expected.put("compareAttention/" + l, SiteLayout.compareAttentionData(l));
        }
        for (Map.Entry<String, String> e : expected.entrySet()) {
            String[] kind = e.getKey().split("/");
            Map<String, String> part = (Map<String, String>) js(
                    "var k = arguments[0], id = arguments[1], l = arguments[2];"
                            + "if (k === 'compareIndex') { return GPT2X.data.compareIndex(); }"
                            + "if (k === 'compareAttention') { return GPT2X.data.compareAttention(l); }"
                            + "return GPT2X.data[k](id, l);",
                    kind[0], id, kind.length > 1 ? Integer.parseInt(kind[1]) : null);
            assertThat(part.get("path")).as(e.getKey()).isEqualTo(e.getValue());
            Path file = site.resolve(part.get("path"));
            assertThat(file).as(e.getKey()).isRegularFile();
            // The file announces itself under the key the page waits for.
            String head = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
            assertThat(head).as(e.getKey()).startsWith("GPT2X.receive(\"" + part.get("key") + "\"");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyLayerSelectorOffersTheSameLayers() throws IOException {
        open(promptPages().get(0), "");
        int layers = ((Number) js("return GPT2X.get(GPT2X.data.main(document.body.getAttribute('data-prompt')).key).model.layers;")).intValue();
        List<String> reference = null;
        for (String select : List.of("attn-layer", "heads-layer", "blk-layer")) {
            List<String> options = (List<String>) js("return Array.prototype.map.call(document.getElementById(arguments[0]).options,"
                    + " function (o) { return o.value + '=' + o.textContent; });", select);
            assertThat(options).as(select).hasSize(layers);
            assertThat(options.get(layers - 1)).as(select).startsWith((layers - 1) + "=");
            if (reference == null) {
                reference = options;
            }
            assertThat(options).as(select).isEqualTo(reference);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theAttentionFlowLabelsItsIntermediateNodesAndReadsThemByKeyboard() throws IOException {
        Path page = promptPages().get(0);
        open(page, "#view=flow");
        int layers = ((Number) js("return GPT2X.get(GPT2X.data.main(document.body.getAttribute('data-prompt')).key).model.layers;")).intValue();
        // Every intermediate node tall enough carries its position number, and only its own.
        List<Map<String, Object>> nodes = (List<Map<String, Object>>) js(
                "return Array.prototype.map.call(document.querySelectorAll('#flow-chart .flow-node'), function (g) {"
                        + " var r = g.querySelector('rect'), t = g.querySelector('text.flow-pos');"
                        + " return {id: g.getAttribute('data-node'), h: r.getBBox().height, label: t ? t.textContent : null}; });");
        int intermediate = 0;
        for (Map<String, Object> n : nodes) {
            String[] id = ((String) n.get("id")).split(":");
            int column = Integer.parseInt(id[0]);
            if (column == 0 || column == layers) {
                continue;
            }
            double h = ((Number) n.get("h")).doubleValue();
            if (h >= 9) {
                intermediate++;
                assertThat(n.get("label")).as("node " + n.get("id")).isEqualTo(id[1]);
            }
        }
        assertThat(intermediate).as("labelled intermediate nodes").isPositive();
        assertThat(browser().driver.findElement(By.cssSelector("#flow-chart .flow-header")).getText()).contains(String.valueOf(layers - 1));

        // Keyboard: the chart is one tab stop; focus reads the target node, ArrowLeft the node one block earlier.
        WebElement svg = browser().driver.findElement(By.cssSelector("#flow-chart svg"));
        js("arguments[0].focus();", svg);
        new Actions(browser().driver).sendKeys(Keys.ARROW_LEFT).perform();
        String cursor = (String) js("var c = document.querySelector('#flow-chart .flow-node.cursor'); return c && c.getAttribute('data-node');");
        assertThat(cursor).startsWith((layers - 1) + ":");
        String tip = browser().driver.findElement(By.id("gpt2x-tip")).getText();
        String position = cursor.split(":")[1];
        assertThat(tip).contains("position " + position).contains("after block " + (layers - 2));
        String label = browser().driver.findElement(By.cssSelector("#flow-chart .flow-hover-label")).getText();
        assertThat(label).contains("after block " + (layers - 2));
        // Every band of that position is highlighted, no other.
        List<String> hot = (List<String>) js("return Array.prototype.map.call(document.querySelectorAll('#flow-chart .flow-link.hot'),"
                + " function (p) { return p.getAttribute('data-source') + '>' + p.getAttribute('data-target'); });");
        assertThat(hot).isNotEmpty().allMatch(s -> s.matches(".*:" + position + ">.*") || s.endsWith(":" + position));
        new Actions(browser().driver).sendKeys(Keys.ESCAPE).perform();
        assertThat(browser().driver.findElements(By.cssSelector("#flow-chart .flow-link.hot"))).isEmpty();
    }
}
