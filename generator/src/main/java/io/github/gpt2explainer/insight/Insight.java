package io.github.gpt2explainer.insight;

import io.github.gpt2explainer.forward.CapturedPass;
import io.github.gpt2explainer.forward.Gpt2Model;
import io.github.gpt2explainer.model.Checkpoint;
import io.github.gpt2explainer.sampling.TopTokens;
import io.github.gpt2explainer.timing.PhaseTimes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a prompt's run says about who decided its prediction, made with the run and stored with it: the direct
 * logit attribution of the {@link #CANDIDATES} highest logits at the last prompt position (the first is the
 * temperature-0 choice), and the input attribution by occlusion of that first candidate (docs/insight.md).
 *
 * <p>Every value is rounded to float32, as the trace store keeps it, so a run rendered straight from the model
 * and one read back from the store give the same site.
 *
 * @param candidates  one attribution per candidate, by logit descending (lowest id first on ties)
 * @param attribution the occlusion of {@code candidates[0]}, or {@code null} when it was not computed (turned
 *                    off, or the prompt is longer than {@code attribution_max_tokens})
 */
public record Insight(List<DirectLogitAttribution> candidates, InputAttribution attribution) {

    /** How many of the last position's highest logits are attributed. */
    public static final int CANDIDATES = 5;

    public Insight {
        candidates = List.copyOf(candidates);
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("an insight attributes at least one candidate");
        }
        if (attribution != null && attribution.target() != candidates.get(0).target()) {
            throw new IllegalArgumentException("the input attribution is of token " + attribution.target()
                    + ", the first candidate is " + candidates.get(0).target());
        }
    }

    /**
     * Computes the insight of a prompt's captured pass.
     *
     * @param model       the model that made {@code prefill} (occlusion runs it again, without capture)
     * @param checkpoint  its weights (the attribution reads the final layer norm, {@code c_proj} and the head)
     * @param prefill     the full capture of the pass over the prompt, from position 0
     * @param lastLogits  [V] the logits of the prompt's last position
     * @param neutral     the occlusion's replacement token ({@code <|endoftext|>})
     * @param attribution whether to compute the occlusion (about 5T²/8 token positions of forward work)
     */
    public static Insight of(Gpt2Model model, Checkpoint checkpoint, CapturedPass prefill, float[] lastLogits,
                             long neutral, boolean attribution) {
        List<DirectLogitAttribution> candidates = new ArrayList<>();
        try (PhaseTimes.Span span = PhaseTimes.phase("prompt: direct logit attribution")) {
            long[] targets = java.util.Arrays.stream(TopTokens.of(lastLogits, CANDIDATES)).asLongStream().toArray();
            for (DirectLogitAttribution dla : DirectLogitAttribution.of(checkpoint, prefill, targets)) {
                candidates.add(narrowed(dla));
            }
        }
        InputAttribution occlusion = null;
        if (attribution && neutral < model.config().vocabSize()) {
            InputAttribution computed;
            try (PhaseTimes.Span span = PhaseTimes.phase("prompt: input attribution (occlusion)")) {
                computed = InputAttribution.of(model, prefill, candidates.get(0).target(), neutral, lastLogits);
            }
            occlusion = new InputAttribution(computed.target(), computed.neutral(), narrow(computed.baseline()),
                    narrow(computed.occlusion()));
        }
        return new Insight(candidates, occlusion);
    }

    /** The temperature-0 choice's attribution. */
    public DirectLogitAttribution predicted() {
        return candidates.get(0);
    }

    /** Values equal (arrays compared by content, unlike the records' own equals). */
    private boolean sameValues(Insight other) {
        if (other == null || other.candidates.size() != candidates.size()
                || (attribution == null) != (other.attribution == null)) {
            return false;
        }
        for (int i = 0; i < candidates.size(); i++) {
            if (!same(candidates.get(i), other.candidates.get(i))) {
                return false;
            }
        }
        return attribution == null || (attribution.target() == other.attribution.target()
                && attribution.neutral() == other.attribution.neutral()
                && attribution.baseline() == other.attribution.baseline()
                && java.util.Arrays.equals(attribution.occlusion(), other.attribution.occlusion()));
    }

    private static boolean same(DirectLogitAttribution a, DirectLogitAttribution b) {
        return a.target() == b.target() && a.embed() == b.embed() && a.lnFBias() == b.lnFBias()
                && a.sigma() == b.sigma() && java.util.Arrays.equals(a.attn(), b.attn())
                && java.util.Arrays.equals(a.attnBias(), b.attnBias()) && java.util.Arrays.equals(a.mlp(), b.mlp())
                && java.util.Arrays.deepEquals(a.attnHeads(), b.attnHeads());
    }

    /** {@code dla} with every value rounded to float32. */
    static DirectLogitAttribution narrowed(DirectLogitAttribution dla) {
        double[][] heads = new double[dla.attnHeads().length][];
        for (int l = 0; l < heads.length; l++) {
            heads[l] = narrow(dla.attnHeads()[l]);
        }
        return new DirectLogitAttribution(dla.target(), narrow(dla.embed()), narrow(dla.attn()), heads,
                narrow(dla.attnBias()), narrow(dla.mlp()), narrow(dla.lnFBias()), narrow(dla.sigma()));
    }

    private static double narrow(double value) {
        return (float) value;
    }

    private static double[] narrow(double[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Insight other && sameValues(other);
    }

    @Override
    public int hashCode() {
        return Objects.hash(candidates.size(), predicted().target());
    }
}
