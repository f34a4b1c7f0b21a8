package io.github.gpt2explainer.runs;

import io.github.gpt2explainer.forward.CapturedTensor;
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
        for (int l = 0; l < layers; l++) {
            CapturedTensor resid = prefill.get(CaptureKind.RESID_POST, l); // [T, E]
            float[] data = resid.toArray();
            for (int start = 0; start < positions; start += chunkRows) {
                int rows = Math.min(chunkRows, positions - start);
                float[] chunk = new float[rows * width];
                System.arraycopy(data, start * width, chunk, 0, rows * width);
                float[] logits = model.headLogits(chunk, rows); // [rows, V]
                for (int r = 0; r < rows; r++) {
                    int[] top = TopTokens.of(logits, r * vocab, vocab, k);
                    ids[l][start + r] = top;
                    probs[l][start + r] = softmaxOf(logits, r * vocab, vocab, top);
                }
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
