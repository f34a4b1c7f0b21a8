package io.github.gpt2explainer.site;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.gpt2explainer.sampling.Sampler;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.function.Function;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Deep links, history and the language switcher on prompt pages; the comparison page; chapters in both
 * languages. Headless Chromium over http://127.0.0.1 and file:// (see {@link Browser}).
 */
@Tag("browser")
class DeepLinkBrowserTest {

    @RegisterExtension
    static final BrowserExtension chromium = BrowserExtension.serving(SiteFixture::site);

    private static Browser browser() {
        return chromium.browser();
    }

    private static String http(String path) {
        return chromium.server().base() + path;
    }

    private static String file(String path) {
        return chromium.site().resolve(path.replaceAll("#.*", "")).toUri() + (path.contains("#") ? path.substring(path.indexOf('#')) : "");
    }

    private static Object js(String script, Object... args) {
        return browser().driver.executeScript(script, args);
    }

    private static void waitFor(Function<WebDriver, Boolean> condition) {
        new WebDriverWait(browser().driver, Duration.ofSeconds(20)).until(condition::apply);
    }

    private static void open(String url) {
        browser().console();
        browser().driver.get(url);
        waitFor(d -> Boolean.TRUE.equals(js("return document.readyState === 'complete' && "
                + "(['prompt', 'compare'].indexOf(document.body.getAttribute('data-page')) < 0 || document.body.classList.contains('ready'));")));
    }

    /** Waits until the attention view shows the given layer and head, then checks the controls agree. */
    private static void expectAttention(int layer, int head, Integer token) {
        waitFor(d -> !d.findElements(By.cssSelector("#attention figure.attn-panel[data-layer='" + layer + "'][data-head='" + head + "']")).isEmpty());
        assertThat(browser().driver.findElement(By.id("attn-layer")).getAttribute("value")).isEqualTo(String.valueOf(layer));
        assertThat(browser().driver.findElements(By.cssSelector("#attn-heads .head[aria-pressed=true]")))
                .extracting(e -> e.getAttribute("data-head")).containsExactly(String.valueOf(head));
        List<WebElement> selected = browser().driver.findElements(By.cssSelector("#attention .qlabel.selected"));
        if (token == null) {
            assertThat(selected).isEmpty();
        } else {
            assertThat(selected).extracting(e -> e.getAttribute("data-q")).containsExactly(String.valueOf(token));
            assertThat(browser().driver.findElement(By.id("attn-selected")).getText()).containsPattern("(position|位置) " + token + "\\b");
        }
    }

    /** The section's top edge is within the upper half of the window: the deep link scrolled to it. */
    private static void expectScrolledTo(String id) {
        waitFor(d -> {
            Number top = (Number) js("return document.getElementById(arguments[0]).getBoundingClientRect().top;", id);
            return top.doubleValue() > -10 && top.doubleValue() < 450;
        });
    }

    private static String hash() {
        return (String) js("return location.hash;");
    }

    private static void noConsoleProblems(String what) {
        assertThat(browser().console().stream().filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue()).toList())
                .as(what).isEmpty();
    }

    @Test
    void aDeepLinkRestoresTheAttentionViewAndTheNextTokenTemperature() {
        String page = "p/" + SiteFixture.EIFFEL_ID + ".html";
        open(http(page + "#head=2&layer=1&token=3&view=attention"));
        expectAttention(1, 2, 3);
        expectScrolledTo("attention");
        browser().screenshot("deep-link-attention");

        open(file(page + "#k=0&t=0.5&view=next-token"));
        expectScrolledTo("next-token");
        assertThat(browser().driver.findElement(By.id("nt-temperature")).getAttribute("value")).isEqualTo("0.5");
        assertThat(browser().driver.findElement(By.id("nt-temperature-value")).getText()).isEqualTo("0.50");
        float[] logits = new PromptData(SiteFixture.run(SiteFixture.EIFFEL_ID)).finalLogitsAsStored();
        double[] expected = Sampler.probabilities(logits, 0.5, 0, 1.0);
        List<WebElement> rows = browser().driver.findElements(By.cssSelector("#nt-rows tr"));
        assertThat(rows).isNotEmpty();
        for (WebElement row : rows) {
            int id = Integer.parseInt(row.getAttribute("data-id"));
            assertThat(row.findElement(By.cssSelector(".prob")).getText()).isEqualTo(SiteBrowserTest.percent(expected[id]));
        }
        noConsoleProblems(page);
    }

    @Test
    void backAndForwardStepThroughWhatWasLookedAtButNotThroughSliderMoves() {
        open(http("p/" + SiteFixture.EIFFEL_ID + ".html#head=2&layer=1&view=attention"));
        expectAttention(1, 2, null);
        browser().driver.findElement(By.cssSelector("#attn-heads .head[data-head='3']")).click();
        expectAttention(1, 3, null);
        new Select(browser().driver.findElement(By.id("attn-layer"))).selectByValue("2");
        expectAttention(2, 3, null);
        js("document.querySelector('#tokens .token[data-position=\"4\"]').click();");
        expectAttention(2, 3, 4);
        js("GPT2X.router.set({t: 1.3}); GPT2X.router.set({t: 1.4});"); // slider moves: replace, no entries
        assertThat(hash()).isEqualTo("#head=3&layer=2&t=1.4&token=4&view=attention");

        js("history.back();");
        expectAttention(2, 3, null);
        js("history.back();");
        expectAttention(1, 3, null);
        js("history.back();");
        expectAttention(1, 2, null);
        assertThat(hash()).isEqualTo("#head=2&layer=1&view=attention");
        js("history.forward();");
        expectAttention(1, 3, null);
        js("history.forward();");
        js("history.forward();");
        expectAttention(2, 3, 4);
        waitFor(d -> hash().equals("#head=3&layer=2&t=1.4&token=4&view=attention"));
        assertThat(browser().driver.findElement(By.id("nt-temperature")).getAttribute("value")).isEqualTo("1.4");
        noConsoleProblems("history");
    }

    @Test
    void theLanguageSwitcherCarriesTheCurrentStateToTheOtherLanguage() {
        open(file("p/" + SiteFixture.EIFFEL_ID + ".html#head=1&layer=2&view=attention"));
        expectAttention(2, 1, null);
        browser().driver.findElement(By.cssSelector("#attn-heads .head[data-head='3']")).click();
        expectAttention(2, 3, null);
        WebElement zh = browser().driver.findElement(By.cssSelector(".languages a[hreflang='zh-Hans']"));
        assertThat(zh.getAttribute("href")).endsWith("zh/p/" + SiteFixture.EIFFEL_ID + ".html#head=3&layer=2&view=attention");
        zh.click();
        waitFor(d -> "zh-Hans".equals(js("return document.documentElement.lang;"))
                && Boolean.TRUE.equals(js("return document.body.classList.contains('ready');")));
        expectAttention(2, 3, null);
        assertThat(browser().driver.findElement(By.id("attention-title")).getText()).isEqualTo("注意力");
        assertThat(browser().driver.findElement(By.cssSelector(".languages a[hreflang='en']")).getAttribute("href"))
                .endsWith("/p/" + SiteFixture.EIFFEL_ID + ".html#head=3&layer=2&view=attention");

        // the comparison page too, whose state is layer, head and token
        open(http("zh/compare.html#head=1&layer=1"));
        assertThat(browser().driver.findElement(By.cssSelector(".languages a[hreflang='en']")).getAttribute("href"))
                .isEqualTo(http("compare.html#head=1&layer=1"));
    }

    @Test
    void theComparePageDrawsEveryPromptsMapForTheChosenHeadAndFollowsAToken() {
        List<String> ids = SiteFixture.promptSet().ids();
        open(file("compare.html#head=1&layer=2"));
        for (String id : ids) {
            int t = SiteFixture.run(id).prefill().tokens().length;
            String cell = ".cmp-cell[data-prompt='" + id + "'] ";
            assertThat(browser().driver.findElements(By.cssSelector(cell + "rect.cell"))).as(id).hasSize(t * t);
            assertThat(browser().driver.findElements(By.cssSelector(cell + "rect.cell.masked"))).as(id).hasSize(t * (t - 1) / 2);
            assertThat(browser().driver.findElement(By.cssSelector(cell + "svg")).getAttribute("aria-label")).contains("layer 2, head 1");
            assertThat(browser().driver.findElement(By.cssSelector(cell + "a.cmp-open")).getAttribute("href"))
                    .endsWith("p/" + id + ".html#head=1&layer=2&view=attention");
        }
        @SuppressWarnings("unchecked")
        List<String> loaded = (List<String>) js( // file:// loads leave no performance entries: read the script elements
                "return Array.prototype.map.call(document.querySelectorAll('script[src]'), function (s) { return s.src; });");
        assertThat(loaded).anyMatch(u -> u.endsWith("data/compare/attn-2.js"))
                .noneMatch(u -> u.matches(".*data/compare/attn-[013]\\.js")).noneMatch(u -> u.contains("/main.js"));

        // "The" (464) opens the Eiffel and United States rows, frames its row in their maps
        browser().driver.findElement(By.cssSelector("#cmp-tokens .chip[data-token='464']")).click();
        waitFor(d -> d.findElements(By.cssSelector("#cmp-rows tr")).size() == 2);
        assertThat(browser().driver.findElements(By.cssSelector("#cmp-rows tr"))).extracting(e -> e.getAttribute("data-prompt"))
                .containsExactly(SiteFixture.EIFFEL_ID, SiteFixture.STATES_ID);
        assertThat(browser().driver.findElements(By.cssSelector(".cmp-map .row-mark"))).hasSize(2);
        int layers = SiteFixture.model().info().config().layers();
        assertThat(browser().driver.findElements(By.cssSelector("#cmp-rows tr:first-child .lens-step"))).hasSize(layers);
        assertThat(hash()).isEqualTo("#head=1&layer=2&token=464&view=words");
        expectScrolledTo("words");

        new Select(browser().driver.findElement(By.id("cmp-layer"))).selectByValue("3");
        waitFor(d -> d.findElement(By.cssSelector(".cmp-cell svg")).getAttribute("aria-label").contains("layer 3"));
        js("history.back();");
        waitFor(d -> d.findElement(By.cssSelector(".cmp-cell svg")).getAttribute("aria-label").contains("layer 2"));
        assertThat(new Select(browser().driver.findElement(By.id("cmp-layer"))).getFirstSelectedOption().getAttribute("value")).isEqualTo("2");
        noConsoleProblems("compare");
        js("window.scrollTo(0, 0);");
        browser().fullScreenshot("compare-en", 1280);

        // a deep link into the lower section stays there while the maps above it are drawn
        open(http("zh/compare.html#head=1&layer=2&token=286&view=words"));
        expectScrolledTo("words");
        waitFor(d -> d.findElements(By.cssSelector("#cmp-rows tr")).size() == 2);
        expectScrolledTo("words");
        browser().screenshot("compare-words-zh");
    }

    @Test
    void chaptersAndTheComparePageRenderInBothLanguagesAndLinkIntoLiveViews() {
        for (String prefix : List.of("", "zh/")) {
            for (String path : List.of("chapters/index.html", "chapters/attention.html", "compare.html")) {
                for (boolean overHttp : List.of(true, false)) {
                    String url = overHttp ? http(prefix + path) : file(prefix + path);
                    open(url);
                    assertThat(js("return document.documentElement.lang;")).isEqualTo(prefix.isEmpty() ? "en" : "zh-Hans");
                    String h1 = browser().driver.findElement(By.tagName("h1")).getText();
                    assertThat(h1).as(url).isNotBlank();
                    if (!prefix.isEmpty()) {
                        assertThat(h1.codePoints().anyMatch(cp -> Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN)).as(h1).isTrue();
                    }
                    noConsoleProblems(url);
                }
            }
        }
        open(http("index.html"));
        browser().fullScreenshot("index-en", 1280);
        open(http("zh/chapters/index.html"));
        browser().fullScreenshot("chapters-index-zh", 1100);
        open(http("chapters/mlp.html"));
        browser().fullScreenshot("chapter-mlp-en", 1100);
        open(http("chapters/attention.html"));
        browser().fullScreenshot("chapter-attention-en", 1100);
        open(http("zh/chapters/attention.html"));
        browser().fullScreenshot("chapter-attention-zh", 1100);
        // "see it live": the last layer's heads at the last token; the link names the built model's last layer
        int last = SiteFixture.model().info().config().layers() - 1;
        browser().driver.findElement(By.cssSelector("article.chapter a[href*='layer=" + last + "&head=0&token=10']")).click();
        waitFor(d -> Boolean.TRUE.equals(js("return document.body.classList.contains('ready');")));
        expectAttention(last, 0, 10);
        expectScrolledTo("attention");
        assertThat(js("return document.documentElement.lang;")).isEqualTo("zh-Hans");
    }
}
