package io.github.gpt2explainer.insight;

import io.github.gpt2explainer.forward.CaptureSpec;
import io.github.gpt2explainer.forward.Gpt2Model;
import io.github.gpt2explainer.forward.KvCache;
import io.github.gpt2explainer.forward.StepResult;
import io.github.gpt2explainer.model.Gpt2Config;
import io.github.gpt2explainer.model.SafetensorsWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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

    /** Bounds a batch's largest native intermediate (attention [N, H, T-i, T] or MLP [N*(T-i), 4E]): 2^25 floats, 128 MB. */
    private static final long FLOATS_PER_BATCH = 1L << 25;

    public InputAttribution {
        occlusion = occlusion.clone();
    }

    /**
     * Runs the prompt and its occluded copies through {@code model} (no capture; batched, each copy from its
     * occluded position on, after the prompt's cached prefix) and measures {@code target}'s log-probability at the last position of each.
     */
    public static InputAttribution of(Gpt2Model model, long[] ids, long target, long neutral) {
        return of(model, ids, target, neutral, null, FLOATS_PER_BATCH);
    }

    /**
     * As {@link #of(Gpt2Model, long[], long, long)}, with the prompt's own last-position logits [V] already at hand
     * (a build's captured prefill made them): the baseline is read from them instead of running the prompt again.
     */
    public static InputAttribution of(Gpt2Model model, long[] ids, long target, long neutral, float[] promptLastLogits) {
        return of(model, ids, target, neutral, promptLastLogits, FLOATS_PER_BATCH);
    }

    /** As {@link #of(Gpt2Model, long[], long, long)}, with the batch bound in floats (tests use a small one). */
    static InputAttribution of(Gpt2Model model, long[] ids, long target, long neutral, long floatsPerBatch) {
        return of(model, ids, target, neutral, null, floatsPerBatch);
    }

    private static InputAttribution of(Gpt2Model model, long[] ids, long target, long neutral, float[] promptLastLogits,
                                       long floatsPerBatch) {
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
        // The copy occluded at position i equals the prompt before i: positions 0 .. i-1 come from one cache
        // of the prompt that advances along it, and only positions i .. T-1 of each copy are computed
        // (about T^2/2 token positions in all instead of T^2). A chunk holds the copies occluded at
        // i .. i+n-1, all continuing the cache of 0 .. i-1 with the same T-i positions.
        try (KvCache prompt = model.newCache()) {
            int i = 0;
            while (i < t) {
                if (ids[i] == neutral) { // replacing it changes nothing: 0 exactly, not run
                    i++;
                    continue;
                }
                advance(model, prompt, ids, i);
                long perCopy = (long) (t - i) * Math.max((long) config.heads() * t, 4L * config.width());
                int n = (int) Math.max(1, Math.min(t - i, floatsPerBatch / perCopy));
                occludeChunk(model, prompt, ids, i, n, target, neutral, occluded);
                i += n;
            }
            double baseline; // the prompt itself: given, or its cache holds fewer than T positions and the rest ends it
            if (promptLastLogits != null) {
                if (promptLastLogits.length != config.vocabSize()) {
                    throw new IllegalArgumentException("the prompt's last logits have " + promptLastLogits.length
                            + " values, the vocabulary " + config.vocabSize());
                }
                baseline = logProbability(promptLastLogits, (int) target);
            } else {
                try (StepResult rest = model.prefill(prompt, Arrays.copyOfRange(ids, prompt.length(), t), CaptureSpec.none())) {
                    baseline = logProbability(rest.lastLogits(), (int) target);
                }
            }
            double[] occlusion = new double[t];
            for (int p = 0; p < t; p++) {
                occlusion[p] = ids[p] == neutral ? 0 : baseline - occluded[p];
            }
            return new InputAttribution(target, neutral, baseline, occlusion);
        }
    }

    /**
     * Runs the copies occluded at {@code from .. from+n-1} (skipping positions that hold the neutral token)
     * as one batch continuing {@code prompt}, which holds positions 0 .. from-1; stores each copy's
     * log p(target) in {@code logProbs} at its occluded position.
     */
    private static void occludeChunk(Gpt2Model model, KvCache prompt, long[] ids, int from, int n, long target,
                                     long neutral, double[] logProbs) {
        List<long[]> suffixes = new ArrayList<>(n);   // each [T - from]: positions from .. T-1
        List<Integer> positions = new ArrayList<>(n);
        for (int p = from; p < from + n; p++) {
            if (ids[p] != neutral) {
                long[] suffix = Arrays.copyOfRange(ids, from, ids.length);
                suffix[p - from] = neutral;
                suffixes.add(suffix);
                positions.add(p);
            }
        }
        try (KvCache copies = prompt.repeat(suffixes.size())) {
            List<StepResult> results = model.step(copies, suffixes.toArray(new long[0][]), CaptureSpec.none());
            for (int r = 0; r < results.size(); r++) {
                try (StepResult result = results.get(r)) {
                    logProbs[positions.get(r)] = logProbability(result.lastLogits(), (int) target);
                }
            }
        }
    }

    /** Advances {@code prompt}'s cache with the prompt's tokens up to position {@code to} (exclusive). */
    private static void advance(Gpt2Model model, KvCache prompt, long[] ids, int to) {
        int from = prompt.length();
        if (from < to) {
            model.prefill(prompt, Arrays.copyOfRange(ids, from, to), CaptureSpec.none()).close();
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
