package io.github.gpt2explainer.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The sampler's empirical frequencies match softmax(logits / T) restricted to the kept set, by a
 * chi-square goodness-of-fit test at significance 1e-4 with fixed seeds (so the outcome is fixed too).
 */
class SamplerFrequencyTest {

    private static final int DRAWS = 200_000;
    /** Upper 1e-4 quantile of the standard normal distribution. */
    private static final double Z_1E4 = 3.7190164854556804;

    private static final float[] SMALL = {2.0f, 1.0f, 0.5f, 0.5f, -0.3f, 1.7f, -1.0f, 0.2f};

    /**
     * Wilson–Hilferty approximation of the chi-square upper quantile: (X/k)^(1/3) is nearly normal with
     * mean 1 - 2/(9k) and variance 2/(9k). Slightly conservative (too large) in the far tail.
     */
    static double chiSquareCritical(int dof, double z) {
        double v = 2.0 / (9.0 * dof);
        double cube = 1 - v + z * Math.sqrt(v);
        return dof * cube * cube * cube;
    }

    static double chiSquare(long[] observed, double[] expectedProbability, long n) {
        double stat = 0;
        for (int bin = 0; bin < observed.length; bin++) {
            double expected = expectedProbability[bin] * n;
            assertThat(expected).as("expected count in bin %d", bin).isGreaterThanOrEqualTo(5.0);
            double d = observed[bin] - expected;
            stat += d * d / expected;
        }
        return stat;
    }

    /** softmax(logits / T) over the ids in {@code kept}, zero elsewhere; written independently of Sampler. */
    static double[] restrictedSoftmax(float[] logits, double t, Set<Integer> kept) {
        double[] p = new double[logits.length];
        double sum = 0;
        for (int id : kept) {
            p[id] = Math.exp(logits[id] / t);
            sum += p[id];
        }
        for (int id = 0; id < p.length; id++) {
            p[id] /= sum;
        }
        return p;
    }

    @Test
    void wilsonHilfertyIsCloseToTabulatedQuantiles() {
        // Tabulated chi-square 0.9999 quantiles: dof 5 -> 25.745, dof 10 -> 35.564
        assertThat(chiSquareCritical(5, Z_1E4)).isCloseTo(25.745, within(25.745 * 0.03));
        assertThat(chiSquareCritical(10, Z_1E4)).isCloseTo(35.564, within(35.564 * 0.02));
        assertThat(chiSquareCritical(10, Z_1E4)).isGreaterThan(35.564); // errs on the safe side
    }

    private static void assertSmallVocabularyMatches(double t, int topK, double topP, Set<Integer> expectedKept,
                                                     long seed) {
        Rng rng = new Rng(seed);
        long[] counts = new long[SMALL.length];
        for (int i = 0; i < DRAWS; i++) {
            counts[Sampler.sample(SMALL, t, topK, topP, rng.nextDouble()).tokenId()]++;
        }
        double[] p = restrictedSoftmax(SMALL, t, expectedKept);
        for (int id = 0; id < SMALL.length; id++) {
            if (!expectedKept.contains(id)) {
                assertThat(counts[id]).as("draws of removed token %d", id).isZero();
            }
        }
        int[] kept = expectedKept.stream().mapToInt(Integer::intValue).sorted().toArray();
        long[] observed = Arrays.stream(kept).mapToLong(id -> counts[id]).toArray();
        double[] expected = Arrays.stream(kept).mapToDouble(id -> p[id]).toArray();
        double stat = chiSquare(observed, expected, DRAWS);
        assertThat(stat).as("chi-square with %d dof, counts %s", kept.length - 1, Arrays.toString(counts))
                .isLessThan(chiSquareCritical(kept.length - 1, Z_1E4));
    }

    @Test
    void plainSoftmaxAtTemperatureOne() {
        assertSmallVocabularyMatches(1.0, 0, 1.0, Set.of(0, 1, 2, 3, 4, 5, 6, 7), 1);
    }

    @Test
    void lowTemperatureWithTopK() {
        // descending 2.0 (id0), 1.7 (id5), 1.0 (id1), ... : the 3rd largest is 1.0
        assertSmallVocabularyMatches(0.7, 3, 1.0, Set.of(0, 5, 1), 2);
    }

    @Test
    void highTemperatureWithTopKEndingInATie() {
        // 4th largest is 0.5, shared by ids 2 and 3: both kept, five tokens in all
        assertSmallVocabularyMatches(1.5, 4, 1.0, Set.of(0, 5, 1, 2, 3), 3);
    }

    @Test
    void topPSplittingATie() {
        // T = 1 weights: e^2 7.389, e^1 2.718, e^.5 1.649 (ids 2, 3), e^-.3 .741, e^1.7 5.474, e^-1 .368,
        // e^.2 1.221; total 21.209. Ascending cumulative: id6 .017, id4 .052, id7 .110, id3 .188,
        // id2 .265, ... top_p .75 removes cumulative <= .25: ids 6, 4, 7, 3.
        assertSmallVocabularyMatches(1.0, 0, 0.75, Set.of(0, 1, 2, 5), 4);
    }

    @Test
    void theTestDetectsAWrongDistribution() {
        Rng rng = new Rng(5);
        long[] counts = new long[SMALL.length];
        for (int i = 0; i < DRAWS; i++) {
            counts[Sampler.sample(SMALL, 1.0, 0, 1.0, rng.nextDouble()).tokenId()]++;
        }
        double[] wrong = restrictedSoftmax(SMALL, 1.1, Set.of(0, 1, 2, 3, 4, 5, 6, 7));
        assertThat(chiSquare(counts, wrong, DRAWS)).isGreaterThan(chiSquareCritical(7, Z_1E4));
    }

    // ---- a GPT-2-sized vocabulary --------------------------------------------------------------

    private static final int GPT2_VOCAB = 50257;
    private static final int[] STRONG_IDS = {0, 42, 123, 7777, 25000, 31415, 50000, 50256};
    private static final float[] STRONG_LOGITS = {0f, 0.5f, 3.5f, 2f, 3f, 1f, 4f, 5f};
    private static final float BACKGROUND = -15f;

    private static float[] gpt2SizedLogits() {
        float[] logits = new float[GPT2_VOCAB];
        Arrays.fill(logits, BACKGROUND);
        for (int i = 0; i < STRONG_IDS.length; i++) {
            logits[STRONG_IDS[i]] = STRONG_LOGITS[i];
        }
        return logits;
    }

    /**
     * Draws from the full vocabulary and bins the results: one bin per strong token, and the
     * background tokens split into {@code backgroundBins} equal-width id ranges.
     */
    private static void assertLargeVocabularyMatches(double t, int backgroundBins, long seed) {
        float[] logits = gpt2SizedLogits();
        Set<Integer> all = new java.util.HashSet<>();
        for (int id = 0; id < GPT2_VOCAB; id++) {
            all.add(id);
        }
        double[] p = restrictedSoftmax(logits, t, all);
        Set<Integer> strong = Arrays.stream(STRONG_IDS).boxed().collect(java.util.stream.Collectors.toSet());
        int bins = STRONG_IDS.length + backgroundBins;
        int[] binOf = new int[GPT2_VOCAB];
        double[] expected = new double[bins];
        for (int id = 0; id < GPT2_VOCAB; id++) {
            int s = Arrays.binarySearch(STRONG_IDS, id);
            binOf[id] = strong.contains(id) ? s
                    : STRONG_IDS.length + (int) ((long) id * backgroundBins / GPT2_VOCAB);
            expected[binOf[id]] += p[id];
        }

        TokenDistribution d = Sampler.distribution(logits, t, 0, 1.0);
        Rng rng = new Rng(seed);
        long[] observed = new long[bins];
        for (int i = 0; i < DRAWS; i++) {
            observed[binOf[d.draw(rng.nextDouble())]]++;
        }
        double stat = chiSquare(observed, expected, DRAWS);
        assertThat(stat).as("chi-square, observed %s", Arrays.toString(observed))
                .isLessThan(chiSquareCritical(bins - 1, Z_1E4));
        // The full sampling entry point agrees with the distribution it builds.
        Rng again = new Rng(seed);
        for (int i = 0; i < 20; i++) {
            double u = again.nextDouble();
            assertThat(Sampler.sample(logits, t, 0, 1.0, u).tokenId()).isEqualTo(d.draw(u));
        }
    }

    @Test
    void fullVocabularyWithNegligibleBackground() {
        // Background mass ~ 50249 e^-15 / 269 ~ 5.7e-5: about 11 of 200k draws, pooled in one bin.
        assertLargeVocabularyMatches(1.0, 1, 6);
    }

    @Test
    void fullVocabularyAtHighTemperatureWhereTheBackgroundMatters() {
        // At T = 2 the 50249 background tokens carry ~ 43% of the mass; ten id-range bins check it is spread.
        assertLargeVocabularyMatches(2.0, 10, 7);
    }
}
