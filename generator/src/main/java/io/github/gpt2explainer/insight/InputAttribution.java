package io.github.gpt2explainer.insight;

import io.github.gpt2explainer.forward.CaptureKind;
import io.github.gpt2explainer.forward.CaptureNames;
import io.github.gpt2explainer.forward.CaptureSpec;
import io.github.gpt2explainer.forward.CapturedPass;
import io.github.gpt2explainer.forward.Gpt2Model;
import io.github.gpt2explainer.forward.KvCache;
import io.github.gpt2explainer.forward.StepResult;
import io.github.gpt2explainer.model.Gpt2Config;
import io.github.gpt2explainer.model.SafetensorsWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Input attribution by occlusion: how much each prompt token mattered for the prediction at the last
 * position. For each position i the prompt is run again with token i replaced by a neutral token (the
 * model's {@code <|endoftext|>}, see docs/insight.md for why), everything else kept, position embeddings
 * included; the part of token i is the drop of the target's log-probability (softmax at temperature 1):
 *
 * <pre>occlusion[i] = log p(target | prompt) − log p(target | prompt with token i := neutral)</pre>
 *
 * Positive: the token supported the prediction; negative: it held it back. Position 0 is occluded like any
 * other. A position that already holds the neutral token is not run again: its occlusion is 0 exactly.
 * Occlusion measures one token's removal at a time, not interactions between tokens.
 *
 * @param target    the token whose log-probability is measured (the temperature-0 prediction in {@code trace})
 * @param neutral   the replacement token id
 * @param baseline  log p(target | prompt)
 * @param occlusion [T] the drop of that log-probability when each token is replaced
 */
public record InputAttribution(long target, long neutral, double baseline, double[] occlusion) {

    public static final String OCCLUSION = "attr.occlusion";
    public static final String SHARE = "attr.share";
    public static final String NEUTRAL = "attr.neutral";

    /** Bounds a step's largest native intermediates (attention [H, T-i, T] per copy, MLP [rows, 4E]): 2^25 floats, 128 MB. */
    private static final long FLOATS_PER_BATCH = 1L << 25;
    /** How many buckets of neighbouring positions the occluded copies go in (see {@link #of}). */
    private static final int BUCKETS = 4;
    private static final String KEYS_OF_LAYER_0 = CaptureNames.name(CaptureKind.ATTN_K, 0);

    public InputAttribution {
        occlusion = occlusion.clone();
    }

    /**
     * Runs the prompt and its occluded copies through {@code model} (no capture; batched, each copy from its
     * occluded position on, after a copy of the prompt's cached prefix) and measures {@code target}'s log-probability at the last position of each.
     */
    public static InputAttribution of(Gpt2Model model, long[] ids, long target, long neutral) {
        return of(model, ids, target, neutral, null, null, FLOATS_PER_BATCH);
    }

    /**
     * As {@link #of(Gpt2Model, long[], long, long)}, with the prompt's own last-position logits [V] already at hand
     * (a build's captured prefill made them): the baseline is read from them instead of running the prompt again.
     */
    public static InputAttribution of(Gpt2Model model, long[] ids, long target, long neutral, float[] promptLastLogits) {
        return of(model, ids, target, neutral, promptLastLogits, null, FLOATS_PER_BATCH);
    }

    /**
     * As {@link #of(Gpt2Model, long[], long, long, float[])} for the prompt of a captured pass from position 0: the
     * copies continue the keys and values the pass recorded ({@code attn.k}, {@code attn.v}; Gpt2Model.cacheOf)
     * instead of running the prompt again, when it recorded them.
     */
    public static InputAttribution of(Gpt2Model model, CapturedPass prefill, long target, long neutral,
                                      float[] promptLastLogits) {
        return of(model, prefill.tokens(), target, neutral, promptLastLogits, prefill, FLOATS_PER_BATCH);
    }

    /** As {@link #of(Gpt2Model, long[], long, long)}, with the batch bound in floats (tests use a small one). */
    static InputAttribution of(Gpt2Model model, long[] ids, long target, long neutral, long floatsPerBatch) {
        return of(model, ids, target, neutral, null, null, floatsPerBatch);
    }

    private static InputAttribution of(Gpt2Model model, long[] ids, long target, long neutral, float[] promptLastLogits,
                                       CapturedPass prefill, long floatsPerBatch) {
        Gpt2Config config = model.config();
        if (ids.length == 0) {
            throw new IllegalArgumentException("input attribution needs at least one token");
        }
        if (target < 0 || target >= config.vocabSize() || neutral < 0 || neutral >= config.vocabSize()) {
            throw new IllegalArgumentException("target " + target + " and neutral token " + neutral
                    + " must be ids below the vocabulary size " + config.vocabSize());
        }
        int t = ids.length;
        double[] occluded = new double[t]; // log p(target) with token i replaced
        boolean recorded = prefill != null && prefill.startPosition() == 0 && prefill.contains(KEYS_OF_LAYER_0);
        try (KvCache prompt = recorded ? model.cacheOf(prefill) : model.newCache()) {
            double baseline; // the prompt itself: given, or from its own pass
            if (promptLastLogits != null) {
                if (promptLastLogits.length != config.vocabSize()) {
                    throw new IllegalArgumentException("the prompt's last logits have " + promptLastLogits.length
                            + " values, the vocabulary " + config.vocabSize());
                }
                baseline = logProbability(promptLastLogits, (int) target);
                if (!recorded && t > 1) { // positions 0 .. T-2: the longest prefix a copy continues
                    model.prefill(prompt, Arrays.copyOf(ids, t - 1), CaptureSpec.none()).close();
                }
            } else {
                try (StepResult whole = model.prefill(prompt, ids, CaptureSpec.none())) {
                    baseline = logProbability(whole.lastLogits(), (int) target);
                }
            }
            for (List<int[]> step : steps(ids, neutral, config, floatsPerBatch)) {
                occlude(model, prompt, ids, step, target, neutral, occluded);
            }
            double[] occlusion = new double[t];
            for (int p = 0; p < t; p++) {
                occlusion[p] = ids[p] == neutral ? 0 : baseline - occluded[p];
            }
            return new InputAttribution(target, neutral, baseline, occlusion);
        }
    }

    /**
     * Which copies run together. The copy occluded at position i equals the prompt before i, so it need not compute
     * those positions. Copies go in {@value #BUCKETS} buckets of neighbouring positions: a bucket's copies continue
     * one cache of the prompt before its first position and compute the rest (5T^2/8 positions in all, instead of
     * T^2). A bucket per position would compute the fewest (T(T+1)/2), but each bucket runs its own attention, whose
     * fixed cost per call outweighed the rows saved at prompt lengths like 16. Buckets share a step (Gpt2Model.stepGroups)
     * while its largest native intermediates (attention [H, T-i, T] and MLP [rows, 4E] per copy) stay within
     * {@code floatsPerBatch}. A position that holds the neutral token is in no bucket.
     *
     * @return the steps, each a list of buckets, each the occluded positions of its copies in order
     */
    private static List<List<int[]>> steps(long[] ids, long neutral, Gpt2Config config, long floatsPerBatch) {
        int t = ids.length;
        long floatsPerPosition = Math.max((long) config.heads() * t, 4L * config.width());
        int bucketSize = (int) Math.max(1, Math.min((t + BUCKETS - 1) / BUCKETS, floatsPerBatch / (t * floatsPerPosition)));
        List<List<int[]>> steps = new ArrayList<>();
        List<int[]> step = new ArrayList<>();
        long stepFloats = 0;
        for (int first = 0; first < t; first += bucketSize) {
            int[] bucket = IntStream.range(first, Math.min(t, first + bucketSize))
                    .filter(i -> ids[i] != neutral) // replacing it changes nothing: 0 exactly, not run
                    .toArray();
            if (bucket.length == 0) {
                continue;
            }
            long bucketFloats = bucket.length * (t - bucket[0]) * floatsPerPosition;
            if (!step.isEmpty() && stepFloats + bucketFloats > floatsPerBatch) {
                steps.add(step);
                step = new ArrayList<>();
                stepFloats = 0;
            }
            step.add(bucket);
            stepFloats += bucketFloats;
        }
        if (!step.isEmpty()) {
            steps.add(step);
        }
        return steps;
    }

    /**
     * Runs the buckets of copies in one step: the copies occluded at the positions of a bucket continue the prompt's
     * cache before the bucket's first position ({@code prompt} holds at least positions 0 .. T-2), which they
     * share; stores each copy's log p(target) in {@code logProbs} at its occluded position.
     */
    private static void occlude(Gpt2Model model, KvCache prompt, long[] ids, List<int[]> buckets, long target,
                                long neutral, double[] logProbs) {
        List<KvCache> caches = new ArrayList<>(buckets.size());
        List<long[][]> rows = new ArrayList<>(buckets.size());
        try {
            for (int[] bucket : buckets) {
                int first = bucket[0];
                try (KvCache prefix = prompt.prefix(first, ids.length)) {
                    caches.add(prefix.repeat(bucket.length));
                }
                long[][] copies = new long[bucket.length][];
                for (int c = 0; c < bucket.length; c++) {
                    copies[c] = Arrays.copyOfRange(ids, first, ids.length); // [T - first]: positions first .. T-1
                    copies[c][bucket[c] - first] = neutral;
                }
                rows.add(copies);
            }
            List<List<float[]>> logits = model.stepGroups(caches, rows);
            for (int b = 0; b < buckets.size(); b++) {
                for (int c = 0; c < buckets.get(b).length; c++) {
                    logProbs[buckets.get(b)[c]] = logProbability(logits.get(b).get(c), (int) target);
                }
            }
        } finally {
            caches.forEach(KvCache::close);
        }
    }

    /** Each position's occlusion divided by the sum of their absolute values (all 0 when every occlusion is 0). */
    public double[] shares() {
        double total = 0;
        for (double o : occlusion) {
            total += Math.abs(o);
        }
        double[] shares = new double[occlusion.length];
        for (int i = 0; i < shares.length && total > 0; i++) {
            shares[i] = occlusion[i] / total;
        }
        return shares;
    }

    /** The occlusion of every position. */
    @Override
    public double[] occlusion() {
        return occlusion.clone();
    }

    /** Adds {@code attr.occlusion} [T] F32, {@code attr.share} [T] F32 and {@code attr.neutral} [1] I64. */
    public void writeTo(SafetensorsWriter writer) {
        writer.add(OCCLUSION, new long[] {occlusion.length}, toFloats(occlusion));
        writer.add(SHARE, new long[] {occlusion.length}, toFloats(shares()));
        writer.add(NEUTRAL, new long[] {1}, new long[] {neutral});
    }

    /** log softmax(logits)[target], in double: max-shifted log-sum-exp. */
    static double logProbability(float[] logits, int target) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : logits) {
            sum += Math.exp(v - max);
        }
        return logits[target] - max - Math.log(sum);
    }

    private static float[] toFloats(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }
}
