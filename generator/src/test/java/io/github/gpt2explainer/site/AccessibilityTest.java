package io.github.gpt2explainer.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Accessibility of every page the site has (discovered from the built directory, so views and page kinds
 * added later are covered): axe-core's WCAG 2.1 A/AA rules, keyboard reach and operation, a data table for
 * every chart, and a 375 px wide phone screen without horizontal scrolling of the page.
 */
@Tag("browser")
class AccessibilityTest {

    @RegisterExtension
    static final BrowserExtension chromium = BrowserExtension.browserOnly();

    private static SitePages site;

    @BeforeAll
    static void start() {
        // -Da11y.site=DIR checks a site built elsewhere (e.g. site-out/ from ./gpt2-explainer build)
        String dir = System.getProperty("a11y.site");
        site = SitePages.of(dir == null || dir.isBlank() ? SiteFixture.site() : Path.of(dir).toAbsolutePath());
        // Transitions finished at once: axe measures contrast on the final colours, not mid-animation.
        browser().driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
                List.of(Map.of("name", "prefers-reduced-motion", "value", "reduce"))));
    }

    private static Browser browser() {
        return chromium.browser();
    }

    /** Opens a page from disk and waits until its views have started. */
    static void open(Browser browser, String url) {
        browser.driver.get(url);
        new WebDriverWait(browser.driver, Duration.ofSeconds(30)).until(d -> Boolean.TRUE.equals(
                browser.driver.executeScript("return document.readyState === 'complete' && "
                        + "(document.body.getAttribute('data-page') !== 'prompt' || document.body.classList.contains('ready'));")));
    }

    /**
     * Shows everything a reader can unfold: every {@code <details>} open and every collapsed toggle pressed
     * (the attention steps, ...), then waits until lazily loaded parts stop adding elements.
     */
    static void expandEverything(Browser browser) throws InterruptedException {
        browser.driver.executeScript(
                "document.querySelectorAll('details').forEach(function (d) { d.open = true; });"
                        + "document.querySelectorAll('button[aria-expanded=\"false\"]').forEach(function (b) { b.click(); });");
        long previous = -1;
        for (int i = 0; i < 40; i++) {
            Thread.sleep(250);
            long count = (Long) browser.driver.executeScript("return document.getElementsByTagName('*').length;");
            if (count == previous) {
                break;
            }
            previous = count;
        }
    }

    @Test
    void axeFindsNoSeriousOrCriticalViolationOnAnyPageInEitherLanguage() throws Exception {
        Axe axe = new Axe();
        // <html lang> is each language's BCP 47 tag (language.tag: "en", "zh-Hans"), not the file name of its strings
        assertThat(site.pages().stream().map(SitePages.SitePage::lang).distinct())
                .containsExactlyInAnyOrder(htmlLang("en"), htmlLang("zh"));
        assertThat(site.pages().stream().map(SitePages.SitePage::kind).distinct()).contains("index", "about", "prompt");
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (SitePages.SitePage page : site.pages()) {
            open(browser(), page.url());
            expandEverything(browser());
            List<Axe.Violation> violations = axe.run(browser().driver);
            violations.stream().filter(v -> !v.blocking())
                    .forEach(v -> System.out.println("axe (minor) " + page.path() + ": " + v));
            violations.stream().filter(Axe.Violation::blocking).forEach(v -> failures.add(page.path() + ": " + v));
            checked++;
        }
        System.out.println("axe " + axe.version(browser().driver) + " checked " + checked + " pages");
        assertThat(failures).as("serious or critical axe violations:\n" + String.join("\n", failures)).isEmpty();
    }

    @Test
    void everyPageFitsA375PxScreenWithoutScrollingSideways() {
        List<String> failures = new ArrayList<>();
        try {
            browser().driver.manage().window().setSize(new Dimension(375, 812));
            long viewport = (Long) browser().driver.executeScript("return document.documentElement.clientWidth;");
            for (SitePages.SitePage page : site.pages()) {
                open(browser(), page.url());
                long width = (Long) browser().driver.executeScript("return document.documentElement.scrollWidth;");
                if (width > viewport) {
                    failures.add(page.path() + ": " + width + " px wide in a " + viewport + " px viewport; widest: "
                            + browser().driver.executeScript(
                            "var w = document.documentElement.clientWidth, out = [];"
                                    + "document.querySelectorAll('body *').forEach(function (e) { var r = e.getBoundingClientRect();"
                                    + " if (r.right > w + 1 && out.length < 5) { out.push(e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(r.right)); } });"
                                    + "return out.join(', ');"));
                }
            }
            // what scrolls sideways on a phone must be reachable by keyboard (axe: scrollable-region-focusable)
            open(browser(), site.pages().stream().filter(p -> p.kind().equals("prompt") && p.lang().equals(htmlLang("zh")) && !p.handout())
                    .findFirst().orElseThrow().url());
            new Axe().run(browser().driver).stream().filter(Axe.Violation::blocking)
                    .forEach(v -> failures.add("at 375 px: " + v));
            browser().fullScreenshot("prompt-375px-zh", 375);
        } finally {
            browser().driver.manage().window().setSize(new Dimension(1280, 900));
        }
        assertThat(failures).as(String.join("\n", failures)).isEmpty();
    }

    /**
     * Every SVG chart is named and points to a table of its data (aria-details); it is an image, or a group
     * when it holds focusable parts or is itself a keyboard-operated chart (an image may not contain controls).
     */
    @Test
    void everyChartHasANameAndADataTable() throws Exception {
        for (SitePages.SitePage page : site.oneOfEachKind()) {
            open(browser(), page.url());
            expandEverything(browser());
            @SuppressWarnings("unchecked")
            List<String> problems = (List<String>) browser().driver.executeScript(
                    "var out = [];"
                            + "document.querySelectorAll('svg').forEach(function (svg) {"
                            + "  if (svg.closest('[aria-hidden=true]') || svg.getAttribute('aria-hidden') === 'true') { return; }"
                            + "  var where = (svg.closest('[id]') || {}).id;"
                            + "  var role = svg.getAttribute('role'), controls = svg.hasAttribute('tabindex') || svg.querySelector('[tabindex]');"
                            + "  if (role !== (controls ? 'group' : 'img')) { out.push(where + ': svg role ' + role + ', expected img (a picture) or group (with controls)'); return; }"
                            + "  if (!(svg.getAttribute('aria-label') || svg.getAttribute('aria-labelledby'))) { out.push(where + ': chart without a name'); }"
                            + "  var ref = svg.getAttribute('aria-details'), box = ref && document.getElementById(ref);"
                            + "  var rows = box ? box.querySelectorAll('tbody tr').length : 0;"
                            + "  if (!rows) { out.push(where + ': chart without a data table (aria-details=' + ref + ')'); }"
                            + "});"
                            + "return out;");
            assertThat(problems).as(page.path()).isEmpty();
        }
    }

    /**
     * Tab from the top of a prompt page reaches every visible control (links, buttons, inputs, chart nodes),
     * each showing a focus outline.
     */
    @Test
    void tabReachesEveryControlAndEachShowsAFocusOutline() {
        for (SitePages.SitePage page : site.oneOfEachKind()) {
            open(browser(), page.url());
            @SuppressWarnings("unchecked")
            List<String> expected = (List<String>) browser().driver.executeScript(
                    "var out = [];"
                            + "document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]').forEach(function (e, i) {"
                            + "  if (e.getAttribute('tabindex') === '-1' || e.disabled || e.closest('[hidden], [inert]')) { return; }"
                            + "  var closed = e.closest('details:not([open])');"
                            + "  if (closed && !(e.tagName === 'SUMMARY' && e.parentNode === closed)) { return; }"
                            + "  var r = e.getBoundingClientRect(), s = getComputedStyle(e);"
                            + "  if (e.classList.contains('skip')) { r = {width: 1, height: 1}; }"
                            + "  if ((r.width === 0 && r.height === 0) || s.visibility === 'hidden') { return; }"
                            + "  e.setAttribute('data-a11y-key', 'k' + i); out.push('k' + i);"
                            + "});"
                            + "return out;");
            browser().driver.executeScript("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0);");
            List<String> reached = new ArrayList<>();
            List<String> noOutline = new ArrayList<>();
            List<String> trail = new ArrayList<>();
            for (int i = 0; i < expected.size() + 20 && reached.size() < expected.size(); i++) {
                new Actions(browser().driver).sendKeys(Keys.TAB).perform();
                @SuppressWarnings("unchecked")
                Map<String, Object> focus = (Map<String, Object>) browser().driver.executeScript(
                        "var e = document.activeElement, s = getComputedStyle(e);"
                                + "return {key: e.getAttribute('data-a11y-key'), what: e.outerHTML.slice(0, 120),"
                                + " outline: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || svgStroke(e)};"
                                + "function svgStroke(e) {"  // an SVG shape shows focus with a thick dark stroke
                                + "  var shape = e instanceof SVGElement ? (e.matches('rect, path, circle') ? e : e.querySelector('rect, path, circle')) : null;"
                                + "  if (!shape) { return false; }"
                                + "  var t = getComputedStyle(shape); return t.stroke !== 'none' && parseFloat(t.strokeWidth) >= 2; }");
                String key = (String) focus.get("key");
                trail.add(key == null ? (String) focus.get("what") : key);
                if (key != null && !reached.contains(key)) {
                    reached.add(key);
                    if (!Boolean.TRUE.equals(focus.get("outline"))) {
                        noOutline.add((String) focus.get("what"));
                    }
                }
            }
            // A control that went away during the walk (e.g. "Show the maps", hidden once the maps it loads have
            // arrived because the walk scrolled them into view) is no longer a control: only visible ones count.
            List<String> missed = expected.stream().filter(k -> !reached.contains(k)).filter(k -> Boolean.TRUE.equals(
                    browser().driver.executeScript("var e = document.querySelector('[data-a11y-key=' + arguments[0] + ']');"
                            + "if (!e || e.closest('[hidden], [inert]')) { return false; }"
                            + "var r = e.getBoundingClientRect(); return getComputedStyle(e).visibility !== 'hidden' && (r.width > 0 || r.height > 0);", k)))
                    .map(k -> (String) browser().driver.executeScript("return document.querySelector('[data-a11y-key=' + arguments[0] + ']').outerHTML.slice(0, 160);", k))
                    .collect(Collectors.toList());
            assertThat(missed).as(page.path() + ": not reachable with Tab; focus went " + trail).isEmpty();
            assertThat(noOutline).as(page.path() + ": focused without a visible outline").isEmpty();
        }
    }

    /** The prompt page's views work from the keyboard alone: Enter, Space and the arrow keys. */
    @Test
    void theViewsAreOperableFromTheKeyboard() {
        SitePages.SitePage page = site.pages().stream().filter(p -> p.kind().equals("prompt") && !p.handout())
                .sorted(java.util.Comparator.comparing(p -> !p.path().contains(SiteFixture.EIFFEL_ID))).findFirst().orElseThrow();
        open(browser(), page.url());
        // a Sankey node: Enter opens it in place, under the chart (its block, its attention open: ZoomBrowserTest)
        WebElement node = browser().driver.findElement(By.cssSelector("#sankey [data-node='attn1']"));
        focus(node);
        new Actions(browser().driver).sendKeys(Keys.ENTER).perform();
        assertThat(hash()).contains("level=op").contains("op=attention").contains("layer=1");
        // and focus follows into the panel that opened, so the keyboard is where the eye is
        new WebDriverWait(browser().driver, Duration.ofSeconds(10)).until(d -> (Boolean) browser().driver.executeScript(
                "return !!document.activeElement && !!document.activeElement.closest('#zoom');"));
        // a token chip: Space selects it
        WebElement chip = browser().driver.findElement(By.cssSelector("#tokens .token[data-position='2']"));
        focus(chip);
        new Actions(browser().driver).sendKeys(Keys.SPACE).perform();
        assertThat(hash()).contains("token=2");
        assertThat(chip.getAttribute("aria-pressed")).isEqualTo("true");
        // the attention grid: one tab stop, arrow keys move between cells, each cell says what it holds
        new WebDriverWait(browser().driver, Duration.ofSeconds(10)).until(d ->
                !browser().driver.findElements(By.cssSelector("#attention .cell[tabindex='0']")).isEmpty());
        WebElement cell = browser().driver.findElement(By.cssSelector("#attention .cell[tabindex='0']"));
        focus(cell);
        String before = active("aria-label");
        new Actions(browser().driver).sendKeys(Keys.ARROW_DOWN).perform();
        String after = active("aria-label");
        assertThat(after).isNotEqualTo(before).isNotBlank();
        assertThat(browser().driver.findElements(By.cssSelector("#attention .cell[tabindex='0']"))).hasSize(1);
        shoot("attention", "keyboard-attention-cell");
        WebElement logits = browser().driver.findElement(By.cssSelector("#sankey [data-node='mlp1']"));
        browser().driver.executeScript("arguments[0].scrollIntoView({block: 'center'});", logits);
        new Actions(browser().driver).sendKeys(Keys.TAB).perform(); // a keyboard focus (focus-visible) somewhere
        browser().driver.executeScript("arguments[0].focus();", logits);
        shoot("overview", "keyboard-sankey-node");
        // the temperature slider says the temperature, not just a number
        WebElement slider = browser().driver.findElement(By.id("nt-temperature"));
        focus(slider);
        new Actions(browser().driver).sendKeys(Keys.HOME).sendKeys(Keys.ARROW_RIGHT).perform();
        assertThat(hash()).contains("t=0.05");
        assertThat(slider.getAttribute("aria-valuetext")).contains("0.05");
    }

    private static void shoot(String id, String name) {
        try {
            java.nio.file.Files.createDirectories(screenshotDir());
            java.nio.file.Files.write(screenshotDir().resolve(name + ".png"),
                    browser().driver.findElement(By.id(id)).getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void focus(WebElement e) {
        browser().driver.executeScript("arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus();", e);
    }

    private static String active(String attribute) {
        return (String) browser().driver.executeScript("return document.activeElement.getAttribute(arguments[0]);", attribute);
    }

    private static String hash() {
        return (String) browser().driver.executeScript("return location.hash;");
    }

    /** The {@code <html lang>} of a site language, from its UI strings (templates/i18n/LANG.properties). */
    static String htmlLang(String language) {
        return Messages.load(SiteFixture.repositoryRoot().resolve("templates").resolve("i18n"), List.of(language))
                .strings(language).get("language.tag");
    }

    static Path screenshotDir() {
        return Path.of("target", "screenshots");
    }
}
