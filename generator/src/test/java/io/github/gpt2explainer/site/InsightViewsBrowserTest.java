package io.github.gpt2explainer.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The "what the model did" views (issue 19) on the demo fixture site, against the insight data file the page
 * loads (data/<id>/insight.js, read here with Jackson): the direct logit attribution's bars are the stored parts,
 * add up to the stored logit and are drawn to one scale; the per-head heat map has a legend and opens the
 * attention view; the candidate picker switches the numbers; the input attribution shows every prompt token with
 * its stored occlusion; the Chinese sections show no English interface words.
 */
@Tag("browser")
class InsightViewsBrowserTest {

    @RegisterExtension
    static final BrowserExtension chromium = BrowserExtension.serving(SiteFixture::site);

    private static final String ID = SiteFixture.EIFFEL_ID;

    private static Browser browser() {
        return chromium.browser();
    }

    private static Object js(String script, Object... args) {
        return browser().driver.executeScript(script, args);
    }

    private static void open(String path) {
        browser().driver.get("about:blank");
        browser().console();
        int hash = path.indexOf('#');
        String file = hash < 0 ? path : path.substring(0, hash);
        browser().driver.get(chromium.site().resolve(file).toUri() + (hash < 0 ? "" : path.substring(hash)));
        new WebDriverWait(browser().driver, Duration.ofSeconds(20)).until(d -> Boolean.TRUE.equals(
                js("return document.body.classList.contains('ready');")));
    }

    private static void waitFor(String css, int count) {
        new WebDriverWait(browser().driver, Duration.ofSeconds(20)).until(d ->
                browser().driver.findElements(By.cssSelector(css)).size() >= count);
    }

    /** The payload of data/<id>/insight.js: the one call GPT2X.receive("<id>/insight", {...}); . */
    private static JsonNode insight() {
        try {
            String script = Files.readString(chromium.site().resolve("data/" + ID + "/insight.js"), StandardCharsets.UTF_8);
            String head = "GPT2X.receive(\"" + ID + "/insight\", ";
            assertThat(script).startsWith(head);
            return new ObjectMapper().readTree(script.substring(head.length(), script.lastIndexOf(')')));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The parts of a candidate in the order the chart draws them: embedding, attention and MLP of each block, final bias. */
    private static List<Map.Entry<String, Double>> parts(JsonNode c) {
        List<Map.Entry<String, Double>> out = new ArrayList<>();
        out.add(Map.entry("embed", c.get("embed").asDouble()));
        for (int l = 0; l < c.get("attn").size(); l++) {
            out.add(Map.entry("attn" + l, c.get("attn").get(l).asDouble()));
            out.add(Map.entry("mlp" + l, c.get("mlp").get(l).asDouble()));
        }
        out.add(Map.entry("lnf", c.get("lnfBias").asDouble()));
        return out;
    }

    /**
     * Checks the drawn bars against candidate c: one per part with its stored value, summing to the stored logit,
     * each as wide as |value| on one shared scale (within 1 px), on the side of the zero line its sign says.
     */
    @SuppressWarnings("unchecked")
    private static void assertBarsShow(JsonNode c, String what) {
        List<Map.Entry<String, Double>> expected = parts(c);
        new WebDriverWait(browser().driver, Duration.ofSeconds(20)).until(d -> String.valueOf(c.get("logit").asDouble()).equals(
                String.valueOf(Double.parseDouble((String) js("var t = document.getElementById('dla-total');"
                        + " return t.getAttribute('data-logit') || 'NaN';")))));
        List<Map<String, Object>> bars = (List<Map<String, Object>>) js("return Array.prototype.map.call("
                + "document.querySelectorAll('#dla-bars rect.dla-bar'), function (b) { var r = b.getBoundingClientRect();"
                + " return {part: b.getAttribute('data-part'), value: Number(b.getAttribute('data-value')), left: r.left, right: r.right, width: r.width}; });");
        assertThat(bars).as(what + ": one bar per part").hasSize(expected.size());
        double sum = 0, largest = 0, widest = 0;
        for (int i = 0; i < bars.size(); i++) {
            Map<String, Object> bar = bars.get(i);
            assertThat(bar.get("part")).as(what).isEqualTo(expected.get(i).getKey());
            double value = ((Number) bar.get("value")).doubleValue();
            assertThat(value).as(what + " " + expected.get(i).getKey()).isEqualTo(expected.get(i).getValue());
            sum += value;
            if (Math.abs(value) > largest) {
                largest = Math.abs(value);
                widest = ((Number) bar.get("width")).doubleValue();
            }
        }
        assertThat(sum).as(what + ": the drawn parts add up to the logit").isCloseTo(c.get("logit").asDouble(), offset(1e-3));
        double zero = ((Number) js("return document.querySelector('#dla-bars line.dla-zero').getBoundingClientRect().left;")).doubleValue();
        for (Map<String, Object> bar : bars) {
            double value = ((Number) bar.get("value")).doubleValue();
            double width = ((Number) bar.get("width")).doubleValue();
            assertThat(width).as(what + " width of " + bar.get("part")).isCloseTo(Math.abs(value) / largest * widest, offset(1.0));
            double start = ((Number) (value < 0 ? bar.get("right") : bar.get("left"))).doubleValue();
            assertThat(start).as(what + " " + bar.get("part") + " starts at the zero line").isCloseTo(zero, offset(1.0));
        }
        // the page says so, with the two numbers: the sum of the drawn parts and the stored logit
        String total = browser().driver.findElement(By.id("dla-total")).getText();
        assertThat(total).contains((String) js("return GPT2X.num(arguments[0], 6);", sum))
                .contains((String) js("return GPT2X.num(arguments[0], 6);", c.get("logit").asDouble()));
    }

    @Test
    void theBarsAreTheStoredPartsOnOneScaleAndAddUpToTheLogit() {
        JsonNode candidates = insight().get("dla").get("candidates");
        assertThat(candidates).hasSize(5);
        open("p/" + ID + ".html#view=dla");
        assertBarsShow(candidates.get(0), "candidate 0");
        // every bar carries its value in a label, and the bars' colours have a legend with numbers
        int labels = browser().driver.findElements(By.cssSelector("#dla-bars text.dla-value")).size();
        assertThat(labels).isEqualTo(parts(candidates.get(0)).size());
        WebElement legend = browser().driver.findElement(By.cssSelector("#dla-bars .scale-legend"));
        double largest = parts(candidates.get(0)).stream().mapToDouble(e -> Math.abs(e.getValue())).max().orElseThrow();
        assertThat(Double.parseDouble(legend.getAttribute("data-hi"))).isEqualTo(largest);
    }

    @Test
    void theCandidatePickerSwitchesTheNumbers() {
        JsonNode candidates = insight().get("dla").get("candidates");
        open("p/" + ID + ".html#view=dla");
        List<WebElement> buttons = browser().driver.findElements(By.cssSelector("#dla-candidates button"));
        assertThat(buttons).hasSize(5);
        for (int i = 0; i < 5; i++) {
            assertThat(buttons.get(i).getAttribute("data-id")).isEqualTo(candidates.get(i).get("id").asText());
            assertThat(buttons.get(i).getText()).contains((String) js("return GPT2X.token(GPT2X.get(arguments[0]), arguments[1]);",
                    ID + "/main", candidates.get(i).get("id").asInt()));
        }
        assertThat(buttons.get(0).getAttribute("aria-pressed")).isEqualTo("true");
        buttons.get(3).click();
        assertThat(buttons.get(3).getAttribute("aria-pressed")).isEqualTo("true");
        assertThat((String) js("return location.hash;")).contains("cand=" + candidates.get(3).get("id").asText());
        assertBarsShow(candidates.get(3), "candidate 3");
        // the head map follows the candidate too
        assertThat(Double.parseDouble(browser().driver.findElement(By.cssSelector("#dla-heads g.dla-head"))
                .getAttribute("data-value"))).isEqualTo(candidates.get(3).get("attnHeads").get(0).get(0).asDouble());
        // a deep link restores the candidate
        open("p/" + ID + ".html#view=dla&cand=" + candidates.get(2).get("id").asText());
        assertBarsShow(candidates.get(2), "deep link to candidate 2");
    }

    @Test
    void theHeadMapHasALegendAndACellOpensItsAttentionView() {
        JsonNode first = insight().get("dla").get("candidates").get(0);
        JsonNode heads = first.get("attnHeads");
        int layers = heads.size(), h = heads.get(0).size();
        open("p/" + ID + ".html#view=dla");
        waitFor("#dla-heads g.dla-head", layers * h);
        List<WebElement> cells = browser().driver.findElements(By.cssSelector("#dla-heads g.dla-head"));
        assertThat(cells).hasSize(layers * h);
        double largest = 0;
        for (WebElement cell : cells) {
            int l = Integer.parseInt(cell.getAttribute("data-layer")), k = Integer.parseInt(cell.getAttribute("data-head"));
            double v = heads.get(l).get(k).asDouble();
            assertThat(Double.parseDouble(cell.getAttribute("data-value"))).as("head " + l + "." + k).isEqualTo(v);
            largest = Math.max(largest, Math.abs(v));
        }
        // each layer's heads plus its output bias are the layer's attention part, as the data table shows
        for (int l = 0; l < layers; l++) {
            double sum = first.get("attnBias").get(l).asDouble();
            for (int k = 0; k < h; k++) {
                sum += heads.get(l).get(k).asDouble();
            }
            assertThat(sum).as("layer " + l).isCloseTo(first.get("attn").get(l).asDouble(), offset(1e-4));
        }
        WebElement legend = browser().driver.findElement(By.cssSelector("#dla-heads .scale-legend"));
        assertThat(Double.parseDouble(legend.getAttribute("data-hi"))).isEqualTo(largest);
        assertThat(Double.parseDouble(legend.getAttribute("data-lo"))).isEqualTo(-largest);
        assertThat(legend.findElement(By.cssSelector(".lo")).getText() + legend.findElement(By.cssSelector(".hi")).getText())
                .matches(".*\\d.*\\d.*");
        // keyboard: the map is one tab stop, arrows move, the tip reads the value; Enter opens the attention view
        WebElement firstCell = cells.get(0);
        js("arguments[0].focus();", firstCell);
        new Actions(browser().driver).sendKeys(Keys.ARROW_DOWN).sendKeys(Keys.ARROW_RIGHT).perform();
        assertThat((String) js("var e = document.activeElement; return e.getAttribute('data-layer') + '.' + e.getAttribute('data-head');"))
                .isEqualTo("1.1");
        WebElement tip = browser().driver.findElement(By.id("gpt2x-tip"));
        assertThat(tip.isDisplayed()).isTrue();
        assertThat(tip.getText()).contains((String) js("return GPT2X.num(arguments[0], 3);", heads.get(1).get(1).asDouble()).toString()
                .replace("-", "\u2212"));
        new Actions(browser().driver).sendKeys(Keys.ENTER).perform();
        String hash = (String) js("return location.hash;");
        assertThat(hash).contains("view=attention").contains("layer=1").contains("head=1");
        new WebDriverWait(browser().driver, Duration.ofSeconds(10)).until(d -> "1".equals(
                browser().driver.findElement(By.id("attn-layer")).getAttribute("value")));
        assertThat(browser().driver.findElement(By.cssSelector("#attn-heads [data-head='1']")).getAttribute("aria-pressed")).isEqualTo("true");
    }

    @Test
    void theAttributionShowsEveryPromptTokenWithItsStoredOcclusion() {
        JsonNode a = insight().get("attribution");
        assertThat(a.isNull()).as("the fixture site is built with attribution on").isFalse();
        int t = SiteFixture.run(ID).prefill().tokens().length;
        assertThat(a.get("occlusion")).hasSize(t);
        open("p/" + ID + ".html#view=attribution");
        waitFor("#attr-tokens .attr-token", t);
        List<WebElement> chips = browser().driver.findElements(By.cssSelector("#attr-tokens .attr-token"));
        assertThat(chips).hasSize(t);
        double limit = 0;
        for (int i = 0; i < t; i++) {
            limit = Math.max(limit, Math.abs(a.get("share").get(i).asDouble()));
        }
        for (int i = 0; i < t; i++) {
            WebElement chip = chips.get(i);
            assertThat(Double.parseDouble(chip.getAttribute("data-occlusion"))).isEqualTo(a.get("occlusion").get(i).asDouble());
            assertThat(Double.parseDouble(chip.getAttribute("data-share"))).isEqualTo(a.get("share").get(i).asDouble());
            // coloured on the diverging scale by share
            assertThat(chip.getCssValue("background-color")).as("token " + i).isEqualTo((String) js(
                    "var c = GPT2X.palette.signedRgb(arguments[0], arguments[1]); return 'rgba(' + c.join(', ') + ', 1)';",
                    a.get("share").get(i).asDouble(), limit));
        }
        assertThat(Double.parseDouble(browser().driver.findElement(By.cssSelector("#attribution .scale-legend")).getAttribute("data-hi")))
                .isEqualTo(limit);
        // keyboard: focusing a token reads its occlusion out in nats
        js("arguments[0].focus();", chips.get(t - 1));
        String readout = browser().driver.findElement(By.id("attr-readout")).getText();
        assertThat(readout).contains((String) js("return GPT2X.num(arguments[0], 4);", a.get("occlusion").get(t - 1).asDouble()))
                .contains("nats");
        // the accessible table: one row per token, with the stored values
        js("document.getElementById('attr-data').open = true;");
        List<WebElement> rows = browser().driver.findElements(By.cssSelector("#attr-data tbody tr"));
        assertThat(rows).hasSize(t);
        assertThat(rows.get(0).getText()).contains((String) js("return GPT2X.num(arguments[0], 4);", a.get("occlusion").get(0).asDouble()));
        // the method, its neutral token and its caveats are named
        String section = browser().driver.findElement(By.id("attribution")).getText();
        assertThat(section).contains("occlusion").contains("<|endoftext|>").contains(a.get("neutralId").asText());
        assertThat(browser().driver.findElements(By.cssSelector("#attribution .attr-method li"))).hasSize(4);
    }

    @Test
    void withoutAttributionTheSectionSaysItWasTurnedOff() {
        open("p/" + ID + ".html#view=attribution");
        waitFor("#attr-tokens .attr-token", 1);
        // the same page as a site built with attribution off would give it: the payload's attribution is null
        js("var key = arguments[0] + '/insight', p = JSON.parse(JSON.stringify(GPT2X.get(key))); p.attribution = null;"
                + " GPT2X.receive(key, p); document.getElementById('attr-tokens').textContent = '';"
                + " GPT2X.views.attribution.init(GPT2X.get(arguments[0] + '/main'));", ID);
        new WebDriverWait(browser().driver, Duration.ofSeconds(10)).until(d ->
                !browser().driver.findElement(By.id("attr-summary")).getText().isEmpty()
                        && browser().driver.findElements(By.cssSelector("#attr-tokens .attr-token")).isEmpty());
        assertThat(browser().driver.findElement(By.id("attr-summary")).getText()).isEqualTo(js("return GPT2X.t('attr.off');"));
    }

    @Test
    void theOverviewAndTheLensLinkToTheViewAndTheChineseSectionsHaveNoEnglishWords() {
        open("p/" + ID + ".html");
        for (String from : List.of("overview", "lens")) {
            assertThat(browser().driver.findElements(By.cssSelector("#" + from + " a[href='#view=dla']"))).as(from).hasSize(1);
        }
        browser().driver.findElement(By.cssSelector("#lens a[href='#view=dla']")).click();
        assertThat((String) js("return location.hash;")).contains("view=dla");
        open("zh/p/" + ID + ".html#view=dla");
        waitFor("#dla-bars rect.dla-bar", 2);
        waitFor("#attr-tokens .attr-token", 2);
        js("document.querySelectorAll('#dla details, #attribution details').forEach(function (d) { d.open = true; });");
        List<String> english = VisualBrowserTest.visibleLatinWords(browser(), "#dla, #attribution").stream()
                .filter(w -> !VisualBrowserTest.ALLOWED.contains(w)).distinct().toList();
        assertThat(english).as("English words in the Chinese sections").isEmpty();
        // the charts' own text (labels, axis words), which the page-wide check leaves to each view
        @SuppressWarnings("unchecked")
        List<String> chartWords = (List<String>) js("var out = [];"
                + "document.querySelectorAll('#dla svg text, #attribution .scale-legend, #dla .scale-legend').forEach(function (e) {"
                + "  (e.textContent.replace(/\u201c[^\u201d]*\u201d/g, ' ').match(/[A-Za-z][A-Za-z_-]+/g) || []).forEach(function (w) { out.push(w); }); });"
                + "return out;");
        assertThat(chartWords.stream().filter(w -> !VisualBrowserTest.ALLOWED.contains(w)).distinct().toList()).isEmpty();
        assertThat(browser().driver.findElement(By.id("attribution")).getText()).contains("遮挡");
    }
}
