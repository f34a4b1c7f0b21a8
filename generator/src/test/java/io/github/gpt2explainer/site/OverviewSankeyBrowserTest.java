package io.github.gpt2explainer.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * The overview Sankey draws direct logit attribution as a conserved flow (issue 14, item 1), checked from the
 * rendered SVG against the site's {@code insight} data part read here with Jackson: every node's height is its
 * value on one scale (within 1 px), every inner node passes on what it receives, every part's label is its
 * stored value as the site prints numbers, and the two totals and the logit are the sums of the stored parts.
 */
@Tag("browser")
class OverviewSankeyBrowserTest {

    @RegisterExtension
    static final BrowserExtension chromium = BrowserExtension.serving(SiteFixture::site);

    private static final Pattern NUMBER = Pattern.compile("-?\\d+(?:\\.\\d+)?(?:e-?\\d+)?");

    /** One part of a candidate's logit, in the order the model writes it. */
    private record Part(String id, double value) {
    }

    private static void open(String id) {
        chromium.browser().openReady(chromium.site().resolve("p/" + id + ".html").toUri().toString());
    }

    private static JsonNode insight(String id) throws IOException {
        String script = Files.readString(chromium.site().resolve("data/" + id + "/insight.js"), StandardCharsets.UTF_8);
        String head = "GPT2X.receive(\"" + id + "/insight\", ";
        assertThat(script).startsWith(head);
        return new ObjectMapper().readTree(script.substring(head.length(), script.lastIndexOf(')')));
    }

    private static List<Part> parts(JsonNode cand) {
        List<Part> parts = new ArrayList<>();
        parts.add(new Part("embed", cand.get("embed").asDouble()));
        for (int l = 0; l < cand.get("attn").size(); l++) {
            parts.add(new Part("attn" + l, cand.get("attn").get(l).asDouble()));
            parts.add(new Part("mlp" + l, cand.get("mlp").get(l).asDouble()));
        }
        parts.add(new Part("lnfBias", cand.get("lnfBias").asDouble()));
        return parts;
    }

    /** The site's signed form of a part: "+" before a positive value, U+2212 before a negative one, 4 digits. */
    private static String signed(double v) {
        String digits = SiteBrowserTest.fourDigits(v).replace('-', '\u2212');
        return v > 0 ? "+" + digits : digits;
    }

    private static double height(String node) {
        return Double.parseDouble(chromium.browser().driver.findElement(
                By.cssSelector("#sankey [data-node='" + node + "'] rect")).getAttribute("height"));
    }

    /** The thickness of a ribbon at its source end and at its target end, read from its path. */
    private static double[] ends(WebElement ribbon) {
        Matcher m = NUMBER.matcher(ribbon.getAttribute("d"));
        List<Double> n = new ArrayList<>();
        while (m.find()) {
            n.add(Double.parseDouble(m.group()));
        }
        assertThat(n).as(ribbon.getAttribute("d")).hasSize(16);
        return new double[] {n.get(15) - n.get(1), n.get(9) - n.get(7)};
    }

    @Test
    void theSankeyConservesTheAttributionOfEveryCandidateAndLabelsTheStoredValues() throws IOException {
        String id = SiteFixture.EIFFEL_ID;
        JsonNode candidates = insight(id).get("dla").get("candidates");
        open(id);
        for (int c : new int[] {0, 2}) {
            JsonNode cand = candidates.get(c);
            chromium.browser().driver.findElements(By.cssSelector(".sankey-candidates button.candidate")).get(c).click();
            assertThat(chromium.browser().driver.findElement(By.cssSelector(".sankey-candidates [aria-pressed=true]"))
                    .getAttribute("data-id")).isEqualTo(cand.get("id").asText());
            List<Part> parts = parts(cand);
            // the running totals of each side, as the data implies them
            Map<String, Double> expected = new LinkedHashMap<>();
            double up = 0;
            double down = 0;
            for (Part p : parts) {
                expected.put(p.id(), Math.abs(p.value()));
                if (p.value() > 0) {
                    up += p.value();
                    expected.put("for-" + parts.indexOf(p), up);
                } else if (p.value() < 0) {
                    down -= p.value();
                    expected.put("against-" + parts.indexOf(p), down);
                }
            }
            expected.put("for-total", up);
            expected.put("against-total", down);
            assertThat(up - down).as("the parts add up to the logit").isCloseTo(cand.get("logit").asDouble(),
                    within(1e-4 * Math.max(1, Math.abs(cand.get("logit").asDouble()))));

            // node size proportional to value, on the one scale that the larger total sets
            double ky = Math.max(up, down) == up ? height("for-total") / up : height("against-total") / down;
            assertThat(ky * Math.max(up, down)).as("the larger total is drawn large enough to measure").isGreaterThan(100);
            List<WebElement> nodes = chromium.browser().driver.findElements(By.cssSelector("#sankey g.node"));
            assertThat(nodes).extracting(n -> n.getAttribute("data-node")).containsExactlyInAnyOrderElementsOf(expected.keySet());
            expected.forEach((node, value) -> assertThat(height(node)).as(node + " of candidate " + c)
                    .isCloseTo(value * ky, within(1.0)));

            // every inner node passes on what it receives; every ribbon is as thick at both ends
            Map<String, Double> in = new LinkedHashMap<>();
            Map<String, Double> out = new LinkedHashMap<>();
            for (WebElement ribbon : chromium.browser().driver.findElements(By.cssSelector("#sankey path.link"))) {
                double[] ends = ends(ribbon);
                assertThat(ends[0]).isCloseTo(ends[1], within(1e-6));
                out.merge(ribbon.getAttribute("data-source"), ends[0], Double::sum);
                in.merge(ribbon.getAttribute("data-target"), ends[1], Double::sum);
            }
            Set<String> inner = new HashSet<>(in.keySet());
            inner.retainAll(out.keySet());
            assertThat(inner).as("running totals").isNotEmpty();
            for (String node : inner) {
                assertThat(in.get(node)).as("in = out at " + node).isCloseTo(out.get(node), within(1.0));
                assertThat(in.get(node)).as("in = value at " + node).isCloseTo(expected.get(node) * ky, within(1.0));
            }
            // a part's ribbon carries its whole value into its side's running total
            for (Part p : parts) {
                if (p.value() != 0) {
                    assertThat(out.get(p.id())).as(p.id()).isCloseTo(Math.abs(p.value()) * ky, within(1.0));
                }
            }

            // labels state the stored values
            for (Part p : parts) {
                String label = chromium.browser().driver.findElement(
                        By.cssSelector("#sankey [data-node='" + p.id() + "'] text .value")).getAttribute("textContent");
                assertThat(label).as(p.id()).isEqualTo(signed(p.value()));
            }
            assertThat(text("[data-node='for-total'] text")).endsWith(" " + SiteBrowserTest.fourDigits(up));
            assertThat(text("[data-node='against-total'] text")).endsWith(" " + SiteBrowserTest.fourDigits(down));
            assertThat(text(".logit-label")).contains(SiteBrowserTest.fourDigits(cand.get("logit").asDouble()).replace('-', '\u2212'));
        }
    }

    /** Whether the tip's top sits 14 px below the focused element's bottom, or flipped above it (core.js placeTip). */
    private static boolean tipBesideFocus() {
        return (Boolean) chromium.browser().driver.executeScript(
                "var t = document.getElementById('gpt2x-tip').getBoundingClientRect();"
                        + "var r = document.activeElement.getBoundingClientRect();"
                        + "return Math.abs(t.top - (r.bottom + 14)) < 0.5 || Math.abs(t.top - (r.bottom - t.height - 14)) < 0.5;");
    }

    private static String text(String selector) {
        return chromium.browser().driver.findElement(By.cssSelector("#sankey " + selector)).getAttribute("textContent");
    }

    /** Tab from the candidate picker reaches the first part; focus shows its value and marks its path to the total. */
    @Test
    void keyboardFocusOnAPartShowsItsValueAndHighlightsItsPath() throws IOException {
        String id = SiteFixture.EIFFEL_ID;
        JsonNode cand = insight(id).get("dla").get("candidates").get(0);
        List<Part> parts = parts(cand);
        open(id);
        List<WebElement> buttons = chromium.browser().driver.findElements(By.cssSelector(".sankey-candidates button.candidate"));
        WebElement last = buttons.get(buttons.size() - 1);
        chromium.browser().driver.executeScript("arguments[0].focus();", last);
        new Actions(chromium.browser().driver).sendKeys(Keys.TAB).perform(); // the chart's scroll box
        new Actions(chromium.browser().driver).sendKeys(Keys.TAB).perform(); // its first node: the embedding
        WebElement focused = chromium.browser().driver.switchTo().activeElement();
        assertThat(focused.getAttribute("data-node")).isEqualTo("embed");
        WebElement tip = chromium.browser().driver.findElement(By.id("gpt2x-tip"));
        assertThat(tip.isDisplayed()).isTrue();
        assertThat(tip.getText()).contains(signed(parts.get(0).value()));
        // the page scrolling (as it does when focus lands below the fold) moves the tip with the focused node
        assertThat(tipBesideFocus()).isTrue();
        chromium.browser().driver.executeAsyncScript("var done = arguments[arguments.length - 1];"
                + "var room = document.documentElement.scrollHeight - window.innerHeight - window.scrollY;"
                + "window.addEventListener('scroll', function () { setTimeout(done, 0); }, { once: true });"
                + "window.scrollBy(0, room >= 40 ? 40 : -40);");
        assertThat(tip.isDisplayed()).as("the tip stays shown").isTrue();
        assertThat(tipBesideFocus()).as("the tip moved with the focused node").isTrue();

        // its path: the part, every running total of its side from there on, and the side's total
        String side = parts.get(0).value() < 0 ? "against" : "for";
        Set<String> path = new HashSet<>(List.of("embed", side + "-total"));
        for (int k = 0; k < parts.size(); k++) {
            double v = parts.get(k).value();
            if (side.equals("for") ? v > 0 : v < 0) {
                path.add(side + "-" + k);
            }
        }
        assertThat(chromium.browser().driver.findElement(By.cssSelector("#sankey svg")).getAttribute("class")).contains("marking");
        assertThat(chromium.browser().driver.findElements(By.cssSelector("#sankey g.node.hot")))
                .extracting(n -> n.getAttribute("data-node")).containsExactlyInAnyOrderElementsOf(path);

        // Enter opens the part in place (its block, its attention open: ZoomBrowserTest); leaving the node clears the marks
        new Actions(chromium.browser().driver).sendKeys(Keys.TAB).perform();
        assertThat(chromium.browser().driver.switchTo().activeElement().getAttribute("data-node")).isEqualTo("attn0");
        new Actions(chromium.browser().driver).sendKeys(Keys.ENTER).perform();
        assertThat((String) chromium.browser().driver.executeScript("return location.hash;")).contains("level=op").contains("op=attention").contains("layer=0");
        chromium.browser().driver.executeScript("document.activeElement.blur();");
        assertThat(chromium.browser().driver.findElements(By.cssSelector("#sankey g.node.hot"))).isEmpty();
    }
}
