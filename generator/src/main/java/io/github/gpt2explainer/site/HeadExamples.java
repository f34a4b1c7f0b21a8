package io.github.gpt2explainer.site;

import io.github.gpt2explainer.forward.CaptureKind;
import io.github.gpt2explainer.forward.CapturedTensor;
import io.github.gpt2explainer.insight.HeadRole;
import io.github.gpt2explainer.trace.PromptRun;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * For every head and role, the curated prompt on which the head does that role's job most strongly, so the "meet
 * the heads" page can link each top head to its attention view there. Gathered from every prompt's stored
 * attention weights ({@code attn.softmax}, [H, T, T] per layer) while the site is rendered, one run at a time.
 *
 * <p>The strength of head (l, h) on a prompt of T tokens, a(q, k) its softmax weight from query q to key k:
 * <ul>
 *   <li>previous-token: mean of a(q, q − 1) over q = 1 .. T − 1;</li>
 *   <li>first-token: mean of a(q, 0) over q = 1 .. T − 1;</li>
 *   <li>duplicate-token: over the queries whose token occurs earlier in the prompt, the mean of the weight on
 *       those earlier occurrences;</li>
 *   <li>induction: over the queries whose token occurs earlier at some j with j + 1 &lt; q, the mean of the weight
 *       on the tokens that followed those occurrences (j + 1).</li>
 * </ul>
 * A prompt without such queries (no repeated token) has no strength for the last two. Ties go to the earlier
 * prompt of the set.
 */
final class HeadExamples {

    /** The prompt where a head acts most strongly in a role, and how strongly. */
    record Example(String promptId, double strength) {
    }

    private final int layers;
    private final int heads;
    private final Map<HeadRole, Example[][]> best = new EnumMap<>(HeadRole.class);

    HeadExamples(int layers, int heads) {
        this.layers = layers;
        this.heads = heads;
        for (HeadRole role : HeadRole.values()) {
            best.put(role, new Example[layers][heads]);
        }
    }

    /** Measures every head of {@code run} and keeps it where it beats the prompts seen before. */
    void add(PromptRun run) {
        Repeats repeats = Repeats.of(run.prefill().tokens());
        for (int l = 0; l < layers; l++) {
            CapturedTensor softmax = run.prefill().get(CaptureKind.ATTN_SOFTMAX, l); // [H, T, T]
            for (int h = 0; h < heads; h++) {
                int head = h;
                Map<HeadRole, Double> strengths = strengths(repeats, (q, k) -> softmax.at(head, q, k));
                for (Map.Entry<HeadRole, Double> e : strengths.entrySet()) {
                    Example[][] table = best.get(e.getKey());
                    Example current = table[l][h];
                    if (current == null || e.getValue() > current.strength()) {
                        table[l][h] = new Example(run.promptId(), e.getValue());
                    }
                }
            }
        }
    }

    /** The prompt where head {@code layer}.{@code head} is strongest in {@code role}; null if no prompt qualifies. */
    Example best(HeadRole role, int layer, int head) {
        return best.get(role)[layer][head];
    }

    /** A head's attention weight from query q to key k. */
    @FunctionalInterface
    interface Weights {
        double at(int query, int key);
    }

    /**
     * Per query position, the keys the repeat-based roles look at: the earlier occurrences of its token
     * (duplicate-token) and the distinct positions j + 1 &lt; q after them (induction). Computed once per prompt.
     */
    record Repeats(int length, int[][] duplicates, int[][] next) {
        static Repeats of(long[] tokens) {
            int t = tokens.length;
            int[][] duplicates = new int[t][];
            int[][] next = new int[t][];
            for (int q = 0; q < t; q++) {
                List<Integer> same = new ArrayList<>();
                Set<Integer> after = new TreeSet<>();
                for (int j = 0; j < q; j++) {
                    if (tokens[j] == tokens[q]) {
                        same.add(j);
                        if (j + 1 < q) {
                            after.add(j + 1);
                        }
                    }
                }
                duplicates[q] = same.stream().mapToInt(Integer::intValue).toArray();
                next[q] = after.stream().mapToInt(Integer::intValue).toArray();
            }
            return new Repeats(t, duplicates, next);
        }
    }

    /** Each role's strength of one head on a prompt (see the class comment); roles without qualifying queries are left out. */
    static Map<HeadRole, Double> strengths(long[] tokens, Weights a) {
        return strengths(Repeats.of(tokens), a);
    }

    static Map<HeadRole, Double> strengths(Repeats repeats, Weights a) {
        int t = repeats.length();
        Map<HeadRole, Double> out = new EnumMap<>(HeadRole.class);
        if (t < 2) {
            return out;
        }
        double previous = 0;
        double first = 0;
        double duplicate = 0;
        double induction = 0;
        int duplicateQueries = 0;
        int inductionQueries = 0;
        for (int q = 1; q < t; q++) {
            previous += a.at(q, q - 1);
            first += a.at(q, 0);
            if (repeats.duplicates()[q].length > 0) {
                for (int j : repeats.duplicates()[q]) {
                    duplicate += a.at(q, j);
                }
                duplicateQueries++;
            }
            if (repeats.next()[q].length > 0) {
                for (int k : repeats.next()[q]) {
                    induction += a.at(q, k);
                }
                inductionQueries++;
            }
        }
        out.put(HeadRole.PREVIOUS_TOKEN, previous / (t - 1));
        out.put(HeadRole.FIRST_TOKEN, first / (t - 1));
        if (duplicateQueries > 0) {
            out.put(HeadRole.DUPLICATE_TOKEN, duplicate / duplicateQueries);
        }
        if (inductionQueries > 0) {
            out.put(HeadRole.INDUCTION, induction / inductionQueries);
        }
        return out;
    }
}
