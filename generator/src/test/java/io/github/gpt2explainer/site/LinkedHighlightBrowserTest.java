package io.github.gpt2explainer.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
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
 * Linked highlighting (issue 17 item 2): hovering, focusing or tapping a token lights it in every view that
 * shows it, counted per view (one chip; a row and a column per attention map and per map of the head gallery; its nodes in the attention flow; its row in every strip of the block; its column in the logit
 * lens); a candidate lights in the next-token table, the logit lens, the probability flow, the generation
 * replay and the overview's candidate picker; the keyboard reaches the same, and Escape clears.
 */
@Tag("browser")
class LinkedHighlightBrowserTest {

    @RegisterExtension
    static final BrowserExtension chromium = BrowserExtension.serving(SiteFixture::site);

    private static final String PAGE = "p/" + SiteFixture.EIFFEL_ID + ".html";

    private static Browser browser() {
        return chromium.browser();
    }

    private static Object js(String script, Object... args) {
        return browser().driver.executeScript(script, args);
    }

    private static void open(String hash) {
        browser().openReady(chromium.server().base() + PAGE + hash);
        // the lazily drawn views: the block pipeline (drawn near the viewport) and the attention map
        js("document.getElementById('heads').scrollIntoView();");
        new WebDriverWait(browser().driver, Duration.ofSeconds(20)).until(d -> !d.findElements(By.cssSelector("#heads-grid .head-map")).isEmpty());
        js("document.getElementById('inside').scrollIntoView();");
        new WebDriverWait(browser().driver, Duration.ofSeconds(20)).until(d ->
                d.findElements(By.cssSelector("#blk-pipeline .blk-mini")).size() > 5
                        && !d.findElements(By.cssSelector("#heads-grid .head-map")).isEmpty()
                        && !d.findElements(By.cssSelector("#attention figure.attn-panel")).isEmpty());
        js("window.scrollTo(0, 0);");
    }

    /** How many marks are lit in each view, and which position or id they carry where they carry one. */
    @SuppressWarnings("unchecked")
    private static Map<String, Number> litPerView() {
        return (Map<String, Number>) js("var out = {}; ['tokens', 'overview', 'attention', 'heads', 'flow', 'inside', 'lens', 'next-token',"
                + " 'probsankey', 'generation'].forEach(function (s) { out[s] = document.querySelectorAll('#' + s + ' .lit, #' + s + ' .lit-cand').length; });"
                + " return out;");
    }

    @Test
    void hoveringATokenLightsItInEveryViewThatShowsItAndLeavingClearsIt() {
        open("");
        int t = ((Number) js("return document.querySelectorAll('#tokens .token').length;")).intValue();
        int strips = ((Number) js("return document.querySelectorAll('#blk-pipeline .blk-mini-canvas').length;")).intValue();
        int layers = ((Number) js("return GPT2X.get(GPT2X.data.main(document.body.getAttribute('data-prompt')).key).model.layers;")).intValue();
        assertThat(litPerView().values()).as("nothing lit before").allMatch(n -> n.intValue() == 0);
        WebElement chip = browser().driver.findElement(By.cssSelector("#tokens .token[data-position='3']"));
        new Actions(browser().driver).moveToElement(chip).perform();
        Map<String, Number> lit = litPerView();
        assertThat(lit.get("tokens").intValue()).as("the chip").isEqualTo(1);
        // the map: its row band, its column band, its row label and its column label
        assertThat(lit.get("attention").intValue()).as("attention").isEqualTo(4);
        assertThat((String) js("return document.querySelector('#attention .qlabel.lit').getAttribute('data-q');")).isEqualTo("3");
        assertThat((String) js("return document.querySelector('#attention .klabel.lit').getAttribute('data-k');")).isEqualTo("3");
        // the head gallery: a row band and a column band in every map
        long maps = (Long) js("return document.querySelectorAll('#heads-grid .head-map').length;");
        assertThat(lit.get("heads").intValue()).as("head maps").isEqualTo(2 * (int) maps);
        // the overview (the predicted token's logit taken apart) shows no prompt tokens: nothing to light there
        assertThat(lit.get("overview").intValue()).as("overview").isZero();
        // the attention flow: the token's node in every column where it carries flow, and the bands through them
        long flowNodes = (Long) js("return document.querySelectorAll('#flow .flow-node.lit').length;");
        assertThat(flowNodes).as("flow nodes").isBetween(1L, (long) layers + 1);
        assertThat((Boolean) js("return Array.prototype.every.call(document.querySelectorAll('#flow .flow-node.lit'),"
                + " function (n) { return n.__data__.position === 3; });")).as("only position 3's flow nodes").isTrue();
        assertThat(lit.get("flow").intValue()).as("flow nodes and their bands").isGreaterThan((int) flowNodes);
        // the block: its row in every strip
        assertThat(lit.get("inside").intValue()).as("block strips").isEqualTo(strips);
        assertThat(((Number) js("return parseFloat(document.querySelector('#blk-pipeline .lit-row.lit').style.top);")).doubleValue())
                .as("the row of position 3 of " + t).isCloseTo(100.0 * 3 / t, org.assertj.core.api.Assertions.within(1e-3));
        // the logit lens: its column (header and one cell per layer)
        assertThat(lit.get("lens").intValue()).as("lens column").isEqualTo(layers + 1);
        assertThat((Boolean) js("return Array.prototype.every.call(document.querySelectorAll('#lens .lit'),"
                + " function (c) { return c.getAttribute('data-position') === '3'; });")).isTrue();
        // leaving clears everything (nothing was picked)
        new Actions(browser().driver).moveToElement(browser().driver.findElement(By.cssSelector(".prompt-header h1"))).perform();
        assertThat(litPerView().values()).as("nothing lit after").allMatch(n -> n.intValue() == 0);
    }

    @Test
    void aCandidateLightsInTheTableTheLensTheProbabilityFlowAndTheReplay() {
        open("");
        // the first candidate of the generation replay's first step: the table row is a source
        String id = (String) js("return document.querySelector('#gen-rows tr[data-id]').getAttribute('data-id');");
        js("document.querySelector('#gen-rows tr[data-id]').scrollIntoView({block: 'center'});");
        new Actions(browser().driver).moveToElement(browser().driver.findElement(By.cssSelector("#gen-rows tr[data-id='" + id + "']"))).perform();
        assertThat(js("return GPT2X.highlight.lit('candidate');").toString()).isEqualTo(id);
        assertThat(browser().driver.findElements(By.cssSelector("#gen-rows tr.lit"))).extracting(e -> e.getAttribute("data-id")).containsOnly(id);
        // wherever this id appears elsewhere, it is lit, and nothing else is
        for (String where : new String[] {"#nt-rows tr", "#ps-rows tr", "#ps-chart g.ps-node", "#lens-table td", "#lens-detail li"}) {
            long shown = (Long) js("return document.querySelectorAll(arguments[0] + '[data-id=\"' + arguments[1] + '\"]').length;", where, id);
            long lit = (Long) js("return document.querySelectorAll(arguments[0] + '.lit[data-id], ' + arguments[0] + '.lit-cand[data-id]').length;", where);
            long litRight = (Long) js("return document.querySelectorAll(arguments[0] + '.lit[data-id=\"' + arguments[1] + '\"], '"
                    + " + arguments[0] + '.lit-cand[data-id=\"' + arguments[1] + '\"]').length;", where, id);
            assertThat(lit).as(where).isEqualTo(shown).isEqualTo(litRight);
        }
        // the top candidate is in the next-token table, the probability flow and (at the last position, last block) the lens
        String top = (String) js("return document.querySelector('#nt-rows tr[data-id]').getAttribute('data-id');");
        WebElement row = browser().driver.findElement(By.cssSelector("#nt-rows tr[data-id='" + top + "']"));
        js("arguments[0].scrollIntoView({block: 'center'});", row);
        new Actions(browser().driver).moveToElement(row).perform();
        assertThat(litPerView().get("next-token").intValue()).isEqualTo(1);
        assertThat(litPerView().get("probsankey").intValue()).as("band, node and table row").isEqualTo(3);
        assertThat(litPerView().get("lens").intValue()).as("lens cells whose top token it is").isPositive();
        // the overview's candidate picker lights the button of that candidate (the predicted token is always one)
        assertThat(browser().driver.findElements(By.cssSelector("#overview .sankey-candidates button.lit")))
                .extracting(e -> e.getAttribute("data-id")).containsExactly(top);
        assertThat(litPerView().get("overview").intValue()).isEqualTo(1);
        // and hovering another of its buttons lights that candidate in the next-token table
        WebElement other = browser().driver.findElements(By.cssSelector("#overview .sankey-candidates button.candidate")).get(1);
        String otherId = other.getAttribute("data-id");
        js("arguments[0].scrollIntoView({block: 'center'});", other);
        new Actions(browser().driver).moveToElement(other).perform();
        assertThat(js("return GPT2X.highlight.lit('candidate');").toString()).isEqualTo(otherId);
        assertThat(browser().driver.findElements(By.cssSelector("#nt-rows tr.lit"))).extracting(e -> e.getAttribute("data-id"))
                .containsExactly(otherId);
        assertThat(browser().driver.findElements(By.cssSelector("#overview .sankey-candidates button.lit")))
                .extracting(e -> e.getAttribute("data-id")).containsExactly(otherId);
    }

    @Test
    void theKeyboardAndATapReachTheSameAndEscapeClears() {
        open("");
        // Tab to a token chip: focus lights it everywhere, as hovering does
        WebElement chip = browser().driver.findElement(By.cssSelector("#tokens .token[data-position='2']"));
        js("arguments[0].focus();", chip);
        assertThat(litPerView().get("attention").intValue()).isEqualTo(4);
        assertThat(litPerView().get("lens").intValue()).isPositive();
        // Enter picks it: it stays lit after the focus leaves (the router's token, a deep link)
        new Actions(browser().driver).sendKeys(Keys.ENTER).perform();
        js("document.activeElement.blur();");
        assertThat((String) js("return location.hash;")).contains("token=2");
        assertThat(litPerView().get("tokens").intValue()).isEqualTo(1);
        assertThat(litPerView().get("attention").intValue()).isEqualTo(4);
        // a next-token row is a tab stop: focus and Space pick the candidate
        WebElement row = browser().driver.findElement(By.cssSelector("#nt-rows tr[data-id]"));
        String id = row.getAttribute("data-id");
        js("arguments[0].focus();", row);
        new Actions(browser().driver).sendKeys(Keys.SPACE).perform();
        js("document.activeElement.blur();");
        assertThat((String) js("return location.hash;")).contains("cand=" + id);
        assertThat(browser().driver.findElements(By.cssSelector("#nt-rows tr.lit"))).hasSize(1);
        // Escape clears both
        new Actions(browser().driver).sendKeys(Keys.ESCAPE).perform();
        assertThat(litPerView().values()).as("nothing lit after Escape").allMatch(n -> n.intValue() == 0);
        assertThat((String) js("return location.hash;")).doesNotContain("token=").doesNotContain("cand=");
        // a tap (a click with no hover before it) on a probability flow node picks its candidate
        WebElement node = browser().driver.findElement(By.cssSelector("#ps-chart g.ps-node[data-id='" + id + "']"));
        js("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}));", node);
        assertThat((String) js("return location.hash;")).contains("cand=" + id);
        assertThat(browser().driver.findElements(By.cssSelector("#nt-rows tr.lit"))).extracting(e -> e.getAttribute("data-id")).containsExactly(id);
    }
}
