package io.github.gpt2explainer.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The other two Sankeys carry conserved quantities too (issue 14, item 1; the overview's is
 * OverviewSankeyBrowserTest), read from the rendered SVG: the attention flow's every node is as tall as what
 * enters it and as what leaves it, on one scale, and its input column is the stored rollout; the probability
 * Sankey's ribbons are as wide at both ends, its source (100%) as tall as all its targets together, each
 * target as tall as its probability on that same scale and labelled with it.
 */
@Tag("browser")
class SankeyConservationBrowserTest {

    @RegisterExtension
    static final BrowserExtension chromium = BrowserExtension.serving(SiteFixture::site);

    private static Object js(String script, Object... args) {
        return chromium.browser().driver.executeScript(script, args);
    }

    private static void open(String hash) {
        chromium.browser().openReady(chromium.site().resolve("p/" + SiteFixture.EIFFEL_ID + ".html").toUri() + hash);
    }

    /** The numbers of an SVG path, in order. */
    private static final String NUMBERS = "function nums(d) { return (d.match(/-?\\d+(?:\\.\\d+)?(?:e-?\\d+)?/g) || []).map(Number); }";

    @Test
    @SuppressWarnings("unchecked")
    void everyNodeOfTheAttentionFlowIsWhatEntersItAndWhatLeavesIt() {
        JsonNode flow = new PromptData(SiteFixture.run(SiteFixture.EIFFEL_ID)).main().get("flow");
        float[] rollout = StoredArrays.decode(flow.get("rollout"));
        int layers = SiteFixture.model().config().layers();
        int tokens = SiteFixture.run(SiteFixture.EIFFEL_ID).prefill().tokens().length;
        for (int target : new int[] {tokens - 1, 1}) {
            open("#view=flow&token=" + target);
            // band(): M sx,y0-h C .. .. tx,y1-h L tx,y1+h C .. .. sx,y0+h Z, so its width is the 10th number minus the 8th
            Map<String, Object> svg = (Map<String, Object>) js(NUMBERS
                    + "var nodes = {}, links = [];"
                    + "document.querySelectorAll('#flow-chart .flow-node').forEach(function (g) {"
                    + "  var r = g.querySelector('rect'), t = g.querySelector('text:not(.flow-pos)');"
                    + "  nodes[g.getAttribute('data-node')] = {h: r.__data__.y1 - r.__data__.y0, drawn: Number(r.getAttribute('height')),"
                    + "    flow: Number(g.getAttribute('data-flow')), label: t ? t.textContent : null}; });"
                    + "document.querySelectorAll('#flow-chart path.flow-link').forEach(function (p) { var n = nums(p.getAttribute('d'));"
                    + "  links.push({s: p.getAttribute('data-source'), t: p.getAttribute('data-target'), w: n[9] - n[7],"
                    + "    v: Number(p.getAttribute('data-value')), minor: p.classList.contains('minor')}); });"
                    + "return {nodes: nodes, links: links};");
            Map<String, Map<String, Object>> nodes = (Map<String, Map<String, Object>>) svg.get("nodes");
            List<Map<String, Object>> links = (List<Map<String, Object>>) svg.get("links");
            Map<String, Double> in = new HashMap<>(), out = new HashMap<>();
            double scale = 0;
            for (Map<String, Object> l : links) {
                double w = num(l, "w");
                in.merge((String) l.get("t"), w, Double::sum);
                out.merge((String) l.get("s"), w, Double::sum);
                if (!(Boolean) l.get("minor")) {
                    assertThat(w).as("a major link is at least 1 px").isGreaterThanOrEqualTo(1 - 1e-9);
                    scale = Math.max(scale, w / num(l, "v"));
                }
            }
            assertThat(nodes).as("target %d: every position of the input column", target).containsKeys("0:0", "0:" + target);
            double perUnit = num(nodes.get(layers + ":" + target), "h"); // the target carries the whole flow, 1
            for (Map.Entry<String, Map<String, Object>> e : nodes.entrySet()) {
                String id = e.getKey();
                int column = Integer.parseInt(id.split(":")[0]);
                int position = Integer.parseInt(id.split(":")[1]);
                double h = num(e.getValue(), "h"), flowValue = num(e.getValue(), "flow");
                assertThat(h).as("node %s: height on the one scale", id).isCloseTo(flowValue * perUnit, within(0.5));
                if (column > 0) {
                    assertThat(in.getOrDefault(id, 0.0)).as("node %s: in", id).isCloseTo(h, within(0.5));
                }
                if (column < layers) {
                    assertThat(out.getOrDefault(id, 0.0)).as("node %s: out", id).isCloseTo(h, within(0.5));
                }
                if (column == 0) {
                    double stored = rollout[((layers - 1) * tokens + target) * tokens + position];
                    assertThat(flowValue).as("input %d: the stored rollout", position).isCloseTo(stored, within(2e-3));
                    assertThat((String) e.getValue().get("label")).as("input %d: label", position)
                            .endsWith(" " + SiteBrowserTest.percent(flowValue));
                }
            }
            assertThat(perUnit).as("one scale for nodes and links").isCloseTo(scale > 0 ? scale : perUnit, within(0.01 * perUnit));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theProbabilitySankeysRibbonsKeepTheirWidthAndItsSourceIsAllItsTargets() {
        for (String hash : List.of("#view=probsankey&t=1", "#view=probsankey&t=0.3", "#view=probsankey&t=2")) {
            open(hash);
            js("return new Promise(function (done) { setTimeout(done, 400); });"); // the 120 ms transition
            // ribbon(): M x,a0 C .. .. X1,b0 L X1,b1 C .. .. x,a1 Z
            Map<String, Object> svg = (Map<String, Object>) js(NUMBERS
                    + "var src = document.querySelector('#ps-chart rect.ps-source'), out = {source: src.getBBox().height, items: []};"
                    + "document.querySelectorAll('#ps-chart path.ps-link').forEach(function (p) { var n = nums(p.getAttribute('d')),"
                    + "  id = p.getAttribute('data-id'), g = document.querySelector(\"#ps-chart .ps-node[data-id='\" + id + \"']\");"
                    + "  out.items.push({id: id, p: Number(p.getAttribute('data-prob')), a: n[15] - n[1], b: n[9] - n[7],"
                    + "    h: Number(g.querySelector('rect').getAttribute('height')), label: g.querySelector('text').textContent}); });"
                    + "return out;");
            double source = num(svg, "source");
            double sumIn = 0, sumP = 0;
            for (Map<String, Object> it : (List<Map<String, Object>>) svg.get("items")) {
                double p = num(it, "p"), a = num(it, "a"), b = num(it, "b");
                String what = hash + " " + it.get("id");
                assertThat(a).as(what + ": leaves the source as wide as it arrives").isCloseTo(b, within(0.01));
                assertThat(a).as(what + ": width is p on the source's scale").isCloseTo(p * source, within(0.01));
                assertThat(num(it, "h")).as(what + ": node height").isCloseTo(Math.max(1, p * source), within(0.01));
                assertThat((String) it.get("label")).as(what + ": label").endsWith("  " + SiteBrowserTest.percent(p));
                sumIn += a;
                sumP += p;
            }
            assertThat(sumP).as(hash + ": the targets hold all the probability").isCloseTo(1, within(1e-9));
            assertThat(sumIn).as(hash + ": the source is all its ribbons").isCloseTo(source, within(0.01));
        }
    }

    private static double num(Map<String, Object> m, String key) {
        return ((Number) m.get(key)).doubleValue();
    }
}
