package io.github.gpt2explainer.site;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.gpt2explainer.forward.CapturedTensor;
import io.github.gpt2explainer.insight.DirectLogitAttribution;
import io.github.gpt2explainer.trace.PromptRun;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

/**
 * Issue 19: the "What the model did" captions on the rendered prompt pages, in both languages, quote exactly
 * the numbers this test works out from the same run's stored values (logits, logit lens, attribution, attention
 * weights, occlusion), and no other number; token text in them is escaped.
 */
class CaptionsPageTest {

    private static final Pattern NUMBER = Pattern.compile("[+-]?\\d+(?:\\.\\d+)?");

    private static Document page(String path) throws IOException {
        Path file = SiteFixture.site().resolve(path);
        return Jsoup.parse(file.toFile(), "UTF-8", file.toUri().toString());
    }

    private static List<String> captions(String path) throws IOException {
        Element block = page(path).getElementById("captions");
        assertThat(block).as(path + ": the captions block").isNotNull();
        assertThat(block.select("img, script")).as(path + ": no markup from token text").isEmpty();
        return block.select("li").eachText();
    }

    /** The numbers of a sentence, after taking out the quoted token texts (which may hold digits). */
    private static List<String> numbers(String sentence, List<String> quotedTokens) {
        String rest = sentence;
        for (String q : quotedTokens) {
            rest = rest.replace(q, " ");
        }
        List<String> out = new ArrayList<>();
        Matcher m = NUMBER.matcher(rest);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    /** As Captions documents: no decimals from 10% up, one from 1% up, two significant digits below. */
    private static String percent(double p) {
        double v = p * 100;
        if (Math.abs(v) >= 10) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (Math.abs(v) >= 1 || v == 0) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        String s = String.format(Locale.ROOT, "%.1e", v);                   // d.de-N
        int exponent = Integer.parseInt(s.substring(s.indexOf('e') + 1));
        return new java.math.BigDecimal(s).setScale(1 - exponent, java.math.RoundingMode.HALF_EVEN)
                .stripTrailingZeros().toPlainString();
    }

    /** What the captions must say, worked out here from the run's stored values. */
    private record Expected(int predicted, int runnerUp, String p1, String p2, String margin, int lensLayer,
                            String pushValue, int pushLayer, int focusLayer, int focusHead, int focusQuery,
                            int focusKey, String focusWeight, int attrPosition, String attrAmount) {
    }

    private static Expected expected(PromptRun run) {
        CapturedTensor logits = run.prefill().get("logits"); // [1, V]
        int v = (int) logits.dim(1);
        int best = 0;
        int second = -1;
        for (int i = 1; i < v; i++) {
            if (logits.at(0, i) > logits.at(0, best)) {
                best = i;
            }
        }
        for (int i = 0; i < v; i++) {
            if (i != best && (second < 0 || logits.at(0, i) > logits.at(0, second))) {
                second = i;
            }
        }
        double z = 0;
        for (int i = 0; i < v; i++) {
            z += Math.exp((double) logits.at(0, i) - logits.at(0, best));
        }
        double p1 = 1 / z;
        double p2 = Math.exp((double) logits.at(0, second) - logits.at(0, best)) / z;

        int t = run.prefill().tokens().length;
        int lensLayer = -1;
        for (int l = 0; l < run.lens().layers() && lensLayer < 0; l++) {
            for (int id : run.lens().ids()[l][t - 1]) {
                if (id == best) {
                    lensLayer = l;
                }
            }
        }

        DirectLogitAttribution dla = run.insight().candidates().get(0);
        assertThat(dla.target()).isEqualTo(best);
        double push = dla.embed();
        int pushLayer = -1;
        for (int l = 0; l < dla.layers(); l++) {
            if (dla.attn()[l] > push) {
                push = dla.attn()[l];
                pushLayer = l;
            }
            if (dla.mlp()[l] > push) {
                push = dla.mlp()[l];
                pushLayer = l;
            }
        }
        if (dla.lnFBias() > push) {
            push = dla.lnFBias();
            pushLayer = -1;
        }

        double weight = -1;
        int[] focus = null;
        int heads = run.model().config().heads();
        for (int l = 0; l < run.model().config().layers(); l++) {
            CapturedTensor softmax = run.prefill().get("h." + l + ".attn.softmax");
            for (int h = 0; h < heads; h++) {
                for (int q = 2; q < t; q++) {
                    for (int k = 1; k < q; k++) {
                        if (softmax.at(h, q, k) > weight) {
                            weight = softmax.at(h, q, k);
                            focus = new int[] {l, h, q, k};
                        }
                    }
                }
            }
        }

        double[] occlusion = run.insight().attribution().occlusion();
        int most = 0;
        for (int i = 1; i < occlusion.length; i++) {
            if (Math.abs(occlusion[i]) > Math.abs(occlusion[most])) {
                most = i;
            }
        }
        return new Expected(best, second, percent(p1), percent(p2), percent(p1 - p2), lensLayer,
                String.format(Locale.ROOT, "%+.1f", push), pushLayer, focus[0], focus[1], focus[2], focus[3],
                String.format(Locale.ROOT, "%.2f", weight), most, String.format(Locale.ROOT, "%.2f", Math.abs(occlusion[most])));
    }

    private static List<String> quoted(PromptRun run, Expected e, String open, String close) {
        long[] ids = run.prefill().tokens();
        List<String> out = new ArrayList<>();
        for (long id : new long[] {e.predicted(), e.runnerUp(), ids[e.focusQuery()], ids[e.focusKey()], ids[e.attrPosition()]}) {
            out.add(open + run.vocabulary().get((int) id).display() + close);
        }
        return out;
    }

    private static void check(String id) throws IOException {
        PromptRun run = SiteFixture.run(id);
        Expected e = expected(run);
        String focusHead = e.focusLayer() + "." + e.focusHead();
        for (String lang : List.of("en", "zh")) {
            String path = (lang.equals("en") ? "" : "zh/") + "p/" + id + ".html";
            List<String> sentences = captions(path);
            boolean en = lang.equals("en");
            List<String> quotes = en ? quoted(run, e, "'", "'") : quoted(run, e, "“", "”");
            List<List<String>> expected = new ArrayList<>();
            expected.add(en ? List.of("0", e.p1(), e.margin(), e.p2()) : List.of("0", e.p1(), e.p2(), e.margin()));
            if (e.lensLayer() >= 0) {
                expected.add(en ? List.of("5", Integer.toString(e.lensLayer())) : List.of(Integer.toString(e.lensLayer()), "5"));
            }
            expected.add(e.pushLayer() >= 0 ? List.of(Integer.toString(e.pushLayer()), e.pushValue()) : List.of(e.pushValue()));
            expected.add(List.of(focusHead, e.focusWeight()));
            expected.add(List.of(Integer.toString(e.attrPosition()), e.attrAmount()));
            assertThat(sentences).as(path).hasSize(expected.size());
            for (int s = 0; s < sentences.size(); s++) {
                assertThat(numbers(sentences.get(s), quotes)).as(path + ": " + sentences.get(s))
                        .containsExactlyElementsOf(expected.get(s));
            }
            assertThat(sentences.get(0)).as(path).contains(quotes.get(0)).contains(quotes.get(1));
            assertThat(sentences.get(sentences.size() - 2)).as(path).contains(quotes.get(2)).contains(quotes.get(3));
            assertThat(sentences.get(sentences.size() - 1)).as(path).contains(quotes.get(4))
                    .contains(run.vocabulary().get(50256).display());
        }
    }

    @Test
    void captionsQuoteTheNumbersOfTheRunInBothLanguages() throws IOException {
        check(SiteFixture.EIFFEL_ID);
        check(SiteFixture.STATES_ID);
    }

    @Test
    void tokenTextInCaptionsIsEscapedAndTheHandoutCarriesThem() throws IOException {
        check(SiteFixture.HOSTILE_ID); // its tokens are pieces of "</script><img ...>"
        String raw = java.nio.file.Files.readString(SiteFixture.site().resolve("p/" + SiteFixture.HOSTILE_ID + ".html"));
        String block = raw.substring(raw.indexOf("id=\"captions\""), raw.indexOf("</ul>", raw.indexOf("id=\"captions\"")));
        assertThat(block).doesNotContain("<img").doesNotContain("<script").doesNotContain("</script");
        assertThat(captions("handouts/" + SiteFixture.EIFFEL_ID + ".html"))
                .isEqualTo(captions("p/" + SiteFixture.EIFFEL_ID + ".html"));
    }
}
