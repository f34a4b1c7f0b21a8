package io.github.gpt2explainer.insight;

import io.github.gpt2explainer.forward.CaptureSpec;
import io.github.gpt2explainer.forward.CapturedTensor;
import io.github.gpt2explainer.forward.ForwardTrace;
import io.github.gpt2explainer.forward.Gpt2Model;
import io.github.gpt2explainer.forward.StepResult;
import io.github.gpt2explainer.forward.TraceKind;
import io.github.gpt2explainer.model.SafetensorsWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Every head's score on every {@link HeadRole}, [L][H] per role, measured on one {@link HeadRoleProbe}.
 *
 * @param layers L
 * @param heads  H
 * @param scores role to [L][H] mean attention weights, each in [0, 1]
 */
public record HeadRoles(int layers, int heads, Map<HeadRole, double[][]> scores) {

    /** The softmax attention weight of one head from a query position to a key position. */
    @FunctionalInterface
    public interface Attention {
        double weight(int layer, int head, int query, int key);
    }

    /** One head and its score on a role. */
    public record HeadScore(int layer, int head, double score) {
        /** The usual label, {@code layer.head}, e.g. {@code 5.1}. */
        public String label() {
            return layer + "." + head;
        }
    }

    public HeadRoles {
        scores = Map.copyOf(scores);
    }

    /** Runs the probe through {@code model} and scores every head on its attention weights. */
    public static HeadRoles measure(Gpt2Model model, HeadRoleProbe probe) {
        int layers = model.config().layers();
        int heads = model.config().heads();
        try (StepResult result = model.forward(probe.ids(), CaptureSpec.of(TraceKind.ATTN_SOFTMAX))) {
            ForwardTrace trace = result.trace();
            CapturedTensor[] softmax = new CapturedTensor[layers];                  // each [H, T, T]
            for (int l = 0; l < layers; l++) {
                softmax[l] = trace.get(TraceKind.ATTN_SOFTMAX, l);
            }
            return score(layers, heads, probe.n(), (l, h, q, k) -> softmax[l].at(h, q, k));
        }
    }

    /** The scores of attention weights over a probe of copies of {@code n} tokens (T = 2n + 1), as {@link HeadRole} defines them. */
    public static HeadRoles score(int layers, int heads, int n, Attention attention) {
        int t = 2 * n + 1;
        Map<HeadRole, double[][]> scores = new EnumMap<>(HeadRole.class);
        for (HeadRole role : HeadRole.values()) {
            scores.put(role, new double[layers][heads]);
        }
        for (int l = 0; l < layers; l++) {
            for (int h = 0; h < heads; h++) {
                double previous = 0;
                double first = 0;
                for (int q = 1; q < t; q++) {
                    previous += attention.weight(l, h, q, q - 1);
                    first += attention.weight(l, h, q, 0);
                }
                double induction = 0;
                double duplicate = 0;
                for (int q = n + 1; q <= 2 * n; q++) {
                    induction += attention.weight(l, h, q, q - n + 1);
                    duplicate += attention.weight(l, h, q, q - n);
                }
                scores.get(HeadRole.PREVIOUS_TOKEN)[l][h] = previous / (t - 1);
                scores.get(HeadRole.FIRST_TOKEN)[l][h] = first / (t - 1);
                scores.get(HeadRole.INDUCTION)[l][h] = induction / n;
                scores.get(HeadRole.DUPLICATE_TOKEN)[l][h] = duplicate / n;
            }
        }
        return new HeadRoles(layers, heads, scores);
    }

    /** The score of head {@code head} of layer {@code layer} on {@code role}. */
    public double score(HeadRole role, int layer, int head) {
        return scores.get(role)[layer][head];
    }

    /** Every head, highest score on {@code role} first (ties: lower layer, then lower head first). */
    public List<HeadScore> ranked(HeadRole role) {
        List<HeadScore> all = new ArrayList<>(layers * heads);
        for (int l = 0; l < layers; l++) {
            for (int h = 0; h < heads; h++) {
                all.add(new HeadScore(l, h, score(role, l, h)));
            }
        }
        all.sort(Comparator.comparingDouble(HeadScore::score).reversed()
                .thenComparingInt(HeadScore::layer).thenComparingInt(HeadScore::head));
        return all;
    }

    /** Adds {@code heads.<role>}, [L, H] F32, for every role. */
    public void writeTo(SafetensorsWriter writer) {
        for (HeadRole role : HeadRole.values()) {
            float[] values = new float[layers * heads];
            for (int l = 0; l < layers; l++) {
                for (int h = 0; h < heads; h++) {
                    values[l * heads + h] = (float) score(role, l, h);
                }
            }
            writer.add(role.tensorName(), new long[] {layers, heads}, values);
        }
    }
}
