package io.github.gpt2explainer.site;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.gpt2explainer.live.ServedSite;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Issue 15 in Chromium, against {@code serve --model demo}: a reader types a prompt into the box of a served page
 * and gets that prompt's page with every view drawn; a hostile prompt shows as text.
 */
@Tag("browser")
class LiveBrowserTest {

    @TempDir
    Path dir;

    private static final List<String> VIEWS = List.of("overview", "tokens", "attention", "heads", "flow", "inside",
            "lens", "next-token", "probsankey", "generation");

    @Test
    void aTypedPromptGetsItsPageWithEveryViewAndHostileTextStaysText() throws Exception {
        try (ServedSite site = new ServedSite(dir); Browser browser = new Browser()) {
            browser.driver.get(site.uri.resolve("/zh/index.html").toString());
            type(browser, "我的句子 about the weather today is");
            awaitLivePage(browser, "/zh/p/about-the-weather-today-is.html");
            for (String view : VIEWS) {
                assertThat(browser.driver.findElements(By.id(view))).as(view).hasSize(1);
            }
            assertThat(browser.driver.findElements(By.cssSelector("#sankey svg .node"))).isNotEmpty();
            assertThat(browser.driver.findElements(By.cssSelector("#nt-rows tr"))).hasSize(12);
            assertThat(browser.driver.findElements(By.cssSelector("#generation *"))).isNotEmpty();
            browser.driver.executeScript("GPT2X.router.set({layer: 1, head: 1, steps: 1});"); // a lazily loaded layer
            new WebDriverWait(browser.driver, Duration.ofSeconds(20)).until(d ->
                    d.findElements(By.cssSelector("#attention figure.attn-panel")).size() == 4);
            assertThat(problems(browser)).isEmpty();
            browser.fullScreenshot("live-zh-1280", 1280);
            browser.fullScreenshot("live-zh-375", 375);
            // the box on a live page holds the request, with the links to share and keep it
            WebElement box = browser.driver.findElement(By.cssSelector("details.live-box"));
            assertThat(box.getAttribute("open")).isNotNull();
            assertThat(box.findElement(By.name("prompt")).getAttribute("value")).isEqualTo("我的句子 about the weather today is");
            assertThat(box.findElements(By.cssSelector(".live-links a"))).hasSize(2);

            String hostile = "</script><img src=x onerror=alert(1)> [go](javascript:alert(1))";
            browser.driver.get(site.uri.resolve("/index.html").toString());
            type(browser, hostile);
            awaitLivePage(browser, "/p/script-img-src-x-onerror-alert.html");
            assertThat(browser.driver.findElements(By.cssSelector("img[src='x']"))).isEmpty();
            assertThat(browser.driver.findElements(By.cssSelector("a[href^='javascript']"))).isEmpty();
            assertThat(browser.driver.findElement(By.tagName("main")).getText()).contains("<img src=x onerror=alert(1)>");
            browser.fullScreenshot("live-en-375", 375);
            assertThat(problems(browser)).isEmpty();
        }
    }

    private static void type(Browser browser, String prompt) {
        new WebDriverWait(browser.driver, Duration.ofSeconds(20)).until(d ->
                !d.findElements(By.cssSelector("details.live-box summary")).isEmpty());
        browser.driver.findElement(By.cssSelector("details.live-box summary")).click();
        WebElement text = browser.driver.findElement(By.cssSelector("details.live-box textarea[name=prompt]"));
        text.clear();
        text.sendKeys(prompt);
        browser.driver.findElement(By.cssSelector("details.live-box button[type=submit]")).click();
    }

    private static void awaitLivePage(Browser browser, String pageSuffix) {
        new WebDriverWait(browser.driver, Duration.ofSeconds(180)).until(d -> {
            String url = d.getCurrentUrl();
            return url.matches(".*/live/r/[0-9a-f]{20}" + pageSuffix.replace(".", "\\.") + "(#.*)?")
                    && Boolean.TRUE.equals(browser.driver.executeScript("return document.readyState === 'complete' "
                    + "&& document.body.classList.contains('ready');"));
        });
    }

    private static List<LogEntry> problems(Browser browser) {
        return browser.console().stream().filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue()).toList();
    }
}
