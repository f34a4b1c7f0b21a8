package io.github.gpt2explainer.insight;

import io.github.gpt2explainer.trace.LogitLens;

/**
 * The numbers a prompt page's captions state, each computed from the prompt's data.
 *
 * @param predicted           the temperature-0 choice: the highest last-position logit, lowest id on ties
 * @param probability         its softmax probability at temperature 1 over the whole vocabulary
 * @param runnerUp            the second highest logit's token (lowest id on ties)
 * @param runnerUpProbability its probability
 * @param lensEntryLayer      the first block after which the logit lens's top tokens at the last position
 *                            contain {@code predicted}, or -1 when no lens was given or it never does
 * @param push                the attribution part that pushes most toward {@code predicted}
 * @param pushValue           its contribution to the logit ({@link DirectLogitAttribution})
 * @param focus               the strongest attention from a token to an earlier token other than the
 *                            first, over every layer and head, or {@code null} when the prompt has fewer
 *                            than three tokens
 */
public record CaptionFacts(long predicted, double probability, long runnerUp, double runnerUpProbability,
                           int lensEntryLayer, Part push, double pushValue, Focus focus) {

    /** A part of the model in the attribution. {@code layer} is -1 for the embedding and the final bias. */
    public record Part(Kind kind, int layer) {
        public enum Kind { EMBEDDING, ATTENTION, MLP, FINAL_NORM_BIAS }
    }

    /** Head {@code layer.head} gives {@code weight} of position {@code query}'s attention to position {@code key}. */
    public record Focus(int layer, int head, int query, int key, double weight) {
    }

    /**
     * The facts of one prompt's pass.
     *
     * @param lastLogits the last position's logits [V]
     * @param lens       the logit lens of the pass, or {@code null}
     * @param dla        the attribution of {@code argmax(lastLogits)}
     * @param heads      heads per layer
     * @param positions  the prompt's tokens T
     * @param attention  the softmax weights of the pass
     */
    public static CaptionFacts of(float[] lastLogits, LogitLens lens, DirectLogitAttribution dla, int heads,
                                  int positions, HeadRoles.Attention attention) {
        int first = DirectLogitAttribution.argmax(lastLogits, 0, lastLogits.length);
        if (dla.target() != first) {
            throw new IllegalArgumentException("the attribution is of token " + dla.target()
                    + ", the prediction is " + first);
        }
        int second = -1;
        double max = lastLogits[first];
        double sum = 0;
        for (int i = 0; i < lastLogits.length; i++) {
            sum += Math.exp(lastLogits[i] - max);
            if (i != first && (second < 0 || lastLogits[i] > lastLogits[second])) {
                second = i;
            }
        }
        double p1 = 1 / sum;
        double p2 = Math.exp(lastLogits[second] - max) / sum;
        Part push = strongestPush(dla);
        return new CaptionFacts(first, p1, second, p2, lensEntry(lens, first), push, pushValue(dla, push),
                strongestFocus(dla.layers(), heads, positions, attention));
    }

    private static int lensEntry(LogitLens lens, long token) {
        if (lens == null) {
            return -1;
        }
        int last = lens.positions() - 1;
        for (int l = 0; l < lens.layers(); l++) {
            for (int id : lens.ids()[l][last]) {
                if (id == token) {
                    return l;
                }
            }
        }
        return -1;
    }

    /** The part with the largest contribution: the embedding, a layer's attention or MLP, or the final bias (first wins ties). */
    private static Part strongestPush(DirectLogitAttribution dla) {
        Part best = new Part(Part.Kind.EMBEDDING, -1);
        double value = dla.embed();
        for (int l = 0; l < dla.layers(); l++) {
            if (dla.attn()[l] > value) {
                best = new Part(Part.Kind.ATTENTION, l);
                value = dla.attn()[l];
            }
            if (dla.mlp()[l] > value) {
                best = new Part(Part.Kind.MLP, l);
                value = dla.mlp()[l];
            }
        }
        if (dla.lnFBias() > value) {
            best = new Part(Part.Kind.FINAL_NORM_BIAS, -1);
        }
        return best;
    }

    private static double pushValue(DirectLogitAttribution dla, Part part) {
        return switch (part.kind()) {
            case EMBEDDING -> dla.embed();
            case ATTENTION -> dla.attn()[part.layer()];
            case MLP -> dla.mlp()[part.layer()];
            case FINAL_NORM_BIAS -> dla.lnFBias();
        };
    }

    /** Over queries q and keys 1 <= k < q (not the first token, which many heads use as a sink, nor itself). */
    private static Focus strongestFocus(int layers, int heads, int positions, HeadRoles.Attention attention) {
        Focus best = null;
        for (int l = 0; l < layers; l++) {
            for (int h = 0; h < heads; h++) {
                for (int q = 2; q < positions; q++) {
                    for (int k = 1; k < q; k++) {
                        double w = attention.weight(l, h, q, k);
                        if (best == null || w > best.weight()) {
                            best = new Focus(l, h, q, k, w);
                        }
                    }
                }
            }
        }
        return best;
    }
}
