package io.github.gpt2explainer.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * What the pictures say (issue 14): probability bars on one absolute scale, a legend with numbers beside every
 * heat map, masked cells distinct, Chinese pages without English interface words, the key column of every
 * table inside a 375 px viewport, and a tap and a keyboard equivalent for hovering.
 */
@Tag("browser")
class VisualBrowserTest {

    @RegisterExtension
    static final BrowserExtension chromium = BrowserExtension.serving(SiteFixture::site);

    /** Latin words allowed on Chinese pages: technical names kept in Chinese texts, key names, the language switch. */
    static final Set<String> ALLOWED = Set.of("GPT", "MLP", "GELU", "softmax", "Softmax", "top-k", "top-p", "Top-k",
            "Top-p", "Tab", "Page", "Up", "Down", "Home", "End", "English", "UTF", "HTML", "SHA", "Hugging", "Face", "Transformer",
            "Abnar", "Zuidema", "openai-community", "gpt", "tanh", "PuOr", "cividis",
            "XX", // the byte notation <XX> the tokens view explains
            "test"); // the fixture prompts' own tag, which has no translation: a tag without one is shown as written

    private static Browser browser() {
        return chromium.browser();
    }

    private static void open(String path) {
        browser().console();
        int hash = path.indexOf('#');
        String file = hash < 0 ? path : path.substring(0, hash);
        browser().driver.get(chromium.site().resolve(file).toUri() + (hash < 0 ? "" : path.substring(hash)));
        new WebDriverWait(browser().driver, Duration.ofSeconds(20)).until(d -> Boolean.TRUE.equals(
                browser().driver.executeScript("return document.readyState === 'complete' && "
                        + "(document.body.getAttribute('data-page') !== 'prompt' || document.body.classList.contains('ready'));")));
    }

    private static void waitFor(String css, int count) {
        new WebDriverWait(browser().driver, Duration.ofSeconds(20)).until(d ->
                browser().driver.findElements(By.cssSelector(css)).size() >= count);
    }

    private static Object js(String script, Object... args) {
        return browser().driver.executeScript(script, args);
    }

    @Test
    void everyProbabilityBarIsItsProbabilityOfTheFullTrackWithinOnePixel() {
        // a low temperature makes one candidate dominate: scaled to the top candidate, every bar would be wrong
        // ... and the logit lens's list of a cell's top candidates (the same bars, outside a table)
        for (String hash : List.of("#view=next-token&t=0.2", "#view=next-token&t=1", "#view=generation&run=1&step=2",
                "#view=lens&layer=0&token=1")) {
            open("p/" + SiteFixture.EIFFEL_ID + ".html" + hash);
            String rows = hash.contains("generation") ? "#gen-rows tr" : hash.contains("lens") ? "#lens-detail li" : "#nt-rows tr";
            List<WebElement> bars = browser().driver.findElements(By.cssSelector(rows + " .bar"));
            assertThat(bars).as(hash).isNotEmpty();
            double sum = 0;
            for (WebElement bar : bars) {
                @SuppressWarnings("unchecked")
                Map<String, Number> box = (Map<String, Number>) js("var b = arguments[0], t = b.parentNode;"
                        + "return {bar: b.getBoundingClientRect().width, track: t.getBoundingClientRect().width,"
                        + " cell: t.parentNode.getBoundingClientRect().width};", bar);
                double p = Double.parseDouble(bar.getAttribute("data-p"));
                double expected = Math.max(1, p * box.get("track").doubleValue()); // a bar is never thinner than 1 px
                assertThat(box.get("bar").doubleValue()).as(hash + " bar of p=" + p).isCloseTo(expected, org.assertj.core.data.Offset.offset(1.0));
                if (!hash.contains("lens")) {
                    assertThat(box.get("track").doubleValue()).as("the track (100%) fills its cell").isGreaterThan(0.8 * box.get("cell").doubleValue());
                } else {
                    assertThat(box.get("track").doubleValue()).as("the lens's track (100%)").isGreaterThan(60);
                }
                sum += p;
            }
            assertThat(sum).as(hash + " probabilities shown").isLessThanOrEqualTo(1 + 1e-6);
        }
    }

    @Test
    void everyHeatMapHasALegendWithNumbersAndMaskedCellsAreHatched() {
        open("p/" + SiteFixture.EIFFEL_ID + ".html#view=attention&layer=1&head=0&steps=1");
        waitFor("#attention figure.attn-panel", 4);
        for (WebElement panel : browser().driver.findElements(By.cssSelector("#attention figure.attn-panel"))) {
            String stage = panel.getAttribute("data-stage");
            WebElement legend = panel.findElement(By.cssSelector(".scale-legend"));
            String lo = legend.findElement(By.cssSelector(".lo")).getText();
            String hi = legend.findElement(By.cssSelector(".hi")).getText();
            assertThat(lo + hi).as(stage + " legend numbers").matches(".*\\d.*\\d.*");
            if (stage.equals("attn.softmax")) {
                assertThat(legend.getAttribute("data-lo")).isEqualTo("0");
                assertThat(legend.getAttribute("data-hi")).isEqualTo("1");
            } else {
                // a signed map: symmetric around 0, its limit the largest |value| the panel shows
                double limit = Double.parseDouble(legend.getAttribute("data-hi"));
                assertThat(Double.parseDouble(legend.getAttribute("data-lo"))).isEqualTo(-limit);
                double largest = ((Number) js("var m = 0; arguments[0].querySelectorAll('rect.cell:not(.masked)').forEach(function (r) {"
                        + " m = Math.max(m, Math.abs(r.__data__.v)); }); return m;", panel)).doubleValue();
                assertThat(limit).as(stage + " limit is the largest |value|").isCloseTo(largest, org.assertj.core.data.Offset.offset(1e-9));
                assertThat(limit).as(stage + " limit").isGreaterThan(0);
            }
        }
        // masked cells (a key after the query) are hatched, not a colour of the map, and read "−∞"
        WebElement masked = browser().driver.findElement(By.cssSelector("#attention figure[data-stage='attn.masked']"));
        List<WebElement> future = masked.findElements(By.cssSelector("rect.cell.masked"));
        int t = SiteFixture.run(SiteFixture.EIFFEL_ID).prefill().tokens().length;
        assertThat(future).hasSize(t * (t - 1) / 2);
        assertThat(future).allSatisfy(c -> assertThat(c.getAttribute("fill")).isEqualTo("url(#gpt2x-hatch)"));
        assertThat(masked.findElements(By.cssSelector("rect.cell:not(.masked)")))
                .allSatisfy(c -> assertThat(c.getAttribute("fill")).startsWith("rgb("));
        assertThat(masked.findElement(By.cssSelector(".scale-legend .masked-label")).getAttribute("textContent")).contains("\u2212\u221e");
        assertThat(masked.findElement(By.cssSelector("table")).getAttribute("textContent")).contains("\u2212\u221e");
        // the other heat maps of the page: head gallery, logit lens, every strip of an operation view
        open("p/" + SiteFixture.EIFFEL_ID + ".html#view=heads");
        waitFor("#heads-grid canvas", 1);
        assertThat(browser().driver.findElement(By.cssSelector("#heads .scale-legend .hi")).getText()).matches(".*\\d.*");
        assertThat(browser().driver.findElements(By.cssSelector("#lens .scale-legend"))).hasSize(1);
        // the attention flow colours bands by input position: its legend runs from position 0 to the last
        assertThat(browser().driver.findElement(By.cssSelector("#flow .scale-legend")).getAttribute("data-hi")).isEqualTo(String.valueOf(t - 1));
        open("p/" + SiteFixture.EIFFEL_ID + ".html#view=residual&layer=1");
        waitFor(".op-host figure.hs", 5);
        List<WebElement> strips = browser().driver.findElements(By.cssSelector(".op-host figure.hs"));
        List<String> limits = new ArrayList<>();
        for (WebElement strip : strips) {
            limits.add(strip.findElement(By.cssSelector(".scale-legend")).getAttribute("data-hi"));
        }
        // stream + write = next stream: one scale for all five strips, so the picture of the sum is true
        assertThat(Set.copyOf(limits)).as("residual strips' limits").hasSize(1);
        open("compare.html");
        assertThat(browser().driver.findElements(By.cssSelector("#heads .scale-legend"))).hasSize(1);
        // the "meet the heads" page: one legend (0 .. 1, with numbers) beside each role's map, every cell coloured
        for (String path : List.of("heads.html", "zh/heads.html")) {
            open(path);
            waitFor(".hr-legend .scale-legend", 4);
            for (WebElement role : browser().driver.findElements(By.cssSelector("section.hr-role"))) {
                WebElement legend = role.findElement(By.cssSelector(".hr-legend .scale-legend"));
                assertThat(legend.getAttribute("data-lo") + "/" + legend.getAttribute("data-hi")).isEqualTo("0/1");
                assertThat(legend.findElement(By.cssSelector(".lo")).getText() + legend.findElement(By.cssSelector(".hi")).getText())
                        .matches(".*\\d.*\\d.*");
                List<WebElement> cells = role.findElements(By.cssSelector("table.hr-map td[data-value]"));
                assertThat(cells).hasSize(SiteFixture.model().config().layers() * SiteFixture.model().config().heads());
                assertThat(cells).allSatisfy(c -> assertThat(c.getCssValue("background-color")).startsWith("rgb"));
                assertThat(cells).allSatisfy(c -> assertThat(c.getCssValue("background-color")).isNotEqualTo("rgba(0, 0, 0, 0)"));
            }
        }
    }

    /** The heat maps the test above does not open: every strip of every operation view, the two insight maps. */
    @Test
    void everyStripOfEveryOperationAndEveryInsightMapHasALegendWithNumbers() {
        for (String op : List.of("embedding", "layernorm", "qkv", "mlp", "residual")) {
            open("p/" + SiteFixture.EIFFEL_ID + ".html#view=" + op + "&layer=1");
            waitFor(".op-host figure.hs", 1);
            List<WebElement> strips = browser().driver.findElements(By.cssSelector(".op-host figure.hs"));
            assertThat(strips).as(op).isNotEmpty();
            for (WebElement strip : strips) {
                assertThat(strip.findElements(By.cssSelector("canvas"))).as(op + " strip is a heat map").isNotEmpty();
                WebElement legend = strip.findElement(By.cssSelector(".scale-legend"));
                assertThat(legend.findElement(By.cssSelector(".lo")).getText() + legend.findElement(By.cssSelector(".hi")).getText())
                        .as(op + " legend numbers").matches(".*\\d.*\\d.*");
            }
        }
        open("p/" + SiteFixture.EIFFEL_ID + ".html#view=dla");
        waitFor("#dla-heads .scale-legend", 1);
        waitFor("#attribution .scale-legend", 1);
        for (String section : List.of("#dla-heads", "#attribution")) {
            WebElement legend = browser().driver.findElement(By.cssSelector(section + " .scale-legend"));
            assertThat(legend.getAttribute("data-kind")).as(section).isEqualTo("signed");
            assertThat(legend.findElement(By.cssSelector(".hi")).getText()).as(section).matches(".*\\d.*");
        }
    }

    @Test
    void chinesePagesShowNoEnglishInterfaceWords() {
        for (String path : List.of("zh/index.html", "zh/p/" + SiteFixture.EIFFEL_ID + ".html#view=attention&steps=1",
                "zh/p/" + SiteFixture.CHINESE_ID + ".html", "zh/compare.html", "zh/heads.html",
                // every operation opened in the block, one after the other (each unfolds in place)
                "zh/p/" + SiteFixture.EIFFEL_ID + ".html#view=embedding", "zh/p/" + SiteFixture.EIFFEL_ID + ".html#view=layernorm&layer=1",
                "zh/p/" + SiteFixture.EIFFEL_ID + ".html#view=qkv&layer=1", "zh/p/" + SiteFixture.EIFFEL_ID + ".html#view=mlp&layer=1",
                "zh/p/" + SiteFixture.EIFFEL_ID + ".html#view=residual&layer=1")) {
            open(path);
            if (path.contains("steps=1")) {
                waitFor("#attention figure.attn-panel", 4);
            }
            if (path.matches(".*view=(embedding|layernorm|qkv|mlp|residual).*")) {
                waitFor(".op-host figure.hs", 1);
            }
            List<String> words = visibleLatinWords(browser());
            List<String> english = words.stream().filter(w -> !ALLOWED.contains(w)).distinct().toList();
            assertThat(english).as(path + ": English words in the interface").isEmpty();
        }
    }

    /**
     * The Latin-script words of the page's visible interface text: outside the places that show model text
     * (tokens, prompts, continuations) or code. Words in {@link #ALLOWED} are the only ones a Chinese page may show.
     */
    static List<String> visibleLatinWords(Browser browser) {
        return visibleLatinWords(browser, "body");
    }

    /** {@link #visibleLatinWords(Browser)} inside the elements {@code rootCss} selects. */
    static List<String> visibleLatinWords(Browser browser, String rootCss) {
        // visible text outside the places that show model text (tokens, prompts, continuations) or code;
        // a token quoted in a sentence (“…”) is model text too
        @SuppressWarnings("unchecked")
        List<String> words = (List<String>) browser.driver.executeScript("var skip = '.token-list, .tok, .tok-text, .prompt-text, .continuation-text,"
                + " .gen-text, .cmp-text, svg text, .lens td, .ctx-tok, .chip-text, .hs-rows, option, code, pre, q,"
                + " table.data, table.hs-data, .prompt-header h1, .cmp-open, .card h3, [lang=en], #gen-draw, .qk-sum, #attn-selected,"
                + " .attn-qk h3, .continuation, .card-title, .brand, .site-footer, .tip, .prompt-pager, .notes, .demo-banner, #blk-token, .settings';"
                + "var out = []; document.querySelectorAll(arguments[0]).forEach(function (root) {"
                + "var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);"
                + "while (walker.nextNode()) { var n = walker.currentNode, e = n.parentElement;"
                + "  if (!e || e.closest(skip) || e.closest('script') || !e.checkVisibility()) { continue; }"
                + "  (n.nodeValue.replace(/\u201c[^\u201d]*\u201d/g, ' ').match(/[A-Za-z][A-Za-z_-]+/g) || []).forEach(function (w) { out.push(w.replace(/-$/, '')); }); } });"
                + "return out;", rootCss);
        return words;
    }

    @Test
    void at375PixelsTheKeyColumnOfEveryTableIsInTheViewportAndInstructionsSayTap() {
        browser().driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", 375, "height", 800, "deviceScaleFactor", 1, "mobile", true));
        browser().driver.executeCdpCommand("Emulation.setTouchEmulationEnabled", Map.of("enabled", true, "maxTouchPoints", 1));
        try {
            for (String path : List.of("p/" + SiteFixture.EIFFEL_ID + ".html", "zh/p/" + SiteFixture.EIFFEL_ID + ".html",
                    "p/" + SiteFixture.EIFFEL_ID + ".html#view=mlp&layer=1", "zh/p/" + SiteFixture.EIFFEL_ID + ".html#view=qkv&layer=1",
                    "compare.html", "zh/heads.html")) {
                boolean prompt = path.contains("/p/") || path.startsWith("p/");
                open(path.contains("#") ? path : prompt ? path + "#view=next-token" : path);
                if (prompt) {
                    waitFor("#nt-rows tr", 12);
                }
                if (path.contains("layer=1")) {
                    waitFor(".op-host figure.hs", 1);
                    // every strip's "show as table" too
                    js("document.querySelectorAll('.hs-table-toggle').forEach(function (b) { b.click(); });");
                }
                // open every data table, so each table of the page is visible and measured
                js("document.querySelectorAll('details').forEach(function (d) { d.open = true; });");
                @SuppressWarnings("unchecked")
                List<String> outside = (List<String>) js("var out = [], W = window.innerWidth;"
                        + "document.querySelectorAll('table').forEach(function (t, i) {"
                        + "  if (!t.checkVisibility()) { return; }"
                        + "  t.querySelectorAll('tr').forEach(function (tr) {"
                        + "    var key = [tr.cells[0]]; tr.querySelectorAll('table.dist .prob, table.dist td.tok').forEach(function (c) { key.push(c); });"
                        + "    key.forEach(function (c) { if (!c || !c.checkVisibility()) { return; } var r = c.getBoundingClientRect();"
                        + "      if (r.left < -0.5 || r.right > W + 0.5) { out.push((t.id || t.className || 'table ' + i) + ': '"
                        + "        + c.textContent.slice(0, 20) + ' at ' + Math.round(r.left) + '..' + Math.round(r.right)); } }); }); });"
                        + "return out;");
                assertThat(outside).as(path + " key cells outside 375 px").isEmpty();
                assertThat(((Number) js("return document.documentElement.scrollWidth;")).intValue()).as(path).isLessThanOrEqualTo(375);
                if (!prompt) {
                    continue;
                }
                String explain = browser().driver.findElement(By.cssSelector("#attention .explain")).getText();
                String hover = (String) js("return document.querySelector('#attention .when-hover').textContent;");
                String tap = (String) js("return document.querySelector('#attention .when-tap').textContent;");
                assertThat(explain).as("a touch screen is told to tap").contains(tap).doesNotContain(hover);
            }
        } finally {
            browser().driver.executeCdpCommand("Emulation.setTouchEmulationEnabled", Map.of("enabled", false));
            browser().driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }

    @Test
    void aCellCanBeReadByTapAndByKeyboardAsByHover() {
        open("p/" + SiteFixture.EIFFEL_ID + ".html#view=attention&layer=1&head=2&steps=1");
        waitFor("#attention figure.attn-panel", 4);
        waitFor("#attn-qk svg", 1);
        WebElement qk = browser().driver.findElement(By.id("attn-qk"));
        // tap (a click, as a touch screen sends): the cell's value in the tip and its making below
        WebElement cell = browser().driver.findElement(By.cssSelector("#attention figure[data-stage='attn.scores'] rect.cell[aria-label]"));
        List<WebElement> cells = browser().driver.findElements(By.cssSelector("#attention figure[data-stage='attn.softmax'] rect.cell"));
        WebElement tapped = cells.get(cells.size() - 2); // last query, second-to-last key
        js("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}));", tapped);
        int t = SiteFixture.run(SiteFixture.EIFFEL_ID).prefill().tokens().length;
        assertThat(qk.getAttribute("data-q")).isEqualTo(String.valueOf(t - 1));
        assertThat(qk.getAttribute("data-k")).isEqualTo(String.valueOf(t - 2));
        WebElement tip = browser().driver.findElement(By.id("gpt2x-tip"));
        assertThat(tip.isDisplayed()).as("tip after a tap").isTrue();
        assertThat(tip.getText()).contains((String) js("return GPT2X.num(arguments[0].__data__.v, 4);", tapped));
        // keyboard: focus the grid and move with the arrow keys; the tip and the products follow
        browser().driver.executeScript("arguments[0].focus();", cell);
        new Actions(browser().driver).sendKeys(Keys.ARROW_DOWN).sendKeys(Keys.ARROW_RIGHT).perform();
        String focused = (String) js("var e = document.activeElement; return e.__data__ ? e.__data__.q + ',' + e.__data__.k : '';");
        assertThat(focused).isEqualTo("1,1");
        assertThat(qk.getAttribute("data-q") + "," + qk.getAttribute("data-k")).isEqualTo("1,1");
        assertThat(tip.isDisplayed()).as("tip on keyboard focus").isTrue();
        // the products shown add up to the stored raw score of that cell
        double sum = ((Number) js("var s = 0; document.querySelectorAll('#attn-qk .qk-p rect').forEach(function (r) {"
                + " s += Number(r.getAttribute('data-value')); }); return s;")).doubleValue();
        double stored = ((Number) js("return arguments[0].__data__.v;", browser().driver.findElement(
                By.cssSelector("#attention figure[data-stage='attn.scores'] g[role=row]:nth-child(2) rect:nth-child(2)")))).doubleValue();
        assertThat(sum).isCloseTo(stored, org.assertj.core.data.Offset.offset(Math.max(0.02, Math.abs(stored) * 0.02)));
    }

    @Test
    void theReplayShowsAChinesePromptAsCharactersAcrossTokens() {
        for (String path : List.of("p/", "zh/p/")) {
            open(path + SiteFixture.CHINESE_ID + ".html#view=generation");
            waitFor("#gen-text span", 2);
            String text = browser().driver.findElement(By.id("gen-text")).getAttribute("textContent");
            // the prompt's characters are split over byte-level tokens; decoded across them, it reads as written
            assertThat(text).as(path).startsWith("\u6211\u559c\u6b22\u5403\u82f9\u679c");
            String prompt = (String) js("var n = document.querySelectorAll('#gen-text .prompt-tok'), s = '';"
                    + "n.forEach(function (e) { s += e.textContent; }); return s;");
            assertThat(prompt).as(path).isEqualTo("\u6211\u559c\u6b22\u5403\u82f9\u679c").doesNotContain("<");
        }
    }
}
