package io.github.gpt2explainer.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The three levels of issue 17 item 1 in their minimal form: an operation opens in place under its block
 * stage, the breadcrumb names model, block and operation with a way back to each, and history moves between
 * the levels.
 */
@Tag("browser")
class BlockLevelsBrowserTest {

    @RegisterExtension
    static final BrowserExtension chromium = BrowserExtension.serving(SiteFixture::site);

    private static Browser browser() {
        return chromium.browser();
    }



    private static List<String> crumbs() {
        return browser().driver.findElements(By.cssSelector("#blk-crumbs a, #blk-crumbs [aria-current]")).stream()
                .map(WebElement::getText).toList();
    }

    @Test
    void theBreadcrumbLeadsBackLevelByLevelAndHistoryMovesBetweenLevels() {
        browser().driver.get(chromium.server().base() + "p/" + SiteFixture.EIFFEL_ID + ".html#view=mlp&layer=1");
        browser().waitUntil("document.body.classList.contains('ready') && !!document.querySelector('#inside .op-host')");
        assertThat(crumbs()).hasSize(3);
        assertThat(crumbs().get(1)).contains("1");
        assertThat(browser().driver.findElement(By.cssSelector("#blk-crumbs [aria-current]")).getText())
                .isEqualTo(browser().driver.findElement(By.cssSelector("#inside .op-host h3")).getText());
        // up one level: the block, its operation closed
        browser().driver.findElement(By.cssSelector("#blk-crumbs a[href^='#view=block']")).click();
        browser().waitUntil("!document.querySelector('#inside .op-host') && location.hash.indexOf('view=block') >= 0");
        assertThat(crumbs()).hasSize(2);
        assertThat((String) browser().js("return location.hash;")).contains("layer=1");
        // back: the operation again
        browser().driver.navigate().back();
        browser().waitUntil("!!document.querySelector('#inside .op-host') && location.hash.indexOf('view=mlp') >= 0");
        assertThat(crumbs()).hasSize(3);
        // up to the model: the overview is on screen
        browser().driver.findElement(By.cssSelector("#blk-crumbs a[href='#view=overview']")).click();
        browser().waitUntil("location.hash.indexOf('view=overview') >= 0 && Math.abs(document.getElementById('overview').getBoundingClientRect().top) < 450");
    }
}
