package io.github.gpt2explainer.forward;

import io.github.gpt2explainer.model.Checkpoint;
import io.github.gpt2explainer.model.FloatTensor;
import io.github.gpt2explainer.model.Gpt2Config;

import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The oracle: GPT-2 in plain Java, double precision, loops over arrays, no DJL. Written from the
 * GPT-2 definition (Radford et al. 2019; Hugging Face's modeling_gpt2 for naming), not from
 * {@link Gpt2Model}. It runs the whole sequence at once (no cache) and records every intermediate
 * under the trace names of {@link TraceNames}; masked attention scores are -infinity.
 */
public final class ReferenceGpt2 {

    /** A named double tensor, row-major. */
    public record Tensor(long[] shape, double[] data) {
    }

    private final Checkpoint checkpoint;
    private final Gpt2Config config;

    public ReferenceGpt2(Checkpoint checkpoint) {
        this.checkpoint = checkpoint;
        this.config = checkpoint.config();
    }

    /** All intermediates of a forward pass over {@code tokens} at positions 0 .. T-1, in pass order. */
    public Map<String, Tensor> run(long[] tokens) {
        int t = tokens.length;
        int e = config.width();
        int h = config.heads();
        int d = config.headDim();
        int m = config.mlpWidth();
        int v = config.vocabSize();
        Map<String, Tensor> out = new LinkedHashMap<>();

        double[][] wte = matrix("wte.weight");
        double[][] wpe = matrix("wpe.weight");
        double[][] tokenEmb = new double[t][];
        double[][] positionEmb = new double[t][];
        double[][] x = new double[t][e];
        for (int i = 0; i < t; i++) {
            tokenEmb[i] = wte[(int) tokens[i]];
            positionEmb[i] = wpe[i];
            for (int j = 0; j < e; j++) {
                x[i][j] = tokenEmb[i][j] + positionEmb[i][j];
            }
        }
        put(out, "embed.token", tokenEmb);
        put(out, "embed.position", positionEmb);
        put(out, "embed.sum", x);

        for (int l = 0; l < config.layers(); l++) {
            String p = "h." + l + ".";
            double[][] ln1 = layerNorm(x, vector(p + "ln_1.weight"), vector(p + "ln_1.bias"));
            double[][] qkv = linear(ln1, matrix(p + "attn.c_attn.weight"), vector(p + "attn.c_attn.bias"));
            double[][][] q = new double[h][t][d];
            double[][][] k = new double[h][t][d];
            double[][][] val = new double[h][t][d];
            for (int head = 0; head < h; head++) {
                for (int i = 0; i < t; i++) {
                    for (int c = 0; c < d; c++) {
                        q[head][i][c] = qkv[i][head * d + c];
                        k[head][i][c] = qkv[i][e + head * d + c];
                        val[head][i][c] = qkv[i][2 * e + head * d + c];
                    }
                }
            }
            double[][][] scores = new double[h][t][t];
            double[][][] scaled = new double[h][t][t];
            double[][][] masked = new double[h][t][t];
            double[][][] softmax = new double[h][t][t];
            double[][][] heads = new double[h][t][d];
            for (int head = 0; head < h; head++) {
                for (int i = 0; i < t; i++) {
                    for (int j = 0; j < t; j++) {
                        double dot = 0;
                        for (int c = 0; c < d; c++) {
                            dot += q[head][i][c] * k[head][j][c];
                        }
                        scores[head][i][j] = dot;
                        scaled[head][i][j] = dot / Math.sqrt(d);
                        masked[head][i][j] = j <= i ? scaled[head][i][j] : Double.NEGATIVE_INFINITY;
                    }
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j <= i; j++) {
                        max = Math.max(max, masked[head][i][j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < t; j++) {
                        softmax[head][i][j] = j <= i ? Math.exp(masked[head][i][j] - max) : 0.0;
                        sum += softmax[head][i][j];
                    }
                    for (int j = 0; j < t; j++) {
                        softmax[head][i][j] /= sum;
                    }
                    for (int c = 0; c < d; c++) {
                        double acc = 0;
                        for (int j = 0; j < t; j++) {
                            acc += softmax[head][i][j] * val[head][j][c];
                        }
                        heads[head][i][c] = acc;
                    }
                }
            }
            double[][] merged = new double[t][e];
            for (int i = 0; i < t; i++) {
                for (int head = 0; head < h; head++) {
                    System.arraycopy(heads[head][i], 0, merged[i], head * d, d);
                }
            }
            double[][] attnProj = linear(merged, matrix(p + "attn.c_proj.weight"), vector(p + "attn.c_proj.bias"));
            double[][] residMid = add(x, attnProj);
            double[][] ln2 = layerNorm(residMid, vector(p + "ln_2.weight"), vector(p + "ln_2.bias"));
            double[][] fc = linear(ln2, matrix(p + "mlp.c_fc.weight"), vector(p + "mlp.c_fc.bias"));
            double[][] gelu = new double[t][m];
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < m; j++) {
                    gelu[i][j] = geluNew(fc[i][j]);
                }
            }
            double[][] mlpProj = linear(gelu, matrix(p + "mlp.c_proj.weight"), vector(p + "mlp.c_proj.bias"));
            double[][] residPost = add(residMid, mlpProj);

            put(out, p + "ln_1.out", ln1);
            put(out, p + "attn.q", q);
            put(out, p + "attn.k", k);
            put(out, p + "attn.v", val);
            put(out, p + "attn.scores", scores);
            put(out, p + "attn.scaled", scaled);
            put(out, p + "attn.masked", masked);
            put(out, p + "attn.softmax", softmax);
            put(out, p + "attn.heads", heads);
            put(out, p + "attn.proj", attnProj);
            put(out, p + "resid_mid", residMid);
            put(out, p + "ln_2.out", ln2);
            put(out, p + "mlp.fc", fc);
            put(out, p + "mlp.gelu", gelu);
            put(out, p + "mlp.proj", mlpProj);
            put(out, p + "resid_post", residPost);
            x = residPost;
        }

        double[][] lnF = layerNorm(x, vector("ln_f.weight"), vector("ln_f.bias"));
        double[][] head = matrix("lm_head.weight"); // [V, E]
        double[][] logits = new double[1][v];        // the trace's logits: the last position's, the step's prediction
        for (int w = 0; w < v; w++) {
            double acc = 0;
            for (int j = 0; j < e; j++) {
                acc += lnF[t - 1][j] * head[w][j];
            }
            logits[0][w] = acc;
        }
        put(out, "ln_f.out", lnF);
        put(out, "logits", logits);
        return out;
    }

    /**
     * The logits at every position, [T][V], from {@code ln_f.out} of a {@link #run} over the same tokens:
     * what Hugging Face's {@code logits} output holds.
     */
    public double[][] logitsAtEveryPosition(Map<String, Tensor> run) {
        Tensor lnF = run.get("ln_f.out");
        int t = (int) lnF.shape()[0];
        int e = config.width();
        double[][] head = matrix("lm_head.weight"); // [V, E]
        double[][] logits = new double[t][head.length];
        for (int i = 0; i < t; i++) {
            for (int w = 0; w < head.length; w++) {
                double acc = 0;
                for (int j = 0; j < e; j++) {
                    acc += lnF.data()[i * e + j] * head[w][j];
                }
                logits[i][w] = acc;
            }
        }
        return logits;
    }

    /** GPT-2's gelu_new: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
    static double geluNew(double x) {
        return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    }

    private double[][] layerNorm(double[][] x, double[] weight, double[] bias) {
        double[][] y = new double[x.length][x[0].length];
        int e = x[0].length;
        for (int i = 0; i < x.length; i++) {
            double mean = 0;
            for (double value : x[i]) {
                mean += value;
            }
            mean /= e;
            double variance = 0; // biased: divide by E, as torch.nn.LayerNorm does
            for (double value : x[i]) {
                variance += (value - mean) * (value - mean);
            }
            variance /= e;
            double inv = 1 / Math.sqrt(variance + config.layerNormEpsilon());
            for (int j = 0; j < e; j++) {
                y[i][j] = (x[i][j] - mean) * inv * weight[j] + bias[j];
            }
        }
        return y;
    }

    /** x @ w + b with a Conv1D weight w of shape [in, out]. */
    private static double[][] linear(double[][] x, double[][] w, double[] b) {
        int in = w.length;
        int out = w[0].length;
        double[][] y = new double[x.length][out];
        for (int i = 0; i < x.length; i++) {
            for (int o = 0; o < out; o++) {
                double acc = b[o];
                for (int c = 0; c < in; c++) {
                    acc += x[i][c] * w[c][o];
                }
                y[i][o] = acc;
            }
        }
        return y;
    }

    private static double[][] add(double[][] a, double[][] b) {
        double[][] y = new double[a.length][a[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                y[i][j] = a[i][j] + b[i][j];
            }
        }
        return y;
    }

    public double[] vector(String name) {
        FloatBuffer data = checkpoint.tensor(name).view();
        double[] y = new double[data.remaining()];
        for (int i = 0; i < y.length; i++) {
            y[i] = data.get(i);
        }
        return y;
    }

    public double[][] matrix(String name) {
        FloatTensor tensor = checkpoint.tensor(name);
        int rows = (int) tensor.shape()[0];
        int cols = (int) tensor.shape()[1];
        FloatBuffer data = tensor.view();
        double[][] y = new double[rows][cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                y[r][c] = data.get(r * cols + c);
            }
        }
        return y;
    }

    private static void put(Map<String, Tensor> out, String name, double[][] rows) {
        int cols = rows[0].length;
        double[] flat = new double[rows.length * cols];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * cols, cols);
        }
        out.put(name, new Tensor(new long[] {rows.length, cols}, flat));
    }

    private static void put(Map<String, Tensor> out, String name, double[][][] cube) {
        int b = cube[0].length;
        int c = cube[0][0].length;
        double[] flat = new double[cube.length * b * c];
        for (int i = 0; i < cube.length; i++) {
            for (int j = 0; j < b; j++) {
                System.arraycopy(cube[i][j], 0, flat, (i * b + j) * c, c);
            }
        }
        out.put(name, new Tensor(new long[] {cube.length, b, c}, flat));
    }
}
