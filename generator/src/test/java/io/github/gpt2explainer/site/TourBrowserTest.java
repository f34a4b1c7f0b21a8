package io.github.gpt2explainer.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.gpt2explainer.forward.CapturedPass;
import io.github.gpt2explainer.forward.CapturedTensor;
import io.github.gpt2explainer.model.Checkpoint;
import io.github.gpt2explainer.model.Gpt2Config;
import io.github.gpt2explainer.sampling.Sampler;
import io.github.gpt2explainer.trace.GenerationRun;
import io.github.gpt2explainer.trace.PromptRun;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The guided tour (issue 17 item 3) on a demo build: walking every card applies its page state, and every
 * number a card quotes equals the prompt's data, computed here from the captured run (not from the page's
 * data files or its scripts); the tour resumes from the URL, steps with the arrow keys and history, and the
 * Chinese tour has no English interface words.
 */
@Tag("browser")
class TourBrowserTest {

    @RegisterExtension
    static final BrowserExtension chromium = BrowserExtension.serving(SiteFixture::site);

    private static final String PAGE = "p/" + SiteFixture.EIFFEL_ID + ".html";

    private static Browser browser() {
        return chromium.browser();
    }

    private static Object js(String script, Object... args) {
        return browser().driver.executeScript(script, args);
    }

    private static void open(String path) {
        browser().openReady(chromium.server().base() + path);
    }

    /** Waits for card n (1-based) to be shown with its numbers filled in. */
    private static void waitForCard(int n) {
        new WebDriverWait(browser().driver, Duration.ofSeconds(20)).until(d -> Boolean.TRUE.equals(js(
                "var b = document.getElementById('tour'); return !b.hidden && b.getAttribute('data-index') === arguments[0]"
                        + " && location.hash.indexOf('tour=' + arguments[0]) >= 0;", String.valueOf(n))));
    }

    private static String router(String key) {
        return (String) js("return GPT2X.router.get(arguments[0]) || null;", key);
    }

    /** The card's quoted numbers: fact name -> [text as shown]. */
    @SuppressWarnings("unchecked")
    private static Map<String, String> numbers() {
        return (Map<String, String>) js("var out = {}; document.querySelectorAll('#tour-text .tour-num').forEach(function (s) {"
                + " out[s.getAttribute('data-fact')] = s.textContent; }); return out;");
    }

    /** The card's quoted tokens: fact name -> {position or id, text}. */
    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, String>> tokens() {
        return (Map<String, Map<String, String>>) js("var out = {}; document.querySelectorAll('#tour-text .tok').forEach(function (s) {"
                + " out[s.getAttribute('data-fact')] = {position: s.getAttribute('data-position'), id: s.getAttribute('data-id'), text: s.textContent}; });"
                + " return out;");
    }

    /** A percentage as the page prints it ("12.34%", "<0.01%") matches probability p (with f16 storage's error). */
    private static void assertPercent(String card, String shown, double p) {
        if (shown.equals("<0.01%")) {
            assertThat(p).as(card + ": " + shown).isLessThan(0.00005 + 1e-5);
        } else {
            assertThat(shown).as(card).endsWith("%");
            double value = Double.parseDouble(shown.substring(0, shown.length() - 1)) / 100;
            assertThat(value).as(card + ": " + shown).isCloseTo(p, within(0.00005 + 2e-3 * Math.max(p, 0.001)));
        }
    }

    /** A number as GPT2X.num prints it (4 significant digits, '−' for minus) matches x (with f16 storage's error). */
    private static void assertNumber(String card, String shown, double x) {
        double value = Double.parseDouble(shown.replace('\u2212', '-'));
        assertThat(value).as(card + ": " + shown).isCloseTo(x, within(3e-3 * Math.abs(x) + 1e-4));
    }

    private static double rowNorm(CapturedTensor t, int row) {
        int width = (int) t.dim(1);
        double s = 0;
        for (int i = 0; i < width; i++) {
            s += (double) t.at(row, i) * t.at(row, i);
        }
        return Math.sqrt(s);
    }

    /** The part of the model a card names (data-part of its {fact} span). */
    private static String part(String fact) {
        return (String) js("var s = document.querySelector('#tour-text .tour-part[data-fact=\"' + arguments[0] + '\"]');"
                + " return s ? s.getAttribute('data-part') : null;", fact);
    }

    /**
     * Direct logit attribution, written here: with the final layer norm's scale frozen at the pass's σ, a vector c
     * written to the last position's stream adds c · r to token w's logit, r = (g − mean g) / σ, g = W_U[w] ⊙ γ.
     * The parts: embed (embedding sum), attn<l> and mlp<l> (each block's sub-layer outputs).
     */
    private static Map<String, Double> logitParts(CapturedPass pass, Gpt2Config c, int target) {
        Checkpoint weights = SiteFixture.model().loadCheckpoint();
        int e = c.width(), last = pass.tokens().length - 1;
        CapturedTensor x = pass.get("h." + (c.layers() - 1) + ".resid_post");
        double mean = 0, variance = 0;
        for (int i = 0; i < e; i++) {
            mean += x.at(last, i) / e;
        }
        for (int i = 0; i < e; i++) {
            variance += (x.at(last, i) - mean) * (x.at(last, i) - mean) / e;
        }
        double sigma = Math.sqrt(variance + c.layerNormEpsilon());
        FloatBuffer gamma = weights.floats("ln_f.weight", 0, e), unembed = weights.floats("wte.weight", (long) target * e, e);
        double[] g = new double[e];
        double gMean = 0;
        for (int i = 0; i < e; i++) {
            g[i] = unembed.get(i) * gamma.get(i);
            gMean += g[i] / e;
        }
        double[] r = new double[e];
        for (int i = 0; i < e; i++) {
            r[i] = (g[i] - gMean) / sigma;
        }
        Map<String, Double> parts = new HashMap<>();
        parts.put("embed", dot(pass.get("embed.sum"), last, r));
        for (int l = 0; l < c.layers(); l++) {
            parts.put("attn" + l, dot(pass.get("h." + l + ".attn.proj"), last, r));
            parts.put("mlp" + l, dot(pass.get("h." + l + ".mlp.proj"), last, r));
        }
        return parts;
    }

    private static double dot(CapturedTensor t, int row, double[] r) {
        double s = 0;
        for (int i = 0; i < r.length; i++) {
            s += t.at(row, i) * r[i];
        }
        return s;
    }

    /** Attention rollout (Abnar &amp; Zuidema), written here: R = Â_{L−1} ··· Â_0, Â_l = ½·mean_h A_l + ½·I; the row of `target`. */
    private static double[] rolloutRow(CapturedPass pass, int layers, int heads, int t, int target) {
        double[][] r = new double[t][t];
        for (int i = 0; i < t; i++) {
            r[i][i] = 1;
        }
        for (int l = 0; l < layers; l++) {
            CapturedTensor a = pass.get("h." + l + ".attn.softmax");
            double[][] next = new double[t][t];
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < t; j++) {
                    double mean = 0;
                    for (int h = 0; h < heads; h++) {
                        mean += a.at(h, i, j);
                    }
                    double step = 0.5 * mean / heads + (i == j ? 0.5 : 0);
                    for (int k = 0; k < t; k++) {
                        next[i][k] += step * r[j][k];
                    }
                }
            }
            r = next;
        }
        return r[target];
    }

    @Test
    void walkingTheTourAppliesEachCardsStateAndEveryQuotedNumberIsThePromptsOwn() {
        PromptRun run = SiteFixture.run(SiteFixture.EIFFEL_ID);
        CapturedPass pass = run.prefill();
        Gpt2Config c = run.model().config();
        int t = pass.tokens().length, last = t - 1, layers = c.layers(), heads = c.heads();
        float[] logits = new PromptData(run).finalLogitsAsStored();
        List<Integer> byLogit = IntStream.range(0, logits.length).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> -logits[i]).thenComparing(i -> i)).toList();
        int top = byLogit.get(0), second = byLogit.get(1);
        double[] at1 = Sampler.probabilities(logits, 1.0, 0, 1.0);

        open(PAGE);
        browser().driver.findElement(By.id("tour-start")).click();
        List<String> seen = new ArrayList<>();
        for (int n = 1; ; n++) {
            waitForCard(n);
            String card = (String) js("return document.getElementById('tour').getAttribute('data-card');");
            seen.add(card);
            Map<String, String> num = numbers();
            Map<String, Map<String, String>> tok = tokens();
            // every quoted token is the prompt's token at that position, or the vocabulary entry of that id
            tok.forEach((fact, span) -> {
                if (span.get("position") != null) {
                    assertThat(span.get("text")).as(card + " " + fact).isEqualTo(js(
                            "return document.querySelector('#tokens .token[data-position=\"' + arguments[0] + '\"] .tok-text').textContent.trim();",
                            span.get("position")));
                }
            });
            // the view the card names is the one on screen
            String view = router("view");
            assertThat(view).as(card + ": view").isNotNull();
            switch (card) {
                case "intro" -> {
                    assertThat(view).isEqualTo("overview");
                    assertThat(num.get("tokens")).isEqualTo(String.valueOf(t));
                    assertThat(num.get("layers")).isEqualTo(String.valueOf(layers));
                    assertThat(tok.get("top").get("id")).isEqualTo(String.valueOf(top));
                    assertPercent(card, num.get("p"), at1[top]);
                    // the overview's logit attribution of the predicted token: its logit, the parts that move it most
                    assertNumber(card, num.get("logit"), logits[top]);
                    Map<String, Double> parts = logitParts(pass, c, top);
                    // (a sentence only when some part pushes that way)
                    var up = parts.entrySet().stream().filter(p -> p.getValue() > 0).max(Map.Entry.comparingByValue());
                    var down = parts.entrySet().stream().filter(p -> p.getValue() < 0).min(Map.Entry.comparingByValue());
                    assertThat(part("up")).as(card + ": pushes up most").isEqualTo(up.map(Map.Entry::getKey).orElse(null));
                    up.ifPresent(p -> assertNumber(card, num.get("upBy"), p.getValue()));
                    assertThat(part("down")).as(card + ": pulls down most").isEqualTo(down.map(Map.Entry::getKey).orElse(null));
                    down.ifPresent(p -> assertNumber(card, num.get("downBy"), p.getValue()));
                    assertThat(up.isPresent() || down.isPresent()).as(card + ": a part moves the logit").isTrue();
                    // the card's candidate is the one the overview's picker shows
                    assertThat(router("cand")).isEqualTo(String.valueOf(top));
                }
                case "tokens" -> {
                    assertThat(view).isEqualTo("tokens");
                    assertThat(tok.get("last").get("position")).isEqualTo(String.valueOf(last));
                    assertThat(num.get("id")).isEqualTo(String.valueOf(pass.tokens()[last]));
                    assertThat(num.get("vocab")).isEqualTo(String.valueOf(c.vocabSize()));
                    // the card lights its token in the token strip (linked highlighting through the router's token)
                    assertThat(browser().driver.findElements(By.cssSelector("#tokens .token.lit")))
                            .extracting(e -> e.getAttribute("data-position")).containsExactly(String.valueOf(last));
                }
                case "embedding" -> {
                    assertThat(view).isEqualTo("embedding");
                    assertThat(num.get("width")).isEqualTo(String.valueOf(c.width()));
                    assertNumber(card, num.get("norm"), rowNorm(pass.get("embed.sum"), last));
                }
                case "attention", "steps" -> {
                    assertThat(view).isEqualTo("attention");
                    int layer = Integer.parseInt(router("layer")), head = Integer.parseInt(router("head"));
                    int key = Integer.parseInt(tok.get("key").get("position"));
                    assertThat(tok.get("query").get("position")).isEqualTo(String.valueOf(last));
                    double w = pass.get("h." + layer + ".attn.softmax").at(head, last, key);
                    assertPercent(card, num.get("weight"), w);
                    // the largest weight any head gives an earlier token at the last position
                    double best = 0;
                    for (int l = 0; l < layers; l++) {
                        for (int h = 0; h < heads; h++) {
                            for (int k = 0; k < last; k++) {
                                best = Math.max(best, pass.get("h." + l + ".attn.softmax").at(h, last, k));
                            }
                        }
                    }
                    assertThat(w).as(card + ": the largest weight").isCloseTo(best, within(1e-3));
                    int panels = card.equals("steps") ? 4 : 1;
                    new WebDriverWait(browser().driver, Duration.ofSeconds(20)).until(d -> d.findElements(By.cssSelector(
                            "#attention figure.attn-panel[data-layer='" + layer + "'][data-head='" + head + "']")).size() == panels);
                    if (card.equals("attention")) {
                        assertThat(num.get("layer")).isEqualTo(String.valueOf(layer));
                        assertThat(num.get("head")).isEqualTo(String.valueOf(head));
                    } else {
                        assertThat(router("steps")).isEqualTo("1");
                        int d = c.width() / heads;
                        assertThat(num.get("d")).isEqualTo(String.valueOf(d));
                        assertNumber(card, num.get("sqrt"), Math.sqrt(d));
                        assertNumber(card, num.get("raw"), pass.get("h." + layer + ".attn.scores").at(head, last, key));
                        assertNumber(card, num.get("scaled"), pass.get("h." + layer + ".attn.scaled").at(head, last, key));
                    }
                }
                case "heads" -> {
                    assertThat(view).isEqualTo("heads");
                    assertThat(num.get("heads")).isEqualTo(String.valueOf(heads));
                    assertThat(num.get("maps")).isEqualTo(String.valueOf(layers * heads));
                }
                case "flow" -> {
                    assertThat(view).isEqualTo("flow");
                    assertThat(browser().driver.findElement(By.id("flow-target")).getAttribute("value")).isEqualTo(String.valueOf(last));
                    double[] row = rolloutRow(pass, layers, heads, t, last);
                    int from = Integer.parseInt(tok.get("from").get("position"));
                    assertPercent(card, num.get("share"), row[from]);
                    assertThat(row[from]).as("the largest share").isCloseTo(java.util.Arrays.stream(row).max().orElseThrow(), within(2e-3));
                }
                case "block" -> {
                    assertThat(view).isEqualTo("block");
                    assertThat(num.get("width")).isEqualTo(String.valueOf(c.width()));
                    assertThat(num.get("wide")).isEqualTo(String.valueOf(4 * c.width()));
                }
                case "residual" -> {
                    assertThat(view).isEqualTo("residual");
                    assertThat(router("layer")).isEqualTo(String.valueOf(layers - 1));
                    assertThat(num.get("block")).isEqualTo(String.valueOf(layers - 1));
                    assertNumber(card, num.get("embed"), rowNorm(pass.get("embed.sum"), last));
                    assertNumber(card, num.get("post"), rowNorm(pass.get("h." + (layers - 1) + ".resid_post"), last));
                }
                case "lens" -> {
                    assertThat(view).isEqualTo("lens");
                    assertThat(tok.get("first").get("id")).isEqualTo(String.valueOf(run.lens().ids()[0][last][0]));
                    assertPercent(card, num.get("firstP"), run.lens().probs()[0][last][0]);
                    assertThat(tok.get("final").get("id")).isEqualTo(String.valueOf(run.lens().ids()[layers - 1][last][0]));
                    assertPercent(card, num.get("finalP"), run.lens().probs()[layers - 1][last][0]);
                }
                case "logits" -> {
                    assertThat(view).isEqualTo("next-token");
                    assertThat(tok.get("top").get("id")).isEqualTo(String.valueOf(top));
                    assertThat(tok.get("second").get("id")).isEqualTo(String.valueOf(second));
                    assertPercent(card, num.get("p"), at1[top]);
                    assertPercent(card, num.get("p2"), at1[second]);
                    // the candidate the card talks about is lit in the next-token table
                    assertThat(browser().driver.findElements(By.cssSelector("#nt-rows tr.lit")))
                            .extracting(e -> e.getAttribute("data-id")).containsExactly(String.valueOf(top));
                }
                case "cold" -> {
                    assertThat(view).isEqualTo("next-token");
                    assertThat(browser().driver.findElement(By.id("nt-temperature")).getAttribute("value")).isEqualTo("0.5");
                    assertThat(num.get("t")).isEqualTo("0.50");
                    assertPercent(card, num.get("p"), Sampler.probabilities(logits, 0.5, 0, 1.0)[top]);
                    assertPercent(card, num.get("before"), at1[top]);
                }
                case "hot" -> {
                    assertThat(view).isEqualTo("probsankey");
                    assertThat(browser().driver.findElement(By.id("ps-temperature")).getAttribute("value")).isEqualTo("1.5");
                    double[] hot = Sampler.probabilities(logits, 1.5, 0, 1.0);
                    assertPercent(card, num.get("p"), hot[top]);
                    int shown = Integer.parseInt(num.get("n"));
                    assertThat(shown).as("the probability flow's candidates")
                            .isEqualTo(browser().driver.findElements(By.cssSelector("#ps-rows tr[data-id]:not([data-id=rest])")).size());
                    assertPercent(card, num.get("rest"), 1 - byLogit.subList(0, shown).stream().mapToDouble(i -> hot[i]).sum());
                }
                case "generation", "greedy" -> {
                    assertThat(view).isEqualTo("generation");
                    int r = Integer.parseInt(router("run"));
                    GenerationRun g = run.generations().get(r);
                    assertThat(g.temperature() > 0).isEqualTo(card.equals("generation"));
                    assertThat(run.generations().subList(0, r)).allMatch(x -> x.temperature() == 0);
                    assertThat(tok.get("chosen").get("id")).isEqualTo(String.valueOf(g.steps().get(0).tokenId()));
                    assertPercent(card, num.get("p"), g.steps().get(0).probability());
                    if (card.equals("generation")) {
                        assertNumber(card, num.get("u"), g.steps().get(0).draw());
                    }
                    assertThat(browser().driver.findElements(By.cssSelector("#gen-rows tr.lit")))
                            .extracting(e -> e.getAttribute("data-id")).contains(String.valueOf(g.steps().get(0).tokenId()));
                }
                case "end" -> assertThat(view).isEqualTo("overview");
                default -> throw new AssertionError("a card this test does not know: " + card);
            }
            // the section the card talks about is on screen, and the card outlines part of it
            assertThat(browser().driver.findElements(By.cssSelector(".tour-focus"))).as(card + ": outlined").isNotEmpty();
            boolean last_ = Boolean.TRUE.equals(js("return document.getElementById('tour-prev').disabled === false"
                    + " && document.getElementById('tour-next').textContent === GPT2X.t('tour.finish');"));
            if (last_) {
                break;
            }
            // the keyboard steps half the cards, the button the other half
            if (n % 2 == 0) {
                new Actions(browser().driver).sendKeys(Keys.ARROW_RIGHT).perform();
            } else {
                browser().driver.findElement(By.id("tour-next")).click();
            }
        }
        assertThat(seen).hasSizeGreaterThanOrEqualTo(10).doesNotHaveDuplicates()
                .contains("intro", "tokens", "attention", "steps", "flow", "lens", "logits", "cold", "hot", "generation", "end");
        browser().driver.findElement(By.id("tour-next")).click(); // Finish
        new WebDriverWait(browser().driver, Duration.ofSeconds(10)).until(d -> Boolean.TRUE.equals(js("return document.getElementById('tour').hidden;")));
        assertThat((String) js("return location.hash;")).doesNotContain("tour=");
    }

    @Test
    void theTourResumesFromTheUrlStepsWithKeysAndHistoryAndEscapeClosesIt() {
        open(PAGE + "#tour=5");
        waitForCard(5);
        assertThat(router("steps")).as("a bare #tour=5 gets card 5's state").isEqualTo("1");
        assertThat(router("view")).isEqualTo("attention");
        js("document.activeElement && document.activeElement.blur();");
        new Actions(browser().driver).sendKeys(Keys.ARROW_LEFT).perform();
        waitForCard(4);
        assertThat(router("steps")).isNull();
        browser().driver.navigate().back();
        waitForCard(5);
        assertThat(router("steps")).isEqualTo("1");
        new Actions(browser().driver).sendKeys(Keys.ESCAPE).perform();
        new WebDriverWait(browser().driver, Duration.ofSeconds(10)).until(d -> Boolean.TRUE.equals(js("return document.getElementById('tour').hidden;")));
        assertThat((String) js("return location.hash;")).doesNotContain("tour=");
        // reload keeps a card: the URL is the tour's memory
        open(PAGE + "#tour=11");
        waitForCard(11);
    }

    @Test
    void theChineseTourHasNoEnglishInterfaceWords() {
        Set<String> allowed = Set.of("softmax", "MLP", "GPT");
        open("zh/" + PAGE + "#tour=1");
        waitForCard(1);
        int cards = ((Number) js("return Number(document.getElementById('tour-count').textContent.match(/(\\d+)\\D*$/)[1]);")).intValue();
        assertThat(cards).isGreaterThanOrEqualTo(10);
        Map<String, List<String>> english = new HashMap<>();
        for (int n = 1; n <= cards; n++) {
            if (n > 1) {
                browser().driver.findElement(By.id("tour-next")).click();
                waitForCard(n);
            }
            @SuppressWarnings("unchecked")
            List<String> words = (List<String>) js("var out = [], walker = document.createTreeWalker(document.getElementById('tour'), NodeFilter.SHOW_TEXT);"
                    + "while (walker.nextNode()) { var e = walker.currentNode.parentElement;"
                    + "  if (e.closest('.tok') || !e.checkVisibility()) { continue; }"
                    + "  (walker.currentNode.nodeValue.match(/[A-Za-z][A-Za-z_-]+/g) || []).forEach(function (w) { out.push(w); }); }"
                    + "return out;");
            List<String> bad = words.stream().filter(w -> !allowed.contains(w)).toList();
            if (!bad.isEmpty()) {
                english.put(js("return document.getElementById('tour').getAttribute('data-card');").toString(), bad);
            }
        }
        assertThat(english).as("English words on the Chinese tour's cards").isEmpty();
        assertThat(browser().driver.findElement(By.id("tour-start")).getText()).doesNotContainPattern("[A-Za-z]{2,}");
    }
}
