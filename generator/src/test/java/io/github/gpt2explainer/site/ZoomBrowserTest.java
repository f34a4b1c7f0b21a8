package io.github.gpt2explainer.site;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * Issue 17 item 1: the prompt page's three levels (model, block, operation) opened in place from the overview.
 * A block caption or a Sankey node opens the block inside the overview, the URL says which level, the breadcrumb,
 * Escape and history move between the levels; the attention operation opens collapsed to the recorded weights of
 * the chosen layer and head, steps through raw, scaled, masked and softmax, and shows the heads as a stack of as
 * many cards as the model has heads; with reduced motion nothing is animated.
 */
@Tag("browser")
class ZoomBrowserTest {

    @RegisterExtension
    static final BrowserExtension chromium = BrowserExtension.serving(SiteFixture::site);

    private static final String ID = SiteFixture.EIFFEL_ID;

    private static Browser browser() {
        return chromium.browser();
    }

    private static String hash() {
        return (String) browser().js("return location.hash;");
    }

    private static void open(String hash) {
        browser().openReady(chromium.server().base() + "p/" + ID + ".html" + hash);
        browser().waitUntil("!!document.querySelector('#sankey [data-node=attn0]')");
    }

    private static JsonNode model() throws IOException {
        return Browser.payload(chromium.site(), "data/" + ID + "/main.js", ID + "/main").get("model");
    }

    /** The stored softmax weights of one head of one layer, [T * T]. */
    private static float[] storedWeights(int layer, int head) throws IOException {
        JsonNode softmax = Browser.payload(chromium.site(), "data/" + ID + "/attn-" + layer + ".js", ID + "/attn-" + layer).get("attn.softmax");
        int[] shape = StoredArrays.shape(softmax); // [H, T, T]
        float[] all = StoredArrays.decode(softmax);
        int size = shape[1] * shape[2];
        float[] one = new float[size];
        System.arraycopy(all, head * size, one, 0, size);
        return one;
    }

    /** The attention stages the open operation shows, in page order. */
    @SuppressWarnings("unchecked")
    private static List<String> visibleStages() {
        return (List<String>) browser().js("return Array.from(document.querySelectorAll('#zoom .op-host figure.attn-panel'))"
                + ".filter(function (f) { return !f.hidden; }).map(function (f) { return f.getAttribute('data-stage'); });");
    }

    @SuppressWarnings("unchecked")
    private static List<Number> shownWeights() {
        return (List<Number>) browser().js("return Array.from(document.querySelectorAll("
                + "'#zoom .op-host figure.attn-panel[data-stage=\"attn.softmax\"] rect.cell')).map(function (r) { return r.__data__.v; });");
    }

    private static List<String> crumbs() {
        return browser().driver.findElements(By.cssSelector("#zoom #blk-crumbs a, #zoom #blk-crumbs [aria-current]")).stream()
                .map(WebElement::getText).toList();
    }

    private static void click(String css) {
        browser().driver.findElement(By.cssSelector(css)).click();
    }

    private static void assertWeights(int layer, int head) throws IOException {
        float[] stored = storedWeights(layer, head);
        List<Number> shown = shownWeights();
        assertThat(shown).hasSize(stored.length);
        for (int i = 0; i < stored.length; i++) {
            assertThat(shown.get(i).doubleValue()).as("layer %d head %d cell %d", layer, head, i).isEqualTo(stored[i], Offset.offset(1e-7));
        }
    }

    /** Leaving the overview by the section nav leaves its zoom: coming back shows the overview, not the open block. */
    @Test
    void theSectionNavLeavesTheZoomSoComingBackShowsTheOverview() {
        open("#level=block&layer=1");
        browser().waitUntil("!document.getElementById('zoom').hidden");
        browser().js("document.querySelector(\".section-nav a[href='#view=generation']\").click();");
        assertThat(hash()).contains("view=generation").doesNotContain("level=").contains("layer=1");
        browser().js("document.querySelector(\".section-nav a[href='#view=overview']\").click();");
        assertThat(hash()).contains("view=overview").doesNotContain("level=");
        assertThat((Boolean) browser().js("return document.getElementById('zoom').hidden;")).isTrue();
        // the zoom itself still opens from there
        click("#sankey .captions text[data-layer='1']");
        browser().waitUntil("!document.getElementById('zoom').hidden");
        assertThat(hash()).contains("level=block");
    }

    @Test
    void zoomsFromTheOverviewIntoABlockAndAnOperationAndBackByBreadcrumbEscapeAndHistory() throws IOException {
        open("");
        JsonNode model = model();
        // model -> block: a block's caption under the Sankey opens that block inside the overview
        click("#sankey .captions text[data-layer='1']");
        browser().waitUntil("!document.getElementById('zoom').hidden && document.getElementById('zoom').getAttribute('data-rendered') === '1///'");
        assertThat(hash()).contains("level=block").contains("layer=1").doesNotContain("op=");
        assertThat((String) browser().js("return document.getElementById('blk-pipeline').closest('section').id;")).isEqualTo("overview");
        assertThat(crumbs()).hasSize(2);
        assertThat(browser().driver.findElements(By.cssSelector("#zoom .block-card"))).as("the stack of blocks")
                .hasSize(model.get("layers").asInt());
        assertThat(browser().driver.findElement(By.cssSelector("#zoom .block-card[aria-pressed=true]")).getAttribute("data-layer")).isEqualTo("1");
        // textContent: the panel fades in as it grows, and at opacity 0 WebDriver's getText reads ""
        assertThat((String) browser().js("return document.querySelector('#zoom .block-stack-count').textContent;"))
                .contains(model.get("layers").asText());

        // block -> operation: attention, collapsed to its result, the recorded weights of layer 1, head 0
        click("#zoom button.blk-open[data-op='attention']");
        browser().waitUntil("!!document.querySelector('#zoom .op-host .op-steps')");
        assertThat(hash()).contains("level=op").contains("op=attention").contains("layer=1");
        assertThat(crumbs()).hasSize(3);
        assertThat(visibleStages()).containsExactly("attn.softmax");
        assertThat(browser().driver.findElement(By.cssSelector("#zoom .attn-panel[data-stage='attn.softmax']")).getAttribute("data-layer"))
                .isEqualTo("1");
        assertWeights(1, 0);
        // linked highlighting reaches it: a token's row and column in each of the four stages
        new Actions(browser().driver).moveToElement(browser().driver.findElement(By.cssSelector("#tokens .token[data-position='3']"))).perform();
        assertThat(browser().driver.findElements(By.cssSelector("#zoom .attn-panel .lit-band.lit"))).hasSize(8);
        new Actions(browser().driver).moveToElement(browser().driver.findElement(By.cssSelector(".prompt-header h1"))).perform();
        assertThat(browser().driver.findElements(By.cssSelector("#zoom .attn-panel .lit-band.lit"))).isEmpty();
        assertThat(browser().driver.findElements(By.cssSelector("#zoom .head-card"))).as("the stack of heads")
                .hasSize(model.get("heads").asInt());
        assertThat((String) browser().js("return document.querySelector('#zoom .head-stack-count').textContent;"))
                .contains(model.get("heads").asText());

        // its derivation, one step per click: raw -> scaled -> masked -> softmax
        click("#zoom .op-steps-toggle");
        assertThat(visibleStages()).containsExactly("attn.scores");
        click("#zoom .op-step-next");
        assertThat(visibleStages()).containsExactly("attn.scores", "attn.scaled");
        click("#zoom .op-step-next");
        click("#zoom .op-step-next");
        assertThat(visibleStages()).containsExactly("attn.scores", "attn.scaled", "attn.masked", "attn.softmax");
        assertThat(browser().driver.findElement(By.cssSelector("#zoom .op-step-next")).isEnabled()).isFalse();

        // the head stack: a click fans it out, a second click chooses a head; the weights are that head's
        click("#zoom .head-card[data-head='0']");
        assertThat(browser().driver.findElement(By.cssSelector("#zoom .head-stack")).getAttribute("class")).contains("fanned");
        int last = model.get("heads").asInt() - 1;
        browser().waitUntil("(function (c) { return getComputedStyle(c).left === c.style.left && getComputedStyle(c).top === c.style.top; })"
                + "(document.querySelector('#zoom .head-card[data-head=\"" + last + "\"]'))"); // the fan has settled
        click("#zoom .head-card[data-head='" + last + "']");
        browser().waitUntil("document.getElementById('zoom').getAttribute('data-rendered') === '1/attention//" + last + "'");
        assertThat(hash()).contains("head=" + last);
        assertWeights(1, last);

        // Escape: up to the block; history back and forward move between the levels
        new Actions(browser().driver).sendKeys(Keys.ESCAPE).perform();
        browser().waitUntil("!document.querySelector('#zoom .op-host')");
        assertThat(hash()).contains("level=block").doesNotContain("op=");
        browser().driver.navigate().back();
        browser().waitUntil("!!document.querySelector('#zoom .op-host') && location.hash.indexOf('level=op') >= 0");
        browser().driver.navigate().forward();
        browser().waitUntil("!document.querySelector('#zoom .op-host') && location.hash.indexOf('level=block') >= 0");

        // the breadcrumb: up to the model; the block goes back to its own section
        click("#zoom #blk-crumbs a[href^='#level=&']");
        browser().waitUntil("document.getElementById('zoom').hidden");
        assertThat(hash()).doesNotContain("level=");
        assertThat((String) browser().js("return document.getElementById('blk-pipeline').closest('section').id;")).isEqualTo("inside");
        browser().driver.navigate().back();
        browser().waitUntil("!document.getElementById('zoom').hidden && location.hash.indexOf('level=block') >= 0");
    }

    /** Counts the ghosts (the growing copy of the chosen node) the page adds from now on, in window.ghosts. */
    private static void countGhosts() {
        browser().js("window.ghosts = 0; new MutationObserver(function (records) { records.forEach(function (r) {"
                + " r.addedNodes.forEach(function (n) { if (n.classList && n.classList.contains('zoom-ghost')) { window.ghosts++; } }); }); })"
                + ".observe(document.body, { childList: true });");
    }

    @Test
    void aSankeyNodeGrowsIntoItsBlockUnlessTheReaderPrefersReducedMotion() {
        open("");
        countGhosts();
        click("#sankey [data-node='mlp2'] rect");
        browser().waitUntil("document.getElementById('zoom').hasAttribute('data-transition-ms')");
        assertThat(hash()).contains("level=op").contains("op=mlp").contains("layer=2");
        assertThat(browser().driver.findElement(By.id("zoom")).getAttribute("data-transition-ms")).isEqualTo("450");
        assertThat(((Number) browser().js("return window.ghosts;")).intValue()).as("the node grew into the panel").isEqualTo(1);
        browser().waitUntil("!!document.querySelector('#zoom .op-host .op-steps')");
        // the operation of block 2: its title's text (the panel fades in as it grows, and at opacity 0 WebDriver reads "")
        browser().waitUntil("!!(document.querySelector('#zoom .op-host h3') || {}).textContent");
        assertThat((String) browser().js("return document.querySelector('#zoom .op-host h3').textContent;")).contains("2");
        try {
            browser().driver.executeCdpCommand("Emulation.setEmulatedMedia",
                    Map.of("features", List.of(Map.of("name", "prefers-reduced-motion", "value", "reduce"))));
            open("");
            assertThat((Boolean) browser().js("return matchMedia('(prefers-reduced-motion: reduce)').matches;")).isTrue();
            countGhosts();
            click("#sankey [data-node='attn0'] rect");
            browser().waitUntil("document.getElementById('zoom').hasAttribute('data-transition-ms')");
            assertThat(browser().driver.findElement(By.id("zoom")).getAttribute("data-transition-ms")).isEqualTo("0");
            assertThat(((Number) browser().js("return window.ghosts;")).intValue()).as("no transition").isZero();
            // play shows every step at once
            browser().waitUntil("!!document.querySelector('#zoom .op-host .op-steps')");
            click("#zoom .op-steps-toggle");
            click("#zoom .op-step-play");
            assertThat(browser().driver.findElement(By.cssSelector("#zoom .op-steps")).getAttribute("data-step")).isEqualTo("4");
            assertThat(visibleStages()).containsExactly("attn.scores", "attn.scaled", "attn.masked", "attn.softmax");
        } finally {
            browser().driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
        }
    }
}
