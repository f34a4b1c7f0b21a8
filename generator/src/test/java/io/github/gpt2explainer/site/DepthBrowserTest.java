package io.github.gpt2explainer.site;

import static io.github.gpt2explainer.site.StoredArrays.decode;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.gpt2explainer.sampling.Sampler;
import io.github.gpt2explainer.sampling.TopTokens;
import io.github.gpt2explainer.trace.PromptRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Level;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The depth views (head gallery, attention flow, logit lens, probability Sankey) of a 12-layer model in Chromium. */
@Tag("browser")
class DepthBrowserTest {

    private static final int LAYERS = 12;
    private static final int HEADS = 4;

    @RegisterExtension
    static final BrowserExtension chromium = BrowserExtension.browserOnly();

    private static Path site;
    private static PromptRun run;
    private static int tokens;

    @BeforeAll
    static void start() {
        run = DeepFixture.run();
        tokens = run.prefill().tokens().length;
        site = DeepFixture.site();
    }

    private static Browser browser() {
        return chromium.browser();
    }

    private static void open(String hash) {
        browser().console();
        browser().driver.get(site.resolve("p/" + DeepFixture.ID + ".html").toUri() + hash);
        wait(d -> Boolean.TRUE.equals(browser().driver.executeScript(
                "return document.readyState === 'complete' && document.body.classList.contains('ready');")));
    }

    private static void wait(java.util.function.Function<org.openqa.selenium.WebDriver, Boolean> until) {
        new WebDriverWait(browser().driver, Duration.ofSeconds(20)).until(until::apply);
    }

    private static List<WebElement> all(String css) {
        return browser().driver.findElements(By.cssSelector(css));
    }

    private static String hash() {
        return (String) browser().driver.executeScript("return location.hash;");
    }

    private static void noConsoleProblems() {
        assertThat(browser().console().stream().filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue()).toList()).isEmpty();
    }

    /** A screenshot of one section, in target/screenshots. */
    private static void shot(String section, String name) throws java.io.IOException {
        Path dir = Path.of("target", "screenshots");
        Files.createDirectories(dir);
        WebElement element = browser().driver.findElement(By.id(section));
        browser().driver.executeScript("arguments[0].scrollIntoView();", element);
        Files.write(dir.resolve(name + ".png"), element.getScreenshotAs(OutputType.BYTES));
    }

    @Test
    void theGalleryShowsEveryHeadAndOpensOneInTheAttentionView() throws Exception {
        open("#view=heads");
        wait(d -> all("#heads-grid .head-map").size() == LAYERS * HEADS);
        noConsoleProblems();
        assertThat(all("#heads-table tbody tr")).hasSize(LAYERS);
        // each map is a T x T picture of that head's weights, s x s pixels a cell (s up to 4, so masked cells can be hatched)
        Number side = (Number) browser().driver.executeScript("return document.querySelector('#heads-grid canvas').width;");
        assertThat(side.intValue()).isEqualTo(tokens * Math.max(1, Math.min(4, 256 / tokens)));
        shot("heads", "heads-all");
        // keyboard: focus the map of layer 5 head 2 and press Enter
        WebElement map = browser().driver.findElement(By.cssSelector("#heads-grid .head-map[data-layer='5'][data-head='2']"));
        assertThat(map.getAttribute("aria-label")).contains("5").contains("2");
        browser().driver.executeScript("arguments[0].focus();", map);
        map.sendKeys(Keys.ENTER);
        wait(d -> "5".equals(browser().driver.findElement(By.id("attn-layer")).getAttribute("value")));
        assertThat(hash()).contains("view=attention").contains("layer=5").contains("head=2");
        wait(d -> !all("#attention rect.cell").isEmpty());
        assertThat(browser().driver.findElement(By.cssSelector("#attn-heads .head[data-head='2']")).getAttribute("aria-pressed")).isEqualTo("true");

        // deep link: one layer's heads, larger
        open("#view=heads&gallery=layer&layer=4&head=1");
        wait(d -> all("#heads-grid .head-map.big").size() == HEADS);
        assertThat(all("#heads-grid .head-map").stream().map(e -> e.getAttribute("data-layer")).collect(Collectors.toSet()))
                .containsExactly("4");
        assertThat(browser().driver.findElement(By.cssSelector("#heads-grid [aria-current=true]")).getAttribute("data-head")).isEqualTo("1");
        assertThat(browser().driver.findElement(By.id("heads-one")).getAttribute("aria-pressed")).isEqualTo("true");
        shot("heads", "heads-one");
        noConsoleProblems();
    }

    /** The lens after the last block at the last position is the next-token view's top token at T = 1. */
    @Test
    void theLensHasARowPerLayerAndItsLastRowIsTheModelsPrediction() throws Exception {
        open("#t=1&k=0&p=1");
        assertThat(all("#lens-table tbody tr")).hasSize(LAYERS);
        assertThat(all("#lens-table tbody tr:first-child td")).hasSize(tokens);
        WebElement cell = browser().driver.findElement(By.cssSelector(
                "#lens-table td[data-layer='" + (LAYERS - 1) + "'][data-position='" + (tokens - 1) + "']"));
        WebElement top = all("#nt-rows tr").get(0);
        assertThat(cell.getAttribute("data-id")).isEqualTo(top.getAttribute("data-id"));
        // The next-token view computes from the f16-stored logits, the lens from the model's f32 logits: equal
        // to within f16 rounding, and equal as shown (the lens shows 3 significant digits).
        float[] logits = new PromptData(run).finalLogitsAsStored();
        double shownByNextToken = Sampler.probabilities(logits, 1.0, 0, 1.0)[Integer.parseInt(cell.getAttribute("data-id"))];
        assertThat(top.findElement(By.cssSelector(".prob")).getText()).isEqualTo(SiteBrowserTest.percent(shownByNextToken));
        assertThat(Double.parseDouble(cell.getAttribute("data-prob"))).isCloseTo(shownByNextToken,
                org.assertj.core.data.Percentage.withPercentage(0.1));
        assertThat(cell.findElement(By.cssSelector(".p")).getText()).isEqualTo(SiteBrowserTest.percent(shownByNextToken));

        // deep link to a cell: it is selected and its top 5 are listed
        open("#view=lens&layer=3&token=2");
        WebElement selected = browser().driver.findElement(By.cssSelector("#lens-table td.selected"));
        assertThat(selected.getAttribute("data-layer")).isEqualTo("3");
        assertThat(selected.getAttribute("data-position")).isEqualTo("2");
        assertThat(all("#lens-detail li")).hasSize(run.lens().ids()[3][2].length);
        assertThat(all("#lens-detail li").get(0).getAttribute("data-id")).isEqualTo(Integer.toString(run.lens().ids()[3][2][0]));
        // cell text meets WCAG AA contrast on its shade
        Number worst = (Number) browser().driver.executeScript(
                "function lum(c){var m=c.match(/\\d+/g).slice(0,3).map(Number).map(function(v){v/=255;return v<=0.03928?v/12.92:Math.pow((v+0.055)/1.055,2.4);});"
                        + "return 0.2126*m[0]+0.7152*m[1]+0.0722*m[2];}"
                        + "var worst=99;document.querySelectorAll('#lens-table td button').forEach(function(b){var s=getComputedStyle(b);"
                        + "var a=lum(s.backgroundColor),t=lum(s.color);var r=(Math.max(a,t)+0.05)/(Math.min(a,t)+0.05);worst=Math.min(worst,r);});return worst;");
        assertThat(worst.doubleValue()).isGreaterThanOrEqualTo(4.5);
        // keyboard: Tab from the selected cell reaches the next cell and Enter selects it
        selected.findElement(By.tagName("button")).sendKeys(Keys.TAB);
        browser().driver.switchTo().activeElement().sendKeys(Keys.ENTER);
        assertThat(hash()).contains("layer=3").contains("token=3");
        browser().driver.executeScript("document.getElementById('lens').scrollIntoView();");
        shot("lens", "lens");
        noConsoleProblems();
    }

    /** The links are those of flow.js's rule recomputed here from the stored head means: ≥ 1% of the flow. */
    @Test
    void theFlowSankeyHasTheLinksTheDataImplies() throws Exception {
        JsonNode flow = new PromptData(run).main().get("flow");
        float[] mean = decode(flow.get("mean"));
        float[] rollout = decode(flow.get("rollout"));
        for (int target : new int[] {tokens - 1, 2}) {
            open(target == tokens - 1 ? "" : "#view=flow&token=" + target);
            assertThat(browser().driver.findElement(By.id("flow-target")).getAttribute("value")).isEqualTo(Integer.toString(target));
            Set<String> expected = expectedLinks(mean, target);
            // the links drawn at least 1 px wide (the minor ones are drawn too, at their true width)
            Set<String> shown = all("#flow-chart path.flow-link:not(.minor)").stream()
                    .map(e -> e.getAttribute("data-source") + ">" + e.getAttribute("data-target"))
                    .collect(Collectors.toCollection(TreeSet::new));
            assertThat(shown).as("target " + target).isEqualTo(expected);
            // the input column is the target's rollout row
            for (int j = 0; j < tokens; j++) {
                String v = browser().driver.findElement(By.cssSelector(
                        "#flow-table td[data-column='0'][data-position='" + j + "']")).getAttribute("data-flow");
                assertThat(Double.parseDouble(v)).as("input %d", j)
                        .isCloseTo(rollout[((LAYERS - 1) * tokens + target) * tokens + j], org.assertj.core.data.Offset.offset(2e-3));
            }
        }
        browser().driver.findElement(By.id("flow-target")).sendKeys("all"); // keyboard: type to pick "all positions"
        wait(d -> hash().contains("token=all"));
        assertThat(all("#flow-chart .flow-node.top")).hasSize(tokens);
        open("");
        browser().driver.executeScript("document.getElementById('flow').scrollIntoView();");
        shot("flow", "flow");
        noConsoleProblems();
    }

    private static Set<String> expectedLinks(float[] mean, int target) {
        double[] g = new double[tokens];
        g[target] = 1;
        Set<String> links = new TreeSet<>();
        for (int l = LAYERS - 1; l >= 0; l--) {
            double[] below = new double[tokens];
            for (int i = 0; i < tokens; i++) {
                for (int j = 0; j <= i; j++) {
                    double a = 0.5 * mean[(l * tokens + i) * tokens + j] + (i == j ? 0.5 : 0);
                    double v = g[i] * a;
                    below[j] += v;
                    if (v >= 0.01) {
                        links.add(l + ":" + j + ">" + (l + 1) + ":" + i);
                    }
                }
            }
            g = below;
        }
        return links;
    }

    /** Link widths are Java's Sampler probabilities over the same f16 logits, at the slider's temperature. */
    @Test
    void theProbabilitySankeyFollowsTheTemperatureSlider() throws Exception {
        float[] logits = new PromptData(run).finalLogitsAsStored();
        open("#view=probsankey");
        assertThat(all("#ps-chart path.ps-link")).hasSize(11);
        WebElement slider = browser().driver.findElement(By.id("ps-temperature"));
        slider.sendKeys(Keys.HOME);
        for (int i = 0; i < 8; i++) {
            slider.sendKeys(Keys.ARROW_RIGHT);
        }
        compareLinks(logits, 0.4);
        shot("probsankey", "probsankey-0.4");
        // the next-token view's slider drives it too (one shared state)
        WebElement ntSlider = browser().driver.findElement(By.id("nt-temperature"));
        ntSlider.sendKeys(Keys.END);
        assertThat(slider.getAttribute("value")).isEqualTo("2");
        compareLinks(logits, 2.0);
        shot("probsankey", "probsankey-2");
        noConsoleProblems();
    }

    private static void compareLinks(float[] logits, double temperature) {
        int topK = SiteFixture.promptSet().settings().topK(); // the section's default, as in the next-token view
        double[] expected = Sampler.probabilities(logits, temperature, topK, 1.0);
        int[] top = TopTokens.of(logits, 10);
        double rest = 1;
        for (int id : top) {
            WebElement link = browser().driver.findElement(By.cssSelector("#ps-chart path.ps-link[data-id='" + id + "']"));
            assertThat(Double.parseDouble(link.getAttribute("data-prob"))).as("T=%s id %d", temperature, id)
                    .isCloseTo(expected[id], org.assertj.core.data.Offset.offset(1e-12));
            assertThat(browser().driver.findElement(By.cssSelector("#ps-rows tr[data-id='" + id + "'] .prob")).getAttribute("textContent"))
                    .isEqualTo(SiteBrowserTest.percent(expected[id]));
            rest -= expected[id];
        }
        WebElement others = browser().driver.findElement(By.cssSelector("#ps-chart path.ps-link[data-id='rest']"));
        assertThat(Double.parseDouble(others.getAttribute("data-prob"))).isCloseTo(rest, org.assertj.core.data.Offset.offset(1e-9));
        // the drawn heights follow the probabilities: the first ribbon's right end is p times the available height
        Number h = (Number) browser().driver.executeScript(
                "return document.querySelector(\"#ps-chart .ps-node[data-id='" + top[0] + "'] rect\").getBBox().height;");
        assertThat(h.doubleValue()).isCloseTo(Math.max(1, expected[top[0]] * (380 - 20 - 4 * 11)), org.assertj.core.data.Offset.offset(0.5));
    }

    @Test
    void everyDepthViewFitsAPhoneAndHasLabelsAndDataTables() throws Exception {
        open("#view=heads");
        wait(d -> all("#heads-grid .head-map").size() == LAYERS * HEADS);
        for (String section : List.of("heads", "flow", "lens", "probsankey")) {
            WebElement s = browser().driver.findElement(By.id(section));
            assertThat(s.findElements(By.tagName("table"))).as(section + " data table").isNotEmpty();
            for (WebElement svg : s.findElements(By.cssSelector("svg"))) {
                assertThat(svg.getAttribute("aria-label")).as(section + " svg label").isNotBlank();
            }
            for (WebElement control : s.findElements(By.cssSelector("button:not([hidden]), select, input"))) {
                String label = control.getAttribute("aria-label");
                String id = control.getAttribute("id");
                boolean labelled = (label != null && !label.isBlank()) || !control.getText().isBlank()
                        || (id != null && !s.findElements(By.cssSelector("label[for='" + id + "']")).isEmpty());
                assertThat(labelled).as(section + " control " + control.getAttribute("outerHTML")).isTrue();
                if (!control.getAttribute("class").contains("head-map")) {  // the gallery is one roving tab stop
                    assertThat(control.getAttribute("tabindex")).as("in the tab order").isNotEqualTo("-1");
                }
            }
        }
        // the head gallery: one map in the tab order, the arrow keys move to the others
        List<WebElement> stops = all("#heads-grid .head-map[tabindex='0']");
        assertThat(stops).as("head maps in the tab order").hasSize(1);
        browser().driver.executeScript("arguments[0].focus();", stops.get(0));
        new org.openqa.selenium.interactions.Actions(browser().driver).sendKeys(org.openqa.selenium.Keys.ARROW_RIGHT).perform();
        assertThat((String) browser().driver.executeScript("return document.activeElement.getAttribute('data-head');"))
                .isEqualTo("1");
        assertThat(all("#heads-grid .head-map[tabindex='0']")).hasSize(1);
        browser().driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", 375, "height", 800, "deviceScaleFactor", 1, "mobile", true));
        try {
            for (String view : List.of("heads", "flow", "lens", "probsankey")) {
                open("#view=" + view);
                if (view.equals("heads")) {
                    wait(d -> all("#heads-grid .head-map").size() == LAYERS * HEADS);
                }
                Number scroll = (Number) browser().driver.executeScript("return document.documentElement.scrollWidth;");
                assertThat(scroll.intValue()).as(view + " at 375 px").isLessThanOrEqualTo(375);
                browser().screenshot("depth-375px-" + view);
            }
        } finally {
            browser().driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }
}
