package io.github.gpt2explainer.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class SamplerTest {

    private static final float LN2 = (float) Math.log(2);
    private static final float LN4 = (float) Math.log(4);

    private static int[] keptIds(TokenDistribution d) {
        return java.util.stream.IntStream.range(0, d.vocabSize()).filter(d::isKept).toArray();
    }

    // ---- greedy --------------------------------------------------------------------------------

    @Test
    void temperatureZeroIsArgmaxWithLowestIdWinningTies() {
        float[] logits = {1f, 7f, -2f, 7f, 6.5f};
        SampleResult r = Sampler.sample(logits, 0, 0, 1.0, 0.999);
        assertThat(r.tokenId()).isEqualTo(1);
        assertThat(r.probability()).isEqualTo(1.0);
        assertThat(r.u()).isEqualTo(0.999);
        // The runners-up still appear, ordered by logit then id, with probability 0 and not kept.
        assertThat(r.candidates()).extracting(Candidate::tokenId).containsExactly(1, 3, 4, 0, 2);
        assertThat(r.candidates().get(1)).isEqualTo(new Candidate(3, 7f, 0.0, false));
    }

    @Test
    void temperatureZeroIgnoresTopKAndTopPAndTheDraw() {
        float[] logits = {0.5f, 3f, 2.9f};
        for (double u : new double[] {0, 0.3, 0.9999}) {
            assertThat(Sampler.sample(logits, 0, 2, 0.5, u).tokenId()).isEqualTo(1);
        }
        assertThat(Sampler.probabilities(logits, 0, 0, 1.0)).containsExactly(0.0, 1.0, 0.0);
    }

    // ---- temperature ---------------------------------------------------------------------------

    @Test
    void temperatureOneIsSoftmax() {
        // weights 1, 2, 4 -> 1/7, 2/7, 4/7
        double[] p = Sampler.probabilities(new float[] {0f, LN2, LN4}, 1.0, 0, 1.0);
        assertThat(p[0]).isCloseTo(1.0 / 7, within(1e-7));
        assertThat(p[1]).isCloseTo(2.0 / 7, within(1e-7));
        assertThat(p[2]).isCloseTo(4.0 / 7, within(1e-7));
    }

    @Test
    void temperatureDividesTheLogits() {
        // T = 2: weights exp(0), exp(ln4 / 2) = 1, 2 -> 1/3, 2/3
        double[] p = Sampler.probabilities(new float[] {0f, LN4}, 2.0, 0, 1.0);
        assertThat(p[0]).isCloseTo(1.0 / 3, within(1e-7));
        assertThat(p[1]).isCloseTo(2.0 / 3, within(1e-7));
    }

    @Test
    void hugeLogitsAndTinyTemperaturesDoNotOverflow() {
        double[] p = Sampler.probabilities(new float[] {1e30f, 1e30f - 1e24f, -1e30f}, 1e-300, 0, 1.0);
        assertThat(p).containsExactly(1.0, 0.0, 0.0);
        double[] q = Sampler.probabilities(new float[] {1000f, 1000f}, 1e-6, 0, 1.0);
        assertThat(q).containsExactly(0.5, 0.5);
    }

    // ---- top-k ---------------------------------------------------------------------------------

    @Test
    void topKKeepsEveryTokenTiedWithTheKthLargest() {
        float[] logits = {1f, 3f, 2f, 3f, 2f, 0f};
        // sorted descending: 3 3 2 2 1 0
        assertThat(keptIds(Sampler.distribution(logits, 1, 1, 1.0))).containsExactly(1, 3); // 1st = 3
        assertThat(keptIds(Sampler.distribution(logits, 1, 2, 1.0))).containsExactly(1, 3); // 2nd = 3
        assertThat(keptIds(Sampler.distribution(logits, 1, 3, 1.0))).containsExactly(1, 2, 3, 4); // 3rd = 2
        assertThat(keptIds(Sampler.distribution(logits, 1, 5, 1.0))).containsExactly(0, 1, 2, 3, 4);
        assertThat(keptIds(Sampler.distribution(logits, 1, 6, 1.0))).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(keptIds(Sampler.distribution(logits, 1, 100, 1.0))).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(keptIds(Sampler.distribution(logits, 1, 0, 1.0))).containsExactly(0, 1, 2, 3, 4, 5);
    }

    @Test
    void topKRenormalisesOverTheKeptTokens() {
        // k = 2 keeps weights 2 and 4 -> 1/3, 2/3
        double[] p = Sampler.probabilities(new float[] {0f, LN2, LN4}, 1.0, 2, 1.0);
        assertThat(p[0]).isZero();
        assertThat(p[1]).isCloseTo(1.0 / 3, within(1e-7));
        assertThat(p[2]).isCloseTo(2.0 / 3, within(1e-7));
    }

    // ---- top-p ---------------------------------------------------------------------------------

    /** Probabilities 1/8, 1/2, 1/8, 1/4 for ids 0..3 (ids 0 and 2 tied). */
    private static final float[] EIGHTHS = {0f, LN4, 0f, LN2};

    @Test
    void topPRemovesTheLeastLikelyWhileTheirCumulativeStaysAtOrBelowOneMinusP() {
        // ascending (ties: higher id first): id2 1/8, id0 1/8, id3 1/4, id1 1/2; cumulative .125 .25 .5 1
        // p = 0.7 removes cumulative <= 0.3: ids 2 and 0
        assertThat(keptIds(Sampler.distribution(EIGHTHS, 1, 0, 0.7))).containsExactly(1, 3);
        // p = 0.3 removes cumulative <= 0.7: ids 2, 0, 3; the most likely always stays
        assertThat(keptIds(Sampler.distribution(EIGHTHS, 1, 0, 0.3))).containsExactly(1);
        assertThat(keptIds(Sampler.distribution(EIGHTHS, 1, 0, 0.01))).containsExactly(1);
        // p = 0.9 removes cumulative <= 0.1: nothing
        assertThat(keptIds(Sampler.distribution(EIGHTHS, 1, 0, 0.9))).containsExactly(0, 1, 2, 3);
        assertThat(keptIds(Sampler.distribution(EIGHTHS, 1, 0, 1.0))).containsExactly(0, 1, 2, 3);
    }

    @Test
    void topPCutInsideATieKeepsTheLowerId() {
        // p = 0.8 removes cumulative <= 0.2: only the first of the tied pair in ascending order, id 2
        TokenDistribution d = Sampler.distribution(EIGHTHS, 1, 0, 0.8);
        assertThat(keptIds(d)).containsExactly(0, 1, 3);
        // renormalised over 1/8 + 1/2 + 1/4 = 7/8
        assertThat(d.probability(0)).isCloseTo(1.0 / 7, within(1e-7));
        assertThat(d.probability(1)).isCloseTo(4.0 / 7, within(1e-7));
        assertThat(d.probability(2)).isZero();
        assertThat(d.probability(3)).isCloseTo(2.0 / 7, within(1e-7));
    }

    @Test
    void topPWorksOnTheDistributionTopKLeft() {
        float ln3 = (float) Math.log(3);
        float ln5 = (float) Math.log(5);
        float ln6 = (float) Math.log(6);
        float[] logits = {ln6, ln3, 0f, ln5, (float) Math.log(0.5)}; // weights 6 3 1 5 0.5
        // top-k 3 keeps 6, 5, 3 (total 14); ascending 3/14 = .214 <= 1 - .75 -> removed; 3/14 + 5/14 > .25
        assertThat(keptIds(Sampler.distribution(logits, 1, 3, 0.75))).containsExactly(0, 3);
        // without top-k (total 15.5): .5/15.5 = .032, 1.5/15.5 = .097 removed, 4.5/15.5 = .29 > .25 kept
        assertThat(keptIds(Sampler.distribution(logits, 1, 0, 0.75))).containsExactly(0, 1, 3);
        // top-k 3 and p = 0.8 (remove <= .2): 3/14 = .214 > .2, nothing more removed
        assertThat(keptIds(Sampler.distribution(logits, 1, 3, 0.8))).containsExactly(0, 1, 3);
    }

    // ---- the draw ------------------------------------------------------------------------------

    @Test
    void drawIsTheInverseCdfOverKeptTokensInIdOrder() {
        // After p = 0.8: id0 1/7, id1 4/7, id3 2/7; cumulative in id order 1/7 = .143, 5/7 = .714, 1
        assertThat(Sampler.sample(EIGHTHS, 1, 0, 0.8, 0.0).tokenId()).isEqualTo(0);
        assertThat(Sampler.sample(EIGHTHS, 1, 0, 0.8, 0.14).tokenId()).isEqualTo(0);
        assertThat(Sampler.sample(EIGHTHS, 1, 0, 0.8, 0.15).tokenId()).isEqualTo(1);
        assertThat(Sampler.sample(EIGHTHS, 1, 0, 0.8, 0.71).tokenId()).isEqualTo(1);
        SampleResult last = Sampler.sample(EIGHTHS, 1, 0, 0.8, 0.72);
        assertThat(last.tokenId()).isEqualTo(3);
        assertThat(last.probability()).isCloseTo(2.0 / 7, within(1e-7));
        assertThat(Sampler.sample(EIGHTHS, 1, 0, 0.8, Math.nextDown(1.0)).tokenId()).isEqualTo(3);
    }

    @Test
    void candidatesAreOrderedByProbabilityThenLogitThenId() {
        SampleResult r = Sampler.sample(EIGHTHS, 1, 0, 0.8, 0.5, 3);
        List<Candidate> c = r.candidates();
        assertThat(c).extracting(Candidate::tokenId).containsExactly(1, 3, 0);
        assertThat(c).extracting(Candidate::kept).containsOnly(true);
        assertThat(c.get(0).logit()).isEqualTo(LN4);
        SampleResult all = Sampler.sample(EIGHTHS, 1, 0, 0.8, 0.5, 10);
        assertThat(all.candidates()).extracting(Candidate::tokenId).containsExactly(1, 3, 0, 2);
        assertThat(all.candidates().get(3)).isEqualTo(new Candidate(2, 0f, 0.0, false));
    }

    // ---- validation ----------------------------------------------------------------------------

    @Test
    void badArgumentsAreNamed() {
        float[] ok = {1f, 2f};
        assertThatThrownBy(() -> Sampler.probabilities(new float[] {1f, Float.NaN}, 1, 0, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("token 1 is NaN");
        assertThatThrownBy(() -> Sampler.probabilities(new float[0], 1, 0, 1))
                .hasMessageContaining("at least one token");
        assertThatThrownBy(() -> Sampler.probabilities(ok, -0.5, 0, 1))
                .hasMessageContaining("temperature").hasMessageContaining("-0.5");
        assertThatThrownBy(() -> Sampler.probabilities(ok, Double.NaN, 0, 1)).hasMessageContaining("temperature");
        assertThatThrownBy(() -> Sampler.probabilities(ok, 1, -1, 1)).hasMessageContaining("topK");
        assertThatThrownBy(() -> Sampler.probabilities(ok, 1, 0, 0)).hasMessageContaining("topP");
        assertThatThrownBy(() -> Sampler.probabilities(ok, 1, 0, 1.5)).hasMessageContaining("topP");
        assertThatThrownBy(() -> Sampler.sample(ok, 1, 0, 1, 1.0)).hasMessageContaining("u must be");
        assertThatThrownBy(() -> Sampler.sample(ok, 1, 0, 1, -0.1)).hasMessageContaining("u must be");
        assertThatThrownBy(() -> Sampler.sample(ok, 1, 0, 1, 0.5, 0)).hasMessageContaining("candidateCount");
    }

    @Test
    void samplingIsPureAndDeterministic() {
        float[] logits = {0.1f, 2f, 1.5f, -1f, 0.7f};
        Rng a = new Rng(99);
        Rng b = new Rng(99);
        for (int i = 0; i < 200; i++) {
            assertThat(Sampler.sample(logits, 0.9, 4, 0.95, a.nextDouble()))
                    .isEqualTo(Sampler.sample(logits, 0.9, 4, 0.95, b.nextDouble()));
        }
    }

    /**
     * The reported candidates are the first of every id sorted by probability descending, then logit descending, then
     * id ascending: checked against that full sort on logits with many ties (few distinct values), at several
     * temperatures and filters, including fewer tokens than candidates asked for.
     */
    @Test
    void candidatesAreTheHeadOfTheFullRanking() {
        java.util.Random random = new java.util.Random(7);
        for (int trial = 0; trial < 200; trial++) {
            int vocab = 1 + random.nextInt(60);
            float[] logits = new float[vocab];
            for (int i = 0; i < vocab; i++) {
                logits[i] = random.nextInt(6) * 0.5f - 1f; // ties everywhere
            }
            double temperature = new double[] {0, 0.3, 1, 2}[trial % 4];
            int topK = trial % 3 == 0 ? 0 : 1 + random.nextInt(5);
            double topP = trial % 5 == 0 ? 0.6 : 1.0;
            int count = 1 + random.nextInt(12);
            TokenDistribution d = Sampler.distribution(logits, temperature, topK, topP);
            List<Integer> ranking = new java.util.ArrayList<>(java.util.stream.IntStream.range(0, vocab).boxed().toList());
            ranking.sort(java.util.Comparator.<Integer>comparingDouble(id -> -d.probability(id))
                    .thenComparingDouble(id -> -logits[id]).thenComparingInt(id -> id));
            List<Candidate> expected = ranking.subList(0, Math.min(count, vocab)).stream()
                    .map(id -> new Candidate(id, logits[id], d.probability(id), d.isKept(id))).toList();
            assertThat(Sampler.sample(logits, temperature, topK, topP, 0.5, count).candidates())
                    .as("trial %d", trial).isEqualTo(expected);
        }
    }
}
