package io.github.gpt2explainer.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.github.gpt2explainer.forward.CaptureKind;
import io.github.gpt2explainer.forward.CapturedTensor;
import io.github.gpt2explainer.insight.HeadRole;
import io.github.gpt2explainer.insight.HeadRoleProbe;
import io.github.gpt2explainer.insight.HeadRoles;
import io.github.gpt2explainer.insight.ProbedHeadRoles;
import io.github.gpt2explainer.prompts.PromptSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "meet the heads" page (issue 19 item 3), rendered from the fixture's real runs and hand-made head-role scores
 * (distinct values in a scrambled order, so that the ranking and every cell are checkable): the heat maps hold the
 * stored scores, the top heads are sorted and linked to the attention view of an existing prompt page.
 */
class HeadsPageTest {

    private static final int L = 4;
    private static final int H = 4;
    private static final long SEED = 99;

    @TempDir
    static Path site;

    private static ProbedHeadRoles roles;

    /** A distinct score per role and head, in [0, 1], in no simple order: (7 (l H + h) + 5 role) mod 16, scaled. */
    private static double score(HeadRole role, int l, int h) {
        return (((l * H + h) * 7 + role.ordinal() * 5) % 16 + 1) / 17.0;
    }

    @BeforeAll
    static void render() {
        Map<HeadRole, double[][]> scores = new EnumMap<>(HeadRole.class);
        for (HeadRole role : HeadRole.values()) {
            double[][] values = new double[L][H];
            for (int l = 0; l < L; l++) {
                for (int h = 0; h < H; h++) {
                    values[l][h] = (float) score(role, l, h); // as stored: F32
                }
            }
            scores.put(role, values);
        }
        var source = SiteFixture.model();
        HeadRoleProbe probe = HeadRoleProbe.of(SEED, source.config().vocabSize(), source.config().contextLength(),
                source.tokenizer().endOfTextId());
        roles = new ProbedHeadRoles(probe, new HeadRoles(L, H, scores));
        SiteInput fixture = SiteFixture.input();
        SiteInput input = new SiteInput(fixture.promptSet(), fixture.model(), fixture.runs(), "test", roles);
        try (SiteTemplates templates = SiteFixture.templates()) {
            new SiteRenderer(templates).render(input, site);
        }
    }

    private static Document parse(String path) throws IOException {
        Path page = site.resolve(path);
        return Jsoup.parse(page.toFile(), "UTF-8", page.toUri().toString());
    }

    @Test
    void eachRolesHeatMapHasEveryHeadWithItsStoredScore() throws IOException {
        for (String path : List.of("heads.html", "zh/heads.html")) {
            Document doc = parse(path);
            for (HeadRole role : HeadRole.values()) {
                Element map = doc.selectFirst("table.hr-map[data-role=" + role.key() + "]");
                assertThat(map).as(path + " " + role).isNotNull();
                List<Element> rows = map.select("tbody tr");
                assertThat(rows).hasSize(L);
                for (int l = 0; l < L; l++) {
                    assertThat(rows.get(l).selectFirst("th").text()).isEqualTo(String.valueOf(l));
                    List<Element> cells = rows.get(l).select("td");
                    assertThat(cells).hasSize(H);
                    for (int h = 0; h < H; h++) {
                        Element cell = cells.get(h);
                        float stored = (float) score(role, l, h);
                        assertThat(Float.parseFloat(cell.attr("data-value"))).as(role + " " + l + "." + h).isEqualTo(stored);
                        assertThat(cell.attr("data-layer") + "." + cell.attr("data-head")).isEqualTo(l + "." + h);
                        assertThat(Double.parseDouble(cell.text())).isCloseTo(stored, offset(0.005));
                    }
                }
            }
            // the data table: every head, every role, in the page's role order
            List<Element> table = doc.select("table.hr-data tbody tr");
            assertThat(table).hasSize(L * H);
            Element row = table.get(2 * H + 3);
            assertThat(row.selectFirst("th").text()).isEqualTo("2.3");
            assertThat(row.select("td").eachText()).containsExactly(java.util.Arrays.stream(HeadRole.values())
                    .map(r -> String.format(java.util.Locale.ROOT, "%.3f", (float) score(r, 2, 3))).toArray(String[]::new));
        }
    }

    @Test
    void theTopThreeHeadsOfEachRoleAreTheHighestScoresLinkedToAnExistingAttentionView() throws IOException {
        Document doc = parse("heads.html");
        for (HeadRole role : HeadRole.values()) {
            List<int[]> expected = new ArrayList<>();
            for (int l = 0; l < L; l++) {
                for (int h = 0; h < H; h++) {
                    expected.add(new int[] {l, h});
                }
            }
            expected.sort(Comparator.comparingDouble((int[] lh) -> -score(role, lh[0], lh[1])));
            List<Element> items = doc.select("#role-" + role.key() + " .hr-top-list li");
            assertThat(items).as(role.key()).hasSize(3);
            for (int i = 0; i < 3; i++) {
                int l = expected.get(i)[0];
                int h = expected.get(i)[1];
                Element item = items.get(i);
                assertThat(item.selectFirst(".hr-top-head").text()).isEqualTo(String.format(java.util.Locale.ROOT,
                        "head %d.%d: %.2f", l, h, score(role, l, h)));
                Element link = item.selectFirst("a");
                if (role == HeadRole.PREVIOUS_TOKEN || role == HeadRole.FIRST_TOKEN) {
                    String prompt = strongestPrompt(role, l, h);
                    assertThat(link.attr("href")).isEqualTo("p/" + prompt + ".html#head=" + h + "&layer=" + l + "&view=attention");
                }
                if (link != null) {
                    String file = link.attr("href").substring(0, link.attr("href").indexOf('#'));
                    assertThat(site.resolve(file)).exists();
                    assertThat(link.attr("href")).endsWith("#head=" + h + "&layer=" + l + "&view=attention");
                }
            }
        }
        // zh: the same heads, linked to the zh prompt pages
        Element zhLink = parse("zh/heads.html").selectFirst("#role-previous_token .hr-top-list li a");
        assertThat(zhLink.attr("href")).startsWith("../zh/p/");
        assertThat(site.resolve("zh").resolve(zhLink.attr("href").substring(0, zhLink.attr("href").indexOf('#')))).exists();
    }

    /**
     * The fixture prompt where head l.h attends most, on average, from each token to the token before it (previous-token)
     * or to the first token (first-token), from the prompt's stored attention weights.
     */
    private static String strongestPrompt(HeadRole role, int l, int h) {
        String best = null;
        double bestMean = -1;
        for (PromptSpec spec : SiteFixture.promptSet().prompts()) {
            CapturedTensor softmax = SiteFixture.run(spec.id()).prefill().get(CaptureKind.ATTN_SOFTMAX, l);
            int t = (int) softmax.dim(1);
            double sum = 0;
            for (int q = 1; q < t; q++) {
                sum += softmax.at(h, q, role == HeadRole.PREVIOUS_TOKEN ? q - 1 : 0);
            }
            double mean = sum / (t - 1);
            if (mean > bestMean) {
                bestMean = mean;
                best = spec.id();
            }
        }
        return best;
    }

    @Test
    void theProbeIsDescribedWithItsOwnSettingsAndThePageIsLinkedFromTheNavAndThePromptPage() throws IOException {
        Document doc = parse("heads.html");
        assertThat(doc.selectFirst(".hr-probe").text()).isEqualTo("The probe: <|endoftext|>, then 50 random token ids (seed 99),"
                + " then the same 50 ids again: 101 positions of the model's 1024. Each score is a mean attention weight"
                + " over the probe, between 0 and 1.");
        assertThat(parse("index.html").select(".site-nav a[href=heads.html]").text()).isEqualTo("Heads");
        assertThat(parse("zh/index.html").select(".site-nav a[href=../zh/heads.html]").text()).isEqualTo("注意力头");
        assertThat(parse("p/" + SiteFixture.EIFFEL_ID + ".html").select("#heads .hr-from-prompt a").attr("href"))
                .isEqualTo("../heads.html");
        assertThat(parse("zh/heads.html").selectFirst(".site-nav a[aria-current=page]").attr("href")).isEqualTo("../zh/heads.html");
    }

    @Test
    void aSiteWithoutHeadRolesPlansNoHeadsPage() {
        SiteInput fixture = SiteFixture.input();
        SiteInput without = new SiteInput(fixture.promptSet(), fixture.model(), fixture.runs(), "test");
        try (SiteTemplates templates = SiteFixture.templates()) {
            SiteRenderer renderer = new SiteRenderer(templates);
            assertThat(renderer.plan(without).files()).extracting(SitePlan.PlannedFile::path).doesNotContain("heads.html");
            assertThat(renderer.plan(fixture).files()).extracting(SitePlan.PlannedFile::path)
                    .contains("heads.html", "zh/heads.html");
        }
    }

    @Test
    void promptStrengthsFollowTheirRulesOnHandBuiltAttention() {
        // tokens A B C A B: queries 3 and 4 repeat positions 0 and 1; the tokens after those are at 1 and 2
        long[] tokens = {10, 20, 30, 10, 20};
        // an induction-like head: from 3 to 1 and from 4 to 2, every other query on position 0
        HeadExamples.Weights induction = (q, k) -> (q == 3 && k == 1) || (q == 4 && k == 2) || (q < 3 && k == 0) ? 1 : 0;
        Map<HeadRole, Double> s = HeadExamples.strengths(tokens, induction);
        assertThat(s.get(HeadRole.INDUCTION)).isEqualTo(1.0);
        assertThat(s.get(HeadRole.DUPLICATE_TOKEN)).isEqualTo(0.0);
        assertThat(s.get(HeadRole.PREVIOUS_TOKEN)).isEqualTo(0.25);   // only q = 1 (its previous token is 0)
        assertThat(s.get(HeadRole.FIRST_TOKEN)).isEqualTo(0.5);       // q = 1, 2 of 1 .. 4

        // a duplicate-token head: 0.6 on the earlier occurrence, 0.4 on itself
        HeadExamples.Weights duplicate = (q, k) -> q >= 3 ? (k == q - 3 ? 0.6 : k == q ? 0.4 : 0) : (k == q ? 1 : 0);
        Map<HeadRole, Double> d = HeadExamples.strengths(tokens, duplicate);
        assertThat(d.get(HeadRole.DUPLICATE_TOKEN)).isCloseTo(0.6, offset(1e-12));
        assertThat(d.get(HeadRole.INDUCTION)).isEqualTo(0.0);

        // no repeated token: no induction or duplicate-token strength; "7 7" has a duplicate but nothing after it
        assertThat(HeadExamples.strengths(new long[] {1, 2, 3}, induction)).containsOnlyKeys(HeadRole.PREVIOUS_TOKEN,
                HeadRole.FIRST_TOKEN);
        assertThat(HeadExamples.strengths(new long[] {7, 7}, (q, k) -> k == 0 ? 1 : 0)).containsOnlyKeys(
                HeadRole.PREVIOUS_TOKEN, HeadRole.FIRST_TOKEN, HeadRole.DUPLICATE_TOKEN);
    }
}
