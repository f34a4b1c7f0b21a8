package io.github.gpt2explainer.runs;

import io.github.gpt2explainer.forward.CapturedPass;
import io.github.gpt2explainer.forward.Gpt2Model;
import io.github.gpt2explainer.forward.CaptureKind;
import io.github.gpt2explainer.sampling.TopTokens;
import io.github.gpt2explainer.trace.LogitLens;

/**
 * The logit lens: {@code softmax(ln_f(h.l.resid_post) @ lm_head^T)} for every block l and prompt position,
 * keeping the top {@code k} tokens (temperature 1, full vocabulary; probabilities computed in double).
 */
public final class LogitLensComputer {

    /** Top tokens kept per layer and position. */
    public static final int DEFAULT_TOP_K = 5;
    /** Rows sent through the head at once, so the [rows, V] logits stay around 16 MB whatever the prompt length. */
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
            float[] logits = model.headLogits(chunk, n); // [n, V]
            for (int r = 0; r < n; r++) {
                int layer = (start + r) / positions;
                int position = (start + r) % positions;
                int[] top = TopTokens.of(logits, r * vocab, vocab, k);
                ids[layer][position] = top;
                probs[layer][position] = softmaxOf(logits, r * vocab, vocab, top);
            }
        }
        return new LogitLens(ids, probs);
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
