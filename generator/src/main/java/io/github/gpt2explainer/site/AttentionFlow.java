package io.github.gpt2explainer.site;

/**
 * How information moves between token positions through the attention layers, from the captured softmax.
 *
 * <p>{@link #meanOverHeads}: per layer, the attention weights averaged over heads, [T, T] (row = query i,
 * column = key j; rows sum to 1, future keys 0).
 *
 * <p>{@link #rollout}: attention rollout (Abnar &amp; Zuidema 2020). Each block adds its attention output to
 * the residual stream, so the stream at position i after block l mixes itself and what it attended to; the
 * rollout models that as {@code Â_l = 0.5·A_l + 0.5·I} (A_l the head mean) and multiplies through the
 * layers: {@code R_l = Â_l · Â_{l-1} ··· Â_0}. {@code R_l[i][j]} is the share of input token j in position i
 * after block l (rows sum to 1). Computed in double.
 */
public final class AttentionFlow {

    /** The weight of the residual (identity) path in each layer's rollout step. */
    public static final double RESIDUAL_WEIGHT = 0.5;

    private AttentionFlow() {
    }

    /** softmax [H, T, T] -> [T, T], the mean over heads (accumulated in double). */
    public static double[] meanOverHeads(float[] softmax, int heads, int tokens) {
        int cells = tokens * tokens;
        if (softmax.length != heads * cells) {
            throw new IllegalArgumentException("attention softmax has " + softmax.length + " values, expected H·T·T = "
                    + heads + "·" + tokens + "·" + tokens);
        }
        double[] mean = new double[cells];
        for (int h = 0; h < heads; h++) {
            for (int c = 0; c < cells; c++) {
                mean[c] += softmax[h * cells + c];
            }
        }
        for (int c = 0; c < cells; c++) {
            mean[c] /= heads;
        }
        return mean;
    }

    /** means [L][T·T] -> rollout [L][T·T]: row l is {@code R_l}, the product of the residual-corrected means up to l. */
    public static double[][] rollout(double[][] means, int tokens) {
        double[][] out = new double[means.length][];
        double[] previous = identity(tokens);
        for (int l = 0; l < means.length; l++) {
            double[] step = new double[tokens * tokens]; // Â_l [T, T]
            for (int i = 0; i < tokens; i++) {
                for (int j = 0; j < tokens; j++) {
                    step[i * tokens + j] = (1 - RESIDUAL_WEIGHT) * means[l][i * tokens + j] + (i == j ? RESIDUAL_WEIGHT : 0);
                }
            }
            previous = multiply(step, previous, tokens);
            out[l] = previous;
        }
        return out;
    }

    private static double[] identity(int n) {
        double[] m = new double[n * n];
        for (int i = 0; i < n; i++) {
            m[i * n + i] = 1;
        }
        return m;
    }

    /** [n, n] · [n, n] */
    private static double[] multiply(double[] a, double[] b, int n) {
        double[] c = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                double aik = a[i * n + k];
                if (aik == 0) {
                    continue;
                }
                for (int j = 0; j < n; j++) {
                    c[i * n + j] += aik * b[k * n + j];
                }
            }
        }
        return c;
    }

    static float[] toFloats(double[][] rows) {
        int width = rows.length == 0 ? 0 : rows[0].length;
        float[] out = new float[rows.length * width];
        for (int r = 0; r < rows.length; r++) {
            for (int c = 0; c < width; c++) {
                out[r * width + c] = (float) rows[r][c];
            }
        }
        return out;
    }
}
