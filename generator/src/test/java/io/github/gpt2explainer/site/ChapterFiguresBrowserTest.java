package io.github.gpt2explainer.site;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Issue 17 item 4: each chapter's live figures are drawn in the browser by the prompt page's view code from the
 * named prompt's recorded data, in both languages, without errors, and the Chinese figures speak Chinese.
 */
@Tag("browser")
class ChapterFiguresBrowserTest {

    @RegisterExtension
    static final BrowserExtension chromium = BrowserExtension.serving(SiteFixture::site);

    private static Browser browser() {
        return chromium.browser();
    }


    /** Opens a chapter and waits until every figure is drawn or failed. */
    private static void open(String path) {
        browser().console();
        browser().driver.get(chromium.site().resolve(path).toUri().toString());
        new WebDriverWait(browser().driver, Duration.ofSeconds(30)).until(d -> Boolean.TRUE.equals(browser().js(
                "return document.body.classList.contains('ready') && "
                        + "!document.querySelector('figure.live-figure:not([data-state])');")));
    }

    @Test
    void everyFigureOfEveryChapterIsDrawnInBothLanguagesWithoutAnError() {
        for (String prefix : List.of("", "zh/")) {
            for (String slug : List.of("transformer", "tokens", "embeddings", "attention", "mlp", "residual-layernorm",
                    "logits", "temperature", "sampling", "generation")) {
                String path = prefix + "chapters/" + slug + ".html";
                open(path);
                @SuppressWarnings("unchecked")
                List<String> states = (List<String>) browser().js("return Array.from(document.querySelectorAll('figure.live-figure'))"
                        + ".map(function (f) { return f.getAttribute('data-figure') + ':' + f.getAttribute('data-state'); });");
                assertThat(states).as(path).isNotEmpty().allMatch(s -> s.endsWith(":drawn"));
                List<LogEntry> errors = browser().console().stream()
                        .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()).toList();
                assertThat(errors).as(path + " console").isEmpty();
            }
        }
    }

    @Test
    void theAttentionFigureDrawsTheRecordedWeightsOfItsLayerAndHead() throws IOException {
        open("chapters/attention.html");
        String fig = "figure.live-figure[data-figure=attention]";
        assertThat(((Number) browser().js("return document.querySelectorAll(arguments[0] + ' figure.attn-panel svg').length;", fig)).intValue())
                .as("the four stages, as SVG").isEqualTo(4);
        @SuppressWarnings("unchecked")
        List<Number> shown = (List<Number>) browser().js("return Array.from(document.querySelectorAll(arguments[0]"
                + " + ' figure.attn-panel[data-stage=\"attn.softmax\"] rect.cell')).map(function (r) { return r.__data__.v; });", fig);
        JsonNode layer0 = Browser.payload(chromium.site(), "data/" + SiteFixture.EIFFEL_ID + "/attn-0.js", SiteFixture.EIFFEL_ID + "/attn-0");
        JsonNode softmax = layer0.get("attn.softmax");
        int[] shape = StoredArrays.shape(softmax); // [H, T, T]
        float[] stored = StoredArrays.decode(softmax);
        int t = shape[1];
        assertThat(shown).hasSize(t * t);
        for (int i = 0; i < t * t; i++) { // head 0 is the first T x T block
            assertThat(shown.get(i).doubleValue()).as("cell %d", i).isEqualTo(stored[i], org.assertj.core.data.Offset.offset(1e-7));
        }
        // every row of weights sums to 1: these are the softmax weights, not some other stage
        for (int q = 0; q < t; q++) {
            double sum = 0;
            for (int k = 0; k < t; k++) {
                sum += shown.get(q * t + k).doubleValue();
            }
            assertThat(sum).as("row %d", q).isCloseTo(1, org.assertj.core.data.Offset.offset(2e-3));
        }
    }

    @Test
    void theTemperatureFiguresReshapeTheSameLogitsAndGreedyKeepsOneToken() {
        open("chapters/temperature.html");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> tables = (List<Map<String, Object>>) browser().js("return Array.from(document.querySelectorAll("
                + "'figure.live-figure[data-figure=\"next-token\"]')).map(function (f) { return {t: f.getAttribute('data-t'),"
                + " ids: Array.from(f.querySelectorAll('tbody tr')).map(function (r) { return r.getAttribute('data-id'); }),"
                + " p: Array.from(f.querySelectorAll('tbody .bar')).map(function (b) { return Number(b.getAttribute('data-p')); }) }; });");
        assertThat(tables).extracting(m -> m.get("t")).containsExactly("0.5", "1.5");
        @SuppressWarnings("unchecked")
        List<Number> cold = (List<Number>) tables.get(0).get("p");
        @SuppressWarnings("unchecked")
        List<Number> hot = (List<Number>) tables.get(1).get("p");
        assertThat(cold).hasSize(12);
        assertThat(tables.get(0).get("ids")).as("temperature never changes the order").isEqualTo(tables.get(1).get("ids"));
        assertThat(cold.get(0).doubleValue()).as("a low temperature sharpens the top").isGreaterThan(hot.get(0).doubleValue());
        open("chapters/generation.html");
        @SuppressWarnings("unchecked")
        List<Number> greedy = (List<Number>) browser().js("return Array.from(document.querySelectorAll("
                + "'figure.live-figure[data-t=\"0\"] tbody .bar')).map(function (b) { return Number(b.getAttribute('data-p')); });");
        assertThat(greedy.get(0).doubleValue()).isEqualTo(1.0);
        assertThat(greedy.subList(1, greedy.size())).allMatch(p -> p.doubleValue() == 0);
    }

    @Test
    void chineseFiguresShowNoEnglishInterfaceWords() {
        for (String slug : List.of("tokens", "embeddings", "attention", "mlp", "residual-layernorm", "sampling")) {
            open("zh/chapters/" + slug + ".html");
            // the figures' own words: captions, legends, headings, table heads; model text (tokens, quoted prompts) aside
            @SuppressWarnings("unchecked")
            List<String> words = (List<String>) browser().js("var skip = '.token-list, .tok, .tok-text, svg text, code, pre, q,"
                    + " table.data, table.hs-data, .hs-rows, .tip';"
                    + "var out = [];"
                    + "document.querySelectorAll('figure.live-figure').forEach(function (fig) {"
                    + "  var walker = document.createTreeWalker(fig, NodeFilter.SHOW_TEXT);"
                    + "  while (walker.nextNode()) { var n = walker.currentNode, e = n.parentElement;"
                    + "    if (!e || e.closest(skip) || !e.checkVisibility()) { continue; }"
                    + "    (n.nodeValue.replace(/\u201c[^\u201d]*\u201d/g, ' ').match(/[A-Za-z][A-Za-z_-]+/g) || [])"
                    + "      .forEach(function (w) { out.push(w.replace(/-$/, '')); }); } });"
                    + "return out;");
            List<String> english = words.stream().filter(w -> !VisualBrowserTest.ALLOWED.contains(w)).distinct().toList();
            assertThat(english).as(slug + ": English words in the figures").isEmpty();
        }
    }

}
