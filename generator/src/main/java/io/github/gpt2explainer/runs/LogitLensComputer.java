package io.github.gpt2explainer.runs;

import io.github.gpt2explainer.forward.CapturedPass;
import io.github.gpt2explainer.forward.Gpt2Model;
import io.github.gpt2explainer.forward.CaptureKind;
import io.github.gpt2explainer.forward.TopLogProbs;
import io.github.gpt2explainer.sampling.TopTokens;
import io.github.gpt2explainer.trace.LogitLens;
import java.util.Arrays;

/**
 * The logit lens: {@code softmax(ln_f(h.l.resid_post) @ lm_head^T)} for every block l and prompt position,
 * keeping the top {@code k} tokens (temperature 1, full vocabulary; log-softmax in float32, in the engine:
 * {@link Gpt2Model#headTopLogProbs}).
 */
public final class LogitLensComputer {

    /** Top tokens kept per layer and position. */
    public static final int DEFAULT_TOP_K = 5;
    /** Rows sent through the head at once, so the [rows, V] logits stay around 16 MB (and their log-softmax as much again) whatever the prompt length. */
    private static final int MAX_LOGIT_VALUES = 4 << 20;

    private LogitLensComputer() {
    }

    public static LogitLens compute(Gpt2Model model, CapturedPass prefill, int k) {
        int layers = model.config().layers();
        int width = model.config().width();
        int vocab = model.config().vocabSize();
        int positions = prefill.tokens().length;
        int chunkRows = Math.max(1, MAX_LOGIT_VALUES / vocab);
        int[][][] ids = new int[layers][positions][];
        float[][][] probs = new float[layers][positions][];
        // Row l*T + p is layer l's resid_post at position p; the rows go through the head in chunks that cross
        // layers: each call reads the whole [E, V] head, so fewer, fuller calls read it less often.
        int rows = layers * positions;
        int loadedLayer = -1;
        float[] layerRows = null; // [T, E] of loadedLayer
        for (int start = 0; start < rows; start += chunkRows) {
            int n = Math.min(chunkRows, rows - start);
            float[] chunk = new float[n * width];
            for (int r = 0; r < n; r++) {
                int layer = (start + r) / positions;
                if (layer != loadedLayer) {
                    layerRows = prefill.get(CaptureKind.RESID_POST, layer).toArray();
                    loadedLayer = layer;
                }
                System.arraycopy(layerRows, ((start + r) % positions) * width, chunk, r * width, width);
            }
            // one more than k: a tie at the k-th place is seen, and settled by TopTokens' rule on the whole row
            TopLogProbs top = model.headTopLogProbs(chunk, n, Math.min(k + 1, vocab));
            for (int r = 0; r < n; r++) {
                int layer = (start + r) / positions;
                int position = (start + r) % positions;
                if (hasTie(top, r)) {
                    float[] logits = model.headLogits(Arrays.copyOfRange(chunk, r * width, (r + 1) * width), 1); // [V]
                    ids[layer][position] = TopTokens.of(logits, 0, vocab, k);
                    probs[layer][position] = softmaxOf(logits, 0, vocab, ids[layer][position]);
                } else {
                    int kept = Math.min(k, vocab);
                    ids[layer][position] = new int[kept];
                    probs[layer][position] = new float[kept];
                    for (int j = 0; j < kept; j++) {
                        ids[layer][position][j] = (int) top.id(r, j);
                        probs[layer][position][j] = (float) Math.exp(top.logProb(r, j));
                    }
                }
            }
        }
        return new LogitLens(ids, probs);
    }

    /**
     * Whether two of a row's top entries are equal (tied logits, or float32 log-softmax rounding two close ones to one
     * value): their order (lowest id first) then needs the whole row.
     */
    private static boolean hasTie(TopLogProbs top, int row) {
        for (int j = 1; j < top.count(); j++) {
            if (top.logProb(row, j) == top.logProb(row, j - 1)) {
                return true;
            }
        }
        return false;
    }

    /** softmax over the whole row, evaluated at {@code ids} only. */
    private static float[] softmaxOf(float[] logits, int offset, int vocab, int[] ids) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            max = Math.max(max, logits[offset + i]);
        }
        double sum = 0;
        for (int i = 0; i < vocab; i++) {
            sum += Math.exp(logits[offset + i] - max);
        }
        float[] p = new float[ids.length];
        for (int j = 0; j < ids.length; j++) {
            p[j] = (float) (Math.exp(logits[offset + ids[j]] - max) / sum);
        }
        return p;
    }
}
