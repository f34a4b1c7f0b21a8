package io.github.gpt2explainer.sampling;

/** The k highest logits of a row: ids by logit descending, lowest id first on ties (as greedy decoding). */
public final class TopTokens {

    private TopTokens() {
    }

    /** Ids of the {@code k} largest values of {@code logits[offset .. offset + vocab)}, as offsets into that row. */
    public static int[] of(float[] logits, int offset, int vocab, int k) {
        int count = Math.min(k, vocab);
        int[] best = new int[count];
        int size = 0;
        for (int id = 0; id < vocab; id++) {
            float value = logits[offset + id];
            if (size == count && !(value > logits[offset + best[count - 1]])) {
                continue; // not better than the current k-th (an equal value keeps the lower id)
            }
            int at = size == count ? count - 1 : size++;
            while (at > 0 && value > logits[offset + best[at - 1]]) {
                best[at] = best[at - 1];
                at--;
            }
            best[at] = id;
        }
        return best;
    }

    public static int[] of(float[] logits, int k) {
        return of(logits, 0, logits.length, k);
    }
}
