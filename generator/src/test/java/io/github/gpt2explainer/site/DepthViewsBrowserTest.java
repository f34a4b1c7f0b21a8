package io.github.gpt2explainer.site;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.gpt2explainer.forward.CapturedTensor;
import io.github.gpt2explainer.model.Gpt2Config;
import io.github.gpt2explainer.model.ModelSource;
import io.github.gpt2explainer.prompts.PromptSet;
import io.github.gpt2explainer.prompts.PromptSpec;
import io.github.gpt2explainer.trace.PromptRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The depth views (block pipeline and its operation views) on a 12-layer model (random weights, width 48,
 * 4 heads), in headless Chromium over file://: every view renders for the first and the last layer, deep links
 * restore it, the values read by hover and keyboard are the captured ones, and GELU recomputed in the browser
 * is the captured GELU.
 */
@Tag("browser")
class DepthViewsBrowserTest {

    private static final String ID = "capital";
    private static final Gpt2Config TWELVE = new Gpt2Config(50257, 1024, 48, 12, 4, 1e-5);
    /** Strips per operation view. */
    private static final Map<String, Integer> STRIPS = Map.of("embedding", 3, "layernorm", 3, "qkv", 7, "mlp", 4, "residual", 5);

    private static PromptRun run;
    private static Path site;

    @RegisterExtension
    static final BrowserExtension chromium = BrowserExtension.browserOnly();

    @BeforeAll
    static void build() throws Exception {
        PromptSpec spec = new PromptSpec(ID, "The capital of France is", Map.of("en", "Capital", "zh", "首都"),
                Map.of("en", "n", "zh", "n"), null, null, null, null, null, null, List.of(), Path.of(ID + ".md"), 2);
        PromptSet set = new PromptSet(SiteFixture.promptSet().settings(), List.of(spec));
        site = Files.createTempDirectory("gpt2x-depth");
        try (ModelSource source = ModelSource.random(TWELVE, 12, "random-12", true);
             ModelRuns runs = new ModelRuns(source, set);
             SiteTemplates t = SiteFixture.templates()) {
            run = runs.load(ID);
            new SiteRenderer(t).render(new SiteInput(set, source.info(), id -> run, "v"), site);
        }
    }

    private static Browser browser() {
        return chromium.browser();
    }

    private static void open(String hash) {
        browser().driver.get("about:blank");
        browser().console();
        browser().driver.get(site.resolve("p/" + ID + ".html").toUri() + hash);
        new WebDriverWait(browser().driver, Duration.ofSeconds(20)).until(d -> Boolean.TRUE.equals(
                browser().driver.executeScript("return document.body.classList.contains('ready');")));
    }

    /** Waits until the pipeline shows `key` (layer/op/ln/head) with its operation panel drawn. */
    private static void waitFor(String key, int strips) {
        new WebDriverWait(browser().driver, Duration.ofSeconds(20)).until(d -> key.equals(
                browser().driver.findElement(By.id("inside")).getAttribute("data-rendered"))
                && browser().driver.findElements(By.cssSelector(".op-host figure.hs .hs-canvas canvas")).size() == strips);
    }

    private static List<LogEntry> problems() {
        return browser().console().stream().filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue()).toList();
    }

    /** How many pixels of the canvas are not blank (transparent or white). */
    private static long inked(WebElement canvas) {
        return ((Number) browser().driver.executeScript(
                "var c = arguments[0], d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, n = 0;"
                        + "for (var i = 0; i < d.length; i += 4) { if (d[i + 3] > 0 && (d[i] < 245 || d[i + 1] < 245 || d[i + 2] < 245)) { n++; } }"
                        + "return n;", canvas)).longValue();
    }

    /** GPT2X.num(x, 4): JavaScript's x.toPrecision(4) with U+2212 for the minus sign. */
    static String num(double x) {
        if (x == 0) {
            return "0.000";
        }
        java.math.BigDecimal v = new java.math.BigDecimal(Math.abs(x)).round(new java.math.MathContext(4, java.math.RoundingMode.HALF_UP));
        int exponent = v.precision() - v.scale() - 1;
        String digits;
        if (exponent < -6 || exponent >= 4) {
            String m = v.unscaledValue().toString();
            m = (m + "000").substring(0, 4);
            digits = m.charAt(0) + "." + m.substring(1) + "e" + (exponent < 0 ? "-" : "+") + Math.abs(exponent);
        } else {
            digits = SiteBrowserTest.fourDigits(Math.abs(x));
        }
        return (x < 0 ? "\u2212" : "") + digits;
    }

    private static float f16(String tensor, int... index) {
        CapturedTensor t = run.prefill().get(tensor);
        long[] idx = new long[index.length];
        for (int i = 0; i < index.length; i++) {
            idx[i] = index[i];
        }
        return DataCodec.roundToF16(t.at(idx));
    }

    @Test
    void everyViewRendersForTheFirstAndLastOfTwelveLayersFromADeepLink() {
        for (int layer : new int[] {0, 11}) {
            open("#view=block&layer=" + layer);
            waitFor(layer + "///", 0);
            List<WebElement> minis = browser().driver.findElements(By.cssSelector("#blk-pipeline canvas.hs-mini"));
            assertThat(minis).as("pipeline of layer " + layer).hasSize(11);
            for (WebElement mini : minis) {
                assertThat(inked(mini)).as("a pipeline strip of layer " + layer).isPositive();
            }
            assertThat(problems()).as("block " + layer).isEmpty();
            for (String view : List.of("embedding", "layernorm&ln=1", "layernorm&ln=2", "qkv&head=3", "mlp", "residual")) {
                String op = view.replaceAll("&.*", "");
                String ln = view.contains("ln=") ? view.substring(view.length() - 1) : "";
                String head = view.contains("head=") ? "3" : "";
                open("#view=" + view + "&layer=" + layer + "&token=2&ch=5");
                waitFor(layer + "/" + op + "/" + ln + "/" + head, STRIPS.get(op));
                for (WebElement canvas : browser().driver.findElements(By.cssSelector(".op-host figure.hs .hs-canvas canvas"))) {
                    assertThat(inked(canvas)).as(view + " layer " + layer + " " + canvas.getAttribute("aria-label")).isPositive();
                    assertThat(canvas.getAttribute("tabindex")).isEqualTo("0");
                    assertThat(canvas.getAttribute("aria-label")).isNotBlank();
                }
                // the deep link restored the cursor
                WebElement readout = browser().driver.findElement(By.cssSelector(".op-host .hs-readout"));
                assertThat(readout.getAttribute("data-token")).as(view).isEqualTo("2");
                assertThat(readout.getAttribute("data-col")).as(view).isEqualTo("5");
                assertThat(browser().driver.findElement(By.cssSelector("button.blk-open[aria-expanded=true]")).getAttribute("data-op"))
                        .isEqualTo(op);
                assertThat(problems()).as(view + " layer " + layer).isEmpty();
            }
        }
    }

    @Test
    void theKeyboardCursorReadsTheCapturedValues() {
        open("#view=mlp&layer=11&token=1&ch=4");
        waitFor("11/mlp//", 4);
        WebElement fc = browser().driver.findElement(By.cssSelector("figure[data-strip='mlp.fc'] .hs-canvas canvas"));
        browser().driver.executeScript("arguments[0].focus();", fc);
        fc.sendKeys(Keys.ARROW_RIGHT);
        fc.sendKeys(Keys.ARROW_DOWN);
        WebElement readout = browser().driver.findElement(By.cssSelector(".op-host .hs-readout"));
        assertThat(readout.getAttribute("data-value")).isEqualTo(num(f16("h.11.mlp.fc", 2, 5)));
        assertThat(readout.getText()).contains("neuron 5").contains(run.vocabulary().get((int) run.prefill().tokens()[2]).visibleText());
        assertThat((String) browser().driver.executeScript("return location.hash;")).contains("token=2").contains("ch=5");

        // layer norm: the captured output and the stored statistics in the table
        open("#view=layernorm&ln=2&layer=11&token=3&ch=7");
        waitFor("11/layernorm/2/", 3);
        WebElement out = browser().driver.findElement(By.cssSelector("figure[data-strip='ln_2.out'] .hs-canvas canvas"));
        browser().driver.executeScript("arguments[0].focus();", out);
        out.sendKeys(Keys.END);
        readout = browser().driver.findElement(By.cssSelector(".op-host .hs-readout"));
        assertThat(readout.getAttribute("data-col")).isEqualTo("47");
        assertThat(readout.getAttribute("data-value")).isEqualTo(num(f16("h.11.ln_2.out", 3, 47)));
        assertThat(browser().driver.findElement(By.cssSelector(".ln-stats tr.cur")).getAttribute("data-token")).isEqualTo("3");
    }

    @Test
    void hoveringAStripShowsTheCapturedValueAndTheTableAlternativeListsIt() {
        open("#view=residual&layer=11");
        waitFor("11/residual//", 5);
        WebElement canvas = browser().driver.findElement(By.cssSelector("figure[data-strip='resid_post'] .hs-canvas canvas"));
        int row = 3;
        int col = 20;
        browser().driver.executeScript("arguments[0].scrollIntoView({block: 'center'});", canvas);
        // the strip's box can still change while other parts of the page finish loading (a scrollbar appears):
        // measure it once two readings 200 ms apart agree, so the hovered cell is the one computed here
        String[] last = {""};
        new WebDriverWait(browser().driver, Duration.ofSeconds(10)).pollingEvery(Duration.ofMillis(200)).until(d -> {
            String now = String.valueOf(browser().driver.executeScript(
                    "var r = arguments[0].getBoundingClientRect(); return r.left + ',' + r.width + ',' + r.height;", canvas));
            boolean stable = now.equals(last[0]);
            last[0] = now;
            return stable;
        });
        @SuppressWarnings("unchecked")
        Map<String, Number> box = (Map<String, Number>) browser().driver.executeScript(
                "var r = arguments[0].getBoundingClientRect(); return {w: r.width, h: r.height, cw: arguments[0].width, ch: arguments[0].height};", canvas);
        double cellW = box.get("w").doubleValue() / TWELVE.width();
        double cellH = box.get("h").doubleValue() / run.prefill().tokens().length;
        int dx = (int) Math.round((col + 0.5) * cellW - box.get("w").doubleValue() / 2);
        int dy = (int) Math.round((row + 0.5) * cellH - box.get("h").doubleValue() / 2);
        new Actions(browser().driver).moveToElement(canvas, dx, dy).perform();
        String tip = browser().driver.findElement(By.cssSelector("#gpt2x-tip strong")).getText();
        assertThat(tip).isEqualTo(num(f16("h.11.resid_post", row, col)));
        assertThat(browser().driver.findElement(By.cssSelector("#gpt2x-tip")).getText()).contains("channel " + col);

        // click puts the cursor there; the table shows that page of 16 channels for every token
        new Actions(browser().driver).click().perform();
        WebElement toggle = browser().driver.findElement(By.cssSelector("figure[data-strip='resid_post'] .hs-table-toggle"));
        toggle.click();
        assertThat(toggle.getAttribute("aria-expanded")).isEqualTo("true");
        List<WebElement> rows = browser().driver.findElements(By.cssSelector("figure[data-strip='resid_post'] table.hs-data tbody tr"));
        assertThat(rows).hasSize(run.prefill().tokens().length);
        String cur = browser().driver.findElement(By.cssSelector("figure[data-strip='resid_post'] td.cur")).getText();
        assertThat(cur).isEqualTo(num(f16("h.11.resid_post", row, col)));
        List<WebElement> cells = rows.get(row).findElements(By.tagName("td"));
        assertThat(cells).hasSize(16);
        assertThat(cells.get(col - 16).getText()).isEqualTo(cur);
    }

    /** GELU recomputed in the browser from the stored (f16) expansion against the GELU the model computed. */
    @Test
    void geluComputedInTheBrowserIsTheCapturedGelu() {
        open("#view=mlp&layer=11");
        waitFor("11/mlp//", 4);
        for (int layer : new int[] {0, 11}) {
            @SuppressWarnings("unchecked")
            List<Number> js = (List<Number>) browser().driver.executeAsyncScript(
                    "var done = arguments[arguments.length - 1];"
                            + "GPT2X.depth.layer(GPT2X.get('" + ID + "/main'), " + layer + ").then(function (d) {"
                            + " done(Array.from(GPT2X.depth.geluAll(d['mlp.fc']))); });");
            float[] real = run.prefill().get("h." + layer + ".mlp.gelu").toArray();
            float[] fc = run.prefill().get("h." + layer + ".mlp.fc").toArray();
            assertThat(js).hasSize(real.length);
            int sameDisplay = 0;
            for (int i = 0; i < real.length; i++) {
                double v = js.get(i).doubleValue();
                // the browser applies exactly gelu_new to the stored value of fc ...
                double x = DataCodec.roundToF16(fc[i]);
                double exact = 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
                assertThat(v).as("layer %d value %d", layer, i).isCloseTo(exact, org.assertj.core.data.Offset.offset(1e-12 * (1 + Math.abs(exact))));
                // ... so it differs from the captured GELU only by fc's f16 rounding (relative <= 2^-11, GELU's slope <= 1.13)
                double bound = 1.13 * Math.abs(fc[i]) / 2048 + 1e-7;
                assertThat(Math.abs(v - real[i])).as("layer %d value %d (fc %s)", layer, i, fc[i]).isLessThanOrEqualTo(bound);
                if (num(v).equals(num(real[i]))) {
                    sameDisplay++;
                }
            }
            System.out.printf("gelu layer %d: %d of %d values show the same 4 significant digits as the captured GELU%n",
                    layer, sameDisplay, real.length);
        }
        // the table of the most active neurons shows that value
        int lastToken = run.prefill().tokens().length - 1;
        WebElement top = browser().driver.findElement(By.cssSelector(".mlp-top-table tbody tr"));
        int neuron = Integer.parseInt(top.getAttribute("data-neuron"));
        double x = DataCodec.roundToF16(run.prefill().get("h.11.mlp.fc").at(lastToken, neuron));
        double exact = 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
        assertThat(top.findElement(By.cssSelector(".gelu")).getText()).isEqualTo(num(exact));
        // the most active neurons are the largest |GELU| of the cursor's token, largest first
        String first = browser().driver.findElement(By.cssSelector(".mlp-top-table tbody tr")).getAttribute("data-neuron");
        int t = run.prefill().tokens().length - 1;
        float[] gelu = run.prefill().get("h.11.mlp.gelu").toArray();
        int n = gelu.length / run.prefill().tokens().length;
        int best = 0;
        for (int j = 1; j < n; j++) {
            if (Math.abs(gelu[t * n + j]) > Math.abs(gelu[t * n + best])) {
                best = j;
            }
        }
        assertThat(first).isEqualTo(Integer.toString(best));
    }

    @Test
    void theSankeyOpensTheBlockAndThePageFitsAPhone() throws Exception {
        open("");
        browser().driver.findElement(By.cssSelector("#sankey [data-node='mlp11']")).click();
        waitFor("11/mlp//", 4);
        assertThat(browser().driver.findElement(By.id("blk-layer")).getAttribute("value")).isEqualTo("11");
        // the stage toggles are buttons with their state, and close the operation again
        WebElement open = browser().driver.findElement(By.cssSelector("button.blk-open[aria-expanded=true]"));
        assertThat(open.getAttribute("aria-label")).isNotBlank();
        Thread.sleep(300);
        Files.createDirectories(Path.of("target/screenshots"));
        Files.write(Path.of("target/screenshots/depth-mlp.png"),
                browser().driver.findElement(By.id("zoom")).getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
        open.click();
        waitFor("11///", 0);
        // the Sankey opened the block in place, in the overview (ZoomBrowserTest): closing goes up to the block there
        assertThat((String) browser().driver.executeScript("return location.hash;")).contains("level=block").doesNotContain("op=");

        open("#view=qkv&layer=0&head=1");
        waitFor("0/qkv//1", 7);
        Files.write(Path.of("target/screenshots/depth-qkv.png"),
                browser().driver.findElement(By.id("inside")).getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
        open("#view=layernorm&ln=1&layer=11");
        waitFor("11/layernorm/1/", 3);
        Files.write(Path.of("target/screenshots/depth-layernorm.png"),
                browser().driver.findElement(By.id("inside")).getScreenshotAs(org.openqa.selenium.OutputType.BYTES));

        open("#view=mlp&layer=11&token=2&ch=40");
        waitFor("11/mlp//", 4);
        browser().fullScreenshot("depth-page", 1280);

        browser().driver.manage().window().setSize(new Dimension(375, 800));
        try {
            open("#view=mlp&layer=11");
            waitFor("11/mlp//", 4);
            long pageWidth = ((Number) browser().driver.executeScript("return document.documentElement.scrollWidth;")).longValue();
            long viewport = ((Number) browser().driver.executeScript("return document.documentElement.clientWidth;")).longValue();
            assertThat(pageWidth).as("no horizontal scroll of the page at 375 px").isLessThanOrEqualTo(viewport);
            browser().driver.executeScript("document.getElementById('op-mlp').scrollIntoView();");
            browser().screenshot("depth-mlp-375px");
        } finally {
            browser().driver.manage().window().setSize(new Dimension(1280, 900));
        }
    }
}
