package io.github.gpt2explainer.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The sampler's fast paths (a heap for top-k's threshold, primitive sort keys for top-p, a scan for the draw,
 * ranking candidates by weight) against the rules written the plain way (sorted copies, a boxed comparator, a
 * stored running sum, probabilities), over a GPT-2-sized vocabulary: the same bits, token and candidates for every
 * setting. Logits rounded to a coarse grid make many ties, where the rules' tie-breaking decides.
 */
class SamplerEquivalenceTest {

    private static final int VOCAB = 50257;

    @Test
    void theFastPathsGiveTheBitsOfThePlainRules() {
        Random random = new Random(7);
        List<float[]> logitSets = new ArrayList<>();
        float[] gaussian = new float[VOCAB];
        float[] tied = new float[VOCAB];
        float[] peaked = new float[VOCAB];
        for (int id = 0; id < VOCAB; id++) {
            gaussian[id] = (float) (random.nextGaussian() * 3);
            tied[id] = Math.round(random.nextGaussian() * 4) / 2f; // about 30 distinct values, thousands of each
            peaked[id] = id % 997 == 0 ? 20f : (float) (random.nextGaussian() - 5);
        }
        tied[123] = -0.0f;
        tied[124] = 0.0f;
        logitSets.addAll(List.of(gaussian, tied, peaked));
        int compared = 0;
        for (float[] logits : logitSets) {
            for (double temperature : new double[] {0, 0.05, 0.8, 2.0}) {
                for (int topK : new int[] {0, 1, 40, 50000}) {
                    for (double topP : new double[] {1.0, 0.9, 0.3}) {
                        for (double u : new double[] {0.0, 0.37, 0.999999}) {
                            String setting = "T=" + temperature + " top-k " + topK + " top-p " + topP + " u " + u;
                            TokenDistribution fast = Sampler.distribution(logits, temperature, topK, topP);
                            Plain plain = Plain.distribution(logits, temperature, topK, topP);
                            assertSameBits(fast.probabilities(), plain.probabilities(), setting);
                            SampleResult pick = Sampler.sample(logits, temperature, topK, topP, u);
                            assertThat(pick.tokenId()).as(setting).isEqualTo(plain.draw(u));
                            assertThat(pick.candidates()).as(setting).isEqualTo(plain.candidates(logits, 10));
                            compared++;
                        }
                    }
                }
            }
        }
        assertThat(compared).isEqualTo(3 * 4 * 4 * 3 * 3);
    }

    /** Bit for bit, naming the first token that differs (a [V] array is too long for a failure message). */
    private static void assertSameBits(double[] actual, double[] expected, String setting) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int id = 0; id < expected.length; id++) {
            if (Double.doubleToLongBits(actual[id]) != Double.doubleToLongBits(expected[id])) {
                throw new AssertionError(setting + ": token " + id + " has probability " + actual[id] + ", expected "
                        + expected[id]);
            }
        }
    }

    @Test
    void theKthLargestCountsEqualLogitsSeparately() {
        float[] logits = {3f, 1f, 3f, 2f, 3f, 0f};
        assertThat(Sampler.kthLargest(logits, 1)).isEqualTo(3f);
        assertThat(Sampler.kthLargest(logits, 3)).isEqualTo(3f);
        assertThat(Sampler.kthLargest(logits, 4)).isEqualTo(2f);
        assertThat(Sampler.kthLargest(logits, 5)).isEqualTo(1f);
    }

    /** The rules as Sampler's javadoc states them, with sorted copies and a stored running sum. */
    private record Plain(double[] weights, boolean[] kept, double[] cumulative) {

        static Plain distribution(float[] logits, double temperature, int topK, double topP) {
            int vocab = logits.length;
            int argmax = 0;
            for (int id = 1; id < vocab; id++) {
                if (logits[id] > logits[argmax]) {
                    argmax = id;
                }
            }
            boolean[] kept = new boolean[vocab];
            double[] weights = new double[vocab];
            if (temperature == 0) {
                kept[argmax] = true;
                weights[argmax] = 1.0;
                return of(weights, kept);
            }
            Arrays.fill(kept, true);
            if (topK > 0 && topK < vocab) {
                float[] sorted = logits.clone();
                Arrays.sort(sorted);
                float kth = sorted[vocab - topK];
                for (int id = 0; id < vocab; id++) {
                    kept[id] = logits[id] >= kth;
                }
            }
            double max = logits[argmax];
            for (int id = 0; id < vocab; id++) {
                weights[id] = kept[id] ? Math.exp((logits[id] - max) / temperature) : 0.0;
            }
            if (topP < 1.0) {
                List<Integer> order = new ArrayList<>();
                double keptTotal = 0;
                for (int id = 0; id < vocab; id++) {
                    if (kept[id]) {
                        order.add(id);
                        keptTotal += weights[id];
                    }
                }
                order.sort(Comparator.<Integer>comparingDouble(id -> logits[id]).thenComparing(Comparator.reverseOrder()));
                double cumulative = 0;
                for (int i = 0; i < order.size() - 1; i++) {
                    int id = order.get(i);
                    cumulative += weights[id] / keptTotal;
                    if (cumulative > 1.0 - topP) {
                        break;
                    }
                    kept[id] = false;
                    weights[id] = 0.0;
                }
            }
            return of(weights, kept);
        }

        static Plain of(double[] weights, boolean[] kept) {
            double[] cumulative = new double[weights.length];
            double running = 0;
            for (int id = 0; id < weights.length; id++) {
                running += weights[id];
                cumulative[id] = running;
            }
            return new Plain(weights, kept, cumulative);
        }

        double total() {
            return cumulative[cumulative.length - 1];
        }

        double[] probabilities() {
            return Arrays.stream(weights).map(w -> w / total()).toArray();
        }

        /** Binary search for the first running sum over u * total; past the end, the last token with weight. */
        int draw(double u) {
            double target = u * total();
            if (!(cumulative[cumulative.length - 1] > target)) {
                for (int id = weights.length - 1; ; id--) {
                    if (weights[id] > 0) {
                        return id;
                    }
                }
            }
            int lo = 0;
            int hi = cumulative.length - 1;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (cumulative[mid] > target) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            return lo;
        }

        /** Every id sorted by probability descending, then logit descending, then id ascending; the first count. */
        List<Candidate> candidates(float[] logits, int count) {
            double[] p = probabilities();
            List<Integer> ids = new ArrayList<>();
            for (int id = 0; id < logits.length; id++) {
                ids.add(id);
            }
            ids.sort(Comparator.<Integer>comparingDouble(id -> -p[id]).thenComparingDouble(id -> -(double) logits[id])
                    .thenComparing(Comparator.naturalOrder()));
            return ids.subList(0, count).stream().map(id -> new Candidate(id, logits[id], p[id], kept[id])).toList();
        }
    }
}
