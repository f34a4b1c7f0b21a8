package io.github.gpt2explainer.insight;

import io.github.gpt2explainer.forward.CaptureSpec;
import io.github.gpt2explainer.forward.Gpt2Model;
import io.github.gpt2explainer.forward.KvCache;
import io.github.gpt2explainer.forward.StepResult;
import io.github.gpt2explainer.model.Gpt2Config;
import io.github.gpt2explainer.model.SafetensorsWriter;
import java.util.ArrayList;
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

    /** Bounds a batch's largest native intermediate (attention [N, H, T, T] or MLP [N*T, 4E]): 2^25 floats, 128 MB. */
    private static final long FLOATS_PER_BATCH = 1L << 25;

    public InputAttribution {
        occlusion = occlusion.clone();
    }

    /**
     * Runs the prompt and its occluded copies through {@code model} (no capture; batched, a few sequences
     * per forward pass) and measures {@code target}'s log-probability at the last position of each.
     */
    public static InputAttribution of(Gpt2Model model, long[] ids, long target, long neutral) {
        return of(model, ids, target, neutral, FLOATS_PER_BATCH);
    }

    /** As {@link #of(Gpt2Model, long[], long, long)}, with the batch bound in floats (tests use a small one). */
    static InputAttribution of(Gpt2Model model, long[] ids, long target, long neutral, long floatsPerBatch) {
        Gpt2Config config = model.config();
        if (ids.length == 0) {
            throw new IllegalArgumentException("input attribution needs at least one token");
        }
        if (target < 0 || target >= config.vocabSize() || neutral < 0 || neutral >= config.vocabSize()) {
            throw new IllegalArgumentException("target " + target + " and neutral token " + neutral
                    + " must be ids below the vocabulary size " + config.vocabSize());
        }
        int t = ids.length;
        List<long[]> sequences = new ArrayList<>(t + 1);  // the prompt, then one occluded copy per position run
        List<Integer> positions = new ArrayList<>(t + 1); // the occluded position of each sequence, -1 for the prompt
        sequences.add(ids.clone());
        positions.add(-1);
        for (int i = 0; i < t; i++) {
            if (ids[i] != neutral) {
                long[] occluded = ids.clone();
                occluded[i] = neutral;
                sequences.add(occluded);
                positions.add(i);
            }
        }
        double[] logProbs = logProbabilities(model, sequences, target, floatsPerBatch);
        double baseline = logProbs[0];
        double[] occlusion = new double[t];
        for (int s = 1; s < sequences.size(); s++) {
            occlusion[positions.get(s)] = baseline - logProbs[s];
        }
        return new InputAttribution(target, neutral, baseline, occlusion);
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

    /** log p(target) at the last position of each sequence (all of one length), a few sequences per pass. */
    private static double[] logProbabilities(Gpt2Model model, List<long[]> sequences, long target,
                                             long floatsPerBatch) {
        Gpt2Config config = model.config();
        int t = sequences.get(0).length;
        long perSequence = (long) t * Math.max((long) config.heads() * t, 4L * config.width());
        int batch = (int) Math.max(1, Math.min(sequences.size(), floatsPerBatch / perSequence));
        double[] out = new double[sequences.size()];
        for (int from = 0; from < sequences.size(); from += batch) {
            int n = Math.min(batch, sequences.size() - from);
            long[][] ids = sequences.subList(from, from + n).toArray(new long[0][]);
            try (KvCache empty = model.newCache(); KvCache cache = empty.repeat(n)) {
                List<StepResult> results = model.step(cache, ids, CaptureSpec.none());
                for (int r = 0; r < n; r++) {
                    try (StepResult result = results.get(r)) {
                        out[from + r] = logProbability(result.lastLogits(), (int) target);
                    }
                }
            }
        }
        return out;
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
