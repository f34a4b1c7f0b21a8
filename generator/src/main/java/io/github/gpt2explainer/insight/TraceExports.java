package io.github.gpt2explainer.insight;

import io.github.gpt2explainer.forward.CapturedTensor;
import io.github.gpt2explainer.forward.ForwardTrace;
import io.github.gpt2explainer.forward.Gpt2Model;
import io.github.gpt2explainer.forward.TraceKind;
import io.github.gpt2explainer.forward.TraceNames;
import io.github.gpt2explainer.model.Checkpoint;

/**
 * What {@code trace} writes beyond the captured pass, for researchers: {@code logits} at every position
 * [T, V] (Hugging Face's {@code logits} output; the pass itself computes only the last position's), and
 * the direct logit attribution of the last position's temperature-0 token.
 *
 * @param logits every position's logits, named {@code logits}, [T, V]
 * @param dla    the attribution of {@code argmax(logits[T-1])}, the lowest id on ties
 */
public record TraceExports(CapturedTensor logits, DirectLogitAttribution dla) {

    /** Rows per call of the head: bounds the native [rows, V] product (64 x 50257 floats = 13 MB). */
    private static final int ROWS_PER_CHUNK = 64;

    /** Computes both from a full capture of a pass from position 0 of {@code model}, loaded from {@code checkpoint}. */
    public static TraceExports of(Gpt2Model model, Checkpoint checkpoint, ForwardTrace trace) {
        CapturedTensor logits = everyPosition(model, trace);
        int t = (int) logits.dim(0);
        int v = (int) logits.dim(1);
        float[] last = logits.copyRange((t - 1) * v, v);
        long target = DirectLogitAttribution.argmax(last, 0, v);
        return new TraceExports(logits, DirectLogitAttribution.of(checkpoint, trace, target));
    }

    /** The final layer norm and head applied to the last block's output at every position: [T, V]. */
    static CapturedTensor everyPosition(Gpt2Model model, ForwardTrace trace) {
        int layers = model.config().layers();
        int e = model.config().width();
        int v = model.config().vocabSize();
        CapturedTensor residual = layers == 0 ? trace.get(TraceKind.EMBED_SUM, -1)
                : trace.get(TraceKind.RESID_POST, layers - 1);                      // [T, E]
        int t = (int) residual.dim(0);
        float[] all = new float[Math.multiplyExact(t, v)];                           // [T, V]
        for (int from = 0; from < t; from += ROWS_PER_CHUNK) {
            int rows = Math.min(ROWS_PER_CHUNK, t - from);
            float[] chunk = model.headLogits(residual.copyRange(from * e, rows * e), rows); // [rows, V]
            System.arraycopy(chunk, 0, all, from * v, chunk.length);
        }
        return CapturedTensor.of(TraceNames.of(TraceKind.LOGITS), new long[] {t, v}, all);
    }
}
