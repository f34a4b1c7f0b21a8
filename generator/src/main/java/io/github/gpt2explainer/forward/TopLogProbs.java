package io.github.gpt2explainer.forward;

/**
 * The largest entries of each row of a head's output ({@link Gpt2Model#headTopLogProbs}): per row, {@code count}
 * token ids with their log-softmax values (over the whole vocabulary, in float32, widened to double), largest first;
 * equal values in no particular order.
 *
 * @param count    entries per row
 * @param ids      [rows * count] token ids
 * @param logProbs [rows * count] their log-probabilities
 */
public record TopLogProbs(int count, long[] ids, double[] logProbs) {

    public long id(int row, int rank) {
        return ids[row * count + rank];
    }

    public double logProb(int row, int rank) {
        return logProbs[row * count + rank];
    }
}
