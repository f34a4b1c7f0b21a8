package io.github.gpt2explainer.sampling;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Next-token selection from a full vector of logits: a pure function of (logits, temperature, top-k,
 * top-p, one uniform draw). All arithmetic is in double.
 *
 * <p>Order of operations, as in Hugging Face {@code generate} (TemperatureLogitsWarper, then
 * TopKLogitsWarper, then TopPLogitsWarper):
 * <ol>
 *   <li><b>Temperature.</b> {@code T == 0} means greedy: the argmax, lowest id on ties, with
 *       probability 1; top-k and top-p are then irrelevant. For {@code T > 0} the weights are
 *       {@code exp((logit - maxLogit) / T)}, i.e. softmax(logits / T) with the maximum subtracted
 *       (computed on the differences so a tiny T cannot overflow).</li>
 *   <li><b>Top-k</b> ({@code topK == 0} = off). Keeps every token whose logit is {@code >=} the k-th
 *       largest logit, so tokens tied with the k-th are all kept and more than k tokens can survive
 *       (HF: {@code scores < topk(scores, k).values[-1]} are removed). {@code topK >= V} keeps all.</li>
 *   <li><b>Top-p</b> ({@code topP == 1.0} = off). Over the tokens top-k kept, renormalised: sort
 *       ascending by logit, breaking ties by <em>higher id first</em>; accumulate probabilities; remove
 *       each token whose cumulative probability is {@code <= 1 - topP}; the most likely token is
 *       always kept (HF's rule; HF's sort order among ties is unspecified, ours makes lower ids survive a
 *       cut that falls inside a tie).</li>
 *   <li><b>Draw.</b> Inverse CDF over the kept tokens in id order against {@code u * total weight}
 *       (see {@link TokenDistribution#draw}).</li>
 * </ol>
 * Differences from HF worth knowing: HF works in float32 on the scaled scores; this class uses double
 * and compares raw logits (dividing by T &gt; 0 keeps their order), so results agree except in cases
 * decided by float32 rounding.
 */
public final class Sampler {

    /** How many candidates {@link #sample(float[], double, int, double, double)} reports. */
    public static final int DEFAULT_CANDIDATES = 10;

    private Sampler() {
    }

    /**
     * The final distribution after temperature, top-k and top-p.
     *
     * @param logits      [V] raw logits for the next token, all finite
     * @param temperature {@code >= 0}; 0 = greedy
     * @param topK        {@code >= 0}; 0 = off
     * @param topP        in (0, 1]; 1.0 = off
     * @throws IllegalArgumentException naming the bad argument (and the token id for a bad logit)
     */
    public static TokenDistribution distribution(float[] logits, double temperature, int topK, double topP) {
        validate(logits, temperature, topK, topP);
        int vocab = logits.length;
        int argmax = argmax(logits);
        boolean[] kept = new boolean[vocab];
        double[] weights = new double[vocab];
        if (temperature == 0) {
            kept[argmax] = true;
            weights[argmax] = 1.0;
            return new TokenDistribution(weights, kept);
        }

        // top-k off: every logit is finite, so every token is kept
        float lowestKept = topK > 0 && topK < vocab ? kthLargest(logits, topK) : Float.NEGATIVE_INFINITY;
        double max = logits[argmax];
        for (int id = 0; id < vocab; id++) {
            kept[id] = logits[id] >= lowestKept;
            weights[id] = kept[id] ? Math.exp((logits[id] - max) / temperature) : 0.0;
        }

        if (topP < 1.0) {
            applyTopP(logits, weights, kept, topP);
        }
        return new TokenDistribution(weights, kept);
    }

    /** Probabilities of every token id under {@link #distribution}. */
    public static double[] probabilities(float[] logits, double temperature, int topK, double topP) {
        return distribution(logits, temperature, topK, topP).probabilities();
    }

    /** {@link #sample(float[], double, int, double, double, int)} with {@link #DEFAULT_CANDIDATES}. */
    public static SampleResult sample(float[] logits, double temperature, int topK, double topP, double u) {
        return sample(logits, temperature, topK, topP, u, DEFAULT_CANDIDATES);
    }

    /**
     * Chooses the next token.
     *
     * @param u              a uniform draw in [0, 1), e.g. {@link Rng#nextDouble()}
     * @param candidateCount how many top candidates to report ({@code >= 1}; capped at V)
     */
    public static SampleResult sample(float[] logits, double temperature, int topK, double topP, double u,
                                      int candidateCount) {
        requireUniform(u);
        if (candidateCount < 1) {
            throw new IllegalArgumentException("candidateCount must be >= 1, got " + candidateCount);
        }
        TokenDistribution distribution = distribution(logits, temperature, topK, topP);
        int chosen = distribution.draw(u);
        return new SampleResult(chosen, distribution.probability(chosen), u,
                topCandidates(logits, distribution, Math.min(candidateCount, logits.length)));
    }

    // ---- steps -------------------------------------------------------------------------------------

    /** Lowest id among the maximal logits. */
    static int argmax(float[] logits) {
        int best = 0;
        for (int id = 1; id < logits.length; id++) {
            if (logits[id] > logits[best]) {
                best = id;
            }
        }
        return best;
    }

    /**
     * The k-th largest logit, 0 < k < V: a min-heap of the k largest seen so far (its root the smallest of them),
     * O(V log k) with no copy of the V logits to sort. Equal logits count separately, as in a sorted copy.
     */
    static float kthLargest(float[] logits, int k) {
        float[] heap = Arrays.copyOf(logits, k);
        for (int i = k / 2 - 1; i >= 0; i--) {
            siftDown(heap, i);
        }
        for (int id = k; id < logits.length; id++) {
            if (logits[id] > heap[0]) {
                heap[0] = logits[id];
                siftDown(heap, 0);
            }
        }
        return heap[0];
    }

    private static void siftDown(float[] heap, int i) {
        int n = heap.length;
        while (true) {
            int smallest = i;
            int left = 2 * i + 1;
            int right = left + 1;
            if (left < n && heap[left] < heap[smallest]) {
                smallest = left;
            }
            if (right < n && heap[right] < heap[smallest]) {
                smallest = right;
            }
            if (smallest == i) {
                return;
            }
            float swap = heap[i];
            heap[i] = heap[smallest];
            heap[smallest] = swap;
            i = smallest;
        }
    }

    private static void applyTopP(float[] logits, double[] weights, boolean[] kept, double topP) {
        long[] order = new long[logits.length];
        int n = 0;
        double keptTotal = 0;
        for (int id = 0; id < logits.length; id++) {
            if (kept[id]) {
                order[n++] = ascendingKey(logits[id], id);
                keptTotal += weights[id];
            }
        }
        Arrays.sort(order, 0, n); // primitive keys: a boxed comparator over V ids cost a build about a second
        double removeAtOrBelow = 1.0 - topP;
        double cumulative = 0;
        for (int i = 0; i < n - 1; i++) { // the last (most likely) token always stays
            int id = idOf(order[i]);
            cumulative += weights[id] / keptTotal;
            if (cumulative > removeAtOrBelow) {
                break; // cumulative only grows from here, so every later token is kept
            }
            kept[id] = false;
            weights[id] = 0.0;
        }
    }

    /**
     * A key whose signed order is: ascending by logit (in {@link Float#compare}'s order), then, among equal logits,
     * the higher id first, i.e. removed first. High half: the float's bits made order-preserving as an int; low
     * half: {@code Integer.MAX_VALUE - id}, which is non-negative, so the low half never carries into the sign.
     */
    static long ascendingKey(float logit, int id) {
        int bits = Float.floatToIntBits(logit);
        int ordered = bits ^ ((bits >> 31) & 0x7FFFFFFF);
        return ((long) ordered << 32) | (Integer.MAX_VALUE - id);
    }

    private static int idOf(long key) {
        return Integer.MAX_VALUE - (int) (key & 0xFFFFFFFFL);
    }

    /**
     * The {@code count} best tokens by probability descending, then logit descending, then id ascending. Insertion
     * into a small sorted array over primitive values: O(V * count) with count ~ 10, cheaper than sorting V ids, and
     * with no boxing (it runs for every temperature at every step: a boxed comparator cost a live page ~0.2 s).
     */
    private static List<Candidate> topCandidates(float[] logits, TokenDistribution distribution, int count) {
        // [V] unnormalised weights: dividing by the positive total never reverses their order, and where it makes two
        // probabilities equal, their logits (from which the weights grew) already rank them as the weights do
        double[] weight = distribution.weightsView();
        int[] best = new int[count];
        int size = 0;
        for (int id = 0; id < logits.length; id++) {
            if (size == count && !ranksBefore(id, best[count - 1], weight, logits)) {
                continue;
            }
            int at = size == count ? count - 1 : size; // when full, the last one drops out
            while (at > 0 && ranksBefore(id, best[at - 1], weight, logits)) {
                best[at] = best[at - 1];
                at--;
            }
            best[at] = id;
            size = Math.min(size + 1, count);
        }
        List<Candidate> candidates = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            int id = best[i];
            candidates.add(new Candidate(id, logits[id], distribution.probability(id), distribution.isKept(id)));
        }
        return candidates;
    }

    /** Whether token {@code a} ranks strictly before {@code b}: higher weight (probability), then higher logit, then lower id. */
    private static boolean ranksBefore(int a, int b, double[] weight, float[] logits) {
        int byWeight = Double.compare(-weight[a], -weight[b]);
        if (byWeight != 0) {
            return byWeight < 0;
        }
        int byLogit = Double.compare(-(double) logits[a], -(double) logits[b]);
        return byLogit != 0 ? byLogit < 0 : a < b;
    }

    // ---- validation --------------------------------------------------------------------------------

    private static void validate(float[] logits, double temperature, int topK, double topP) {
        if (logits == null || logits.length == 0) {
            throw new IllegalArgumentException("logits must hold at least one token");
        }
        for (int id = 0; id < logits.length; id++) {
            if (!Float.isFinite(logits[id])) {
                throw new IllegalArgumentException("logit for token " + id + " is " + logits[id]
                        + "; logits must be finite");
            }
        }
        if (!(temperature >= 0) || !Double.isFinite(temperature)) {
            throw new IllegalArgumentException(
                    "temperature must be a finite number >= 0 (0 = greedy), got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be >= 0 (0 = off), got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1] (1.0 = off), got " + topP);
        }
    }

    static void requireUniform(double u) {
        if (!(u >= 0 && u < 1)) {
            throw new IllegalArgumentException("u must be a uniform draw in [0, 1), got " + u);
        }
    }
}
