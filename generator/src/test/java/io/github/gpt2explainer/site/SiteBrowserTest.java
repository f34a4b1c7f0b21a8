package io.github.gpt2explainer.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.gpt2explainer.sampling.Sampler;
import io.github.gpt2explainer.trace.PromptRun;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The built site in headless Chromium, over http://127.0.0.1 and file://. Needs /usr/bin/chromium and
 * /usr/bin/chromedriver (Debian packages chromium, chromium-driver; .ci/run installs them).
 */
@Tag("browser")
class SiteBrowserTest {

    @RegisterExtension
    static final BrowserExtension chromium = BrowserExtension.serving(SiteFixture::site);

    private static Browser browser() {
        return chromium.browser();
    }

    private static List<String> pagePaths() {
        List<String> pages = new ArrayList<>();
        for (String prefix : List.of("", "zh/")) {
            pages.add(prefix + "index.html");
            pages.add(prefix + "about.html");
            for (String id : SiteFixture.promptSet().ids()) {
                pages.add(prefix + "p/" + id + ".html");
            }
        }
        return pages;
    }

    private static String httpUrl(String path) {
        return chromium.server().base() + path;
    }

    private static String fileUrl(String path) {
        return chromium.site().resolve(path).toUri().toString();
    }

    private static void open(String url) {
        browser().console(); // drop earlier messages
        browser().driver.get(url);
        new WebDriverWait(browser().driver, Duration.ofSeconds(20)).until(d -> Boolean.TRUE.equals(
                browser().driver.executeScript("return document.readyState === 'complete' && "
                        + "(document.body.getAttribute('data-page') !== 'prompt' || document.body.classList.contains('ready'));")));
    }

    /** Opens the attention steps of layer 1 (a lazily loaded file) and waits for its four panels. */
    private static void openLazyLayer() {
        browser().driver.executeScript("GPT2X.router.set({layer: 1, head: 1, steps: 1});");
        new WebDriverWait(browser().driver, Duration.ofSeconds(20)).until(d ->
                browser().driver.findElements(By.cssSelector("#attention figure.attn-panel")).size() == 4);
    }

    private static List<LogEntry> problems() {
        return browser().console().stream().filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue()).toList();
    }

    @SuppressWarnings("unchecked")
    private static List<String> loadedUrls() {
        return (List<String>) browser().driver.executeScript(
                "var urls = [location.href];"
                        + "document.querySelectorAll('script[src]').forEach(function (s) { urls.push(s.src); });"
                        + "document.querySelectorAll('link[href]').forEach(function (l) { urls.push(l.href); });"
                        + "performance.getEntriesByType('resource').forEach(function (e) { urls.push(e.name); });"
                        + "return urls;");
    }

    @Test
    void everyPageRendersWithoutConsoleErrorsOrOutsideRequestsOverHttpAndFile() {
        for (boolean overHttp : List.of(true, false)) {
            String base = overHttp ? chromium.server().base() : chromium.site().toUri().toString();
            for (String path : pagePaths()) {
                String url = overHttp ? httpUrl(path) : fileUrl(path);
                open(url);
                if (path.contains("p/")) {
                    assertThat(browser().driver.findElements(By.cssSelector("#sankey svg .node"))).as(url).isNotEmpty();
                    assertThat(browser().driver.findElements(By.cssSelector("#nt-rows tr"))).as(url).hasSize(12);
                    openLazyLayer();
                }
                assertThat(problems()).as(url + " console").isEmpty();
                List<String> urls = loadedUrls();
                assertThat(urls).as(url).allSatisfy(u -> assertThat(u).startsWith(base));
                if (path.contains("p/")) {
                    assertThat(urls).as(url).anySatisfy(u -> assertThat(u).endsWith("/attn-1.js"));
                }
            }
        }
    }

    /** The probabilities shown are the ones Java's Sampler computes from the same (f16) logits. */
    @Test
    void movingTheTemperatureSliderShowsTheProbabilitiesJavaComputes() {
        PromptData data = new PromptData(SiteFixture.run(SiteFixture.EIFFEL_ID));
        float[] logits = data.finalLogitsAsStored();
        open(httpUrl("p/" + SiteFixture.EIFFEL_ID + ".html"));
        browser().driver.executeScript("document.getElementById('next-token').scrollIntoView();");
        WebElement slider = browser().driver.findElement(By.id("nt-temperature"));
        slider.click(); // focus; the click itself may move the thumb, so set a known start with the keyboard
        slider.sendKeys(Keys.HOME);
        for (int i = 0; i < 6; i++) {
            slider.sendKeys(Keys.ARROW_RIGHT); // 6 steps of 0.05
        }
        assertThat(slider.getAttribute("value")).isEqualTo("0.3");
        compareTable(logits, 0.3, 40, 1.0);

        browser().driver.executeScript("GPT2X.router.set({t: 1.7, k: 0, p: 0.35});");
        compareTable(logits, 1.7, 0, 0.35);
        browser().driver.executeScript("GPT2X.router.set({t: 0, k: 0, p: 1});");
        compareTable(logits, 0, 0, 1.0);
        browser().screenshot("next-token-greedy");
    }

    private static void compareTable(float[] logits, double temperature, int topK, double topP) {
        double[] expected = Sampler.probabilities(logits, temperature, topK, topP);
        List<WebElement> rows = browser().driver.findElements(By.cssSelector("#nt-rows tr"));
        assertThat(rows).hasSize(12);
        for (WebElement row : rows) {
            int id = Integer.parseInt(row.getAttribute("data-id"));
            String shown = row.findElement(By.cssSelector(".prob")).getText();
            assertThat(shown).as("token " + id + " at T=" + temperature).isEqualTo(percent(expected[id]));
        }
        // rows are in descending probability, and the first is the most likely token of the whole vocabulary
        int best = 0;
        for (int id = 1; id < expected.length; id++) {
            if (expected[id] > expected[best]) {
                best = id;
            }
        }
        assertThat(rows.get(0).getAttribute("data-id")).isEqualTo(Integer.toString(best));
    }

    /**
     * The site's one probability format (GPT2X.percent): "0%" for 0, "<0.01%" below 0.005%, else JavaScript's
     * (p * 100).toFixed(2) + '%' (round half up on the exact binary value).
     */
    static String percent(double p) {
        if (p == 0) {
            return "0%";
        }
        if (!(p >= 0.00005)) {
            return "<0.01%";
        }
        return new BigDecimal(p * 100).setScale(2, RoundingMode.HALF_UP).toPlainString() + "%";
    }

    /** JavaScript's x.toPrecision(4) for 1e-6 <= |x| < 1e4: four significant digits, trailing zeros kept. */
    static String fourDigits(double x) {
        BigDecimal v = new BigDecimal(x).round(new MathContext(4, RoundingMode.HALF_UP));
        if (v.precision() < 4) {
            v = v.setScale(v.scale() + 4 - v.precision());
        }
        return v.toPlainString();
    }

    @Test
    void hoveringAnAttentionCellShowsItsValueAndHighlightsItsTokens() {
        PromptRun run = SiteFixture.run(SiteFixture.EIFFEL_ID);
        open(fileUrl("p/" + SiteFixture.EIFFEL_ID + ".html") + "#layer=2&head=3");
        WebElement attention = browser().driver.findElement(By.id("attention"));
        browser().driver.executeScript("arguments[0].scrollIntoView();", attention);
        new WebDriverWait(browser().driver, Duration.ofSeconds(10)).until(d ->
                !browser().driver.findElements(By.cssSelector("#attention rect.cell")).isEmpty());
        int t = run.prefill().tokens().length;
        int q = t - 1;
        int k = 2;
        WebElement cell = browser().driver.findElements(By.cssSelector("#attention rect.cell")).get(q * t + k);
        new Actions(browser().driver).moveToElement(cell).perform();
        String tip = browser().driver.findElement(By.cssSelector("#gpt2x-tip strong")).getText();
        float value = DataCodec.roundToF16(run.prefill().get("h.2.attn.softmax").at(3, q, k));
        assertThat(tip).isEqualTo(fourDigits(value));
        assertThat(browser().driver.findElement(By.cssSelector("#attention .qlabel.hot")).getAttribute("data-q")).isEqualTo(Integer.toString(q));
        assertThat(browser().driver.findElement(By.cssSelector("#attention .klabel.hot")).getAttribute("data-k")).isEqualTo(Integer.toString(k));
        assertThat(browser().driver.findElement(By.cssSelector("#tokens .token.hot-query")).getAttribute("data-position"))
                .isEqualTo(Integer.toString(q));
    }

    @Test
    void theHostilePromptDoesNotExecute() {
        for (String url : List.of(httpUrl("p/" + SiteFixture.HOSTILE_ID + ".html"), fileUrl("p/" + SiteFixture.HOSTILE_ID + ".html"),
                httpUrl("index.html"))) {
            open(url);
            assertThatThrownBy(() -> browser().driver.switchTo().alert()).as(url).isInstanceOf(NoAlertPresentException.class);
            assertThat(browser().driver.findElements(By.tagName("img"))).as(url).isEmpty();
            assertThat(problems()).as(url).isEmpty();
        }
        open(fileUrl("p/" + SiteFixture.HOSTILE_ID + ".html"));
        assertThat(browser().driver.findElement(By.cssSelector("q.prompt-text")).getText()).isEqualTo(SiteFixture.HOSTILE_TEXT);
        // the tokens reach the diagrams as text too
        new WebDriverWait(browser().driver, Duration.ofSeconds(10)).until(d ->
                !browser().driver.findElements(By.cssSelector("#attention .qlabel")).isEmpty());
        String labels = browser().driver.findElements(By.cssSelector("#attention .qlabel")).stream()
                .map(e -> e.getAttribute("textContent")).collect(Collectors.joining());
        assertThat(labels).contains("script").contains("onerror");
    }

    @Test
    void theGenerationStepThroughShowsEachStepsDraw() {
        PromptRun run = SiteFixture.run(SiteFixture.EIFFEL_ID);
        open(fileUrl("p/" + SiteFixture.EIFFEL_ID + ".html") + "#run=1&step=2");
        var step = run.generations().get(1).steps().get(2);
        WebElement chosen = browser().driver.findElement(By.cssSelector("#gen-rows tr.chosen"));
        assertThat(chosen.findElement(By.cssSelector(".id")).getText()).isEqualTo(Integer.toString(step.tokenId()));
        assertThat(chosen.findElement(By.cssSelector(".prob")).getText()).isEqualTo(percent((float) step.probability()));
        // the replay is text (UTF-8 decoded across tokens): a whole-character token shows its own characters
        var piece = run.vocabulary().get(step.tokenId());
        if (!piece.partial()) {
            assertThat(browser().driver.findElement(By.cssSelector("#gen-text .gen-tok.current")).getAttribute("textContent"))
                    .isEqualTo(piece.display());
        }
        browser().driver.findElement(By.id("gen-next")).click();
        assertThat((String) browser().driver.executeScript("return location.hash;")).contains("step=3");
    }

    /** Print is covered in full (A4, Letter, both languages, text read back) by PrintTest; 375 px by AccessibilityTest. */
    @Test
    void printMediaHidesNavigationAndControlsButKeepsTheSankey() {
        open(fileUrl("p/" + SiteFixture.EIFFEL_ID + ".html"));
        browser().fullScreenshot("prompt", 1280); // for looking at, in target/screenshots/
        browser().driver.executeCdpCommand("Emulation.setEmulatedMedia", java.util.Map.of("media", "print"));
        try {
            assertThat(browser().driver.findElement(By.cssSelector(".section-nav")).isDisplayed()).isFalse();
            assertThat(browser().driver.findElement(By.id("nt-temperature")).isDisplayed()).isFalse();
            assertThat(browser().driver.findElement(By.cssSelector("#sankey svg")).isDisplayed()).isTrue();
            browser().fullScreenshot("prompt-print", 900);
        } finally {
            browser().driver.executeCdpCommand("Emulation.setEmulatedMedia", java.util.Map.of("media", ""));
        }
    }
}
