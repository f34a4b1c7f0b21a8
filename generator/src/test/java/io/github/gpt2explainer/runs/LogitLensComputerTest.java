package io.github.gpt2explainer.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import io.github.gpt2explainer.forward.CaptureSpec;
import io.github.gpt2explainer.forward.CapturedTensor;
import io.github.gpt2explainer.forward.CapturedPass;
import io.github.gpt2explainer.forward.Gpt2Model;
import io.github.gpt2explainer.forward.CaptureKind;
import io.github.gpt2explainer.model.Checkpoint;
import io.github.gpt2explainer.model.FloatTensor;
import io.github.gpt2explainer.trace.LogitLens;
import java.nio.FloatBuffer;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LogitLensComputerTest {

    private static final long[] PROMPT = {464, 2068, 7586, 21831, 18045, 625};

    @Test
    void theLastLayerIsTheModelsOwnPredictionAndEveryLayerMatchesAPlainJavaHead() {
        checkLens(PROMPT);
    }

    /** 2 layers x 50 positions = 100 rows: the head takes 83 rows of GPT-2's vocabulary at once, so a chunk ends inside layer 1. */
    @Test
    void rowsSentThroughTheHeadInChunksThatCrossLayersLandAtTheirLayerAndPosition() {
        long[] prompt = new long[50];
        for (int i = 0; i < prompt.length; i++) {
            prompt[i] = PROMPT[i % PROMPT.length] + i;
        }
        checkLens(prompt);
    }

    /**
     * With the final layer norm's weight and bias zeroed, every logit of every row is 0: every token ties, and the
     * lens keeps the lowest ids at probability 1/V, as TopTokens and greedy decoding order ties.
     */
    @Test
    void tiedLogitsKeepTheLowestIdsAtEqualProbability() {
        Checkpoint random = TinyModels.checkpoint(64, 3);
        java.util.SortedMap<String, FloatTensor> parameters = new java.util.TreeMap<>(random.parameters());
        for (String name : new String[] {"ln_f.weight", "ln_f.bias"}) {
            FloatTensor original = parameters.get(name);
            FloatBuffer zeros = java.nio.ByteBuffer.allocateDirect(Math.toIntExact(original.size()) * Float.BYTES)
                    .order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
            parameters.put(name, new FloatTensor(name, original.shape(), zeros));
        }
        Checkpoint checkpoint = new Checkpoint(random.source(), random.config(), parameters);
        int vocab = checkpoint.config().vocabSize();
        try (NDManager manager = NDManager.newBaseManager("PyTorch");
             Gpt2Model model = Gpt2Model.load(checkpoint, manager)) {
            LogitLens lens = LogitLensComputer.compute(model, model.forward(PROMPT, CaptureSpec.all()).trace(), 5);
            for (int l = 0; l < lens.layers(); l++) {
                for (int t = 0; t < PROMPT.length; t++) {
                    assertThat(lens.ids()[l][t]).as("layer %d, position %d", l, t).containsExactly(0, 1, 2, 3, 4);
                    for (float p : lens.probs()[l][t]) {
                        assertThat((double) p).isCloseTo(1.0 / vocab, within(1e-9));
                    }
                }
            }
        }
    }

    private static void checkLens(long[] PROMPT) {
        Checkpoint checkpoint = TinyModels.checkpoint(64, 3);
        int width = checkpoint.config().width();
        int vocab = checkpoint.config().vocabSize();
        int layers = checkpoint.config().layers();
        try (NDManager manager = NDManager.newBaseManager("PyTorch");
             Gpt2Model model = Gpt2Model.load(checkpoint, manager)) {
            CapturedPass trace = model.forward(PROMPT, CaptureSpec.all()).trace();
            LogitLens lens = LogitLensComputer.compute(model, trace, 5);
            assertThat(lens.layers()).isEqualTo(layers);
            assertThat(lens.positions()).isEqualTo(PROMPT.length);

            // Last block, last position: the same numbers as the model's own final logits.
            CapturedTensor logits = trace.get("logits"); // [1, V]
            {
                int t = PROMPT.length - 1;
                double[] row = new double[vocab];
                for (int v = 0; v < vocab; v++) {
                    row[v] = logits.at(0, v);
                }
                assertThat(lens.ids()[layers - 1][t]).as("position %d", t).containsExactly(topIds(row, 5));
                double[] p = softmax(row);
                for (int j = 0; j < 5; j++) {
                    // the engine's float32 log-softmax: within 2e-6 of the double softmax, relative (Gpt2Model.headTopLogProbs)
                    double expected = p[lens.ids()[layers - 1][t][j]];
                    assertThat((double) lens.probs()[layers - 1][t][j]).isCloseTo(expected, within(expected * 2e-6));
                }
            }

            // Every block: ln_f(resid_post) @ lm_head^T computed here in double from the checkpoint.
            FloatBuffer gain = checkpoint.tensor("ln_f.weight").view();
            FloatBuffer bias = checkpoint.tensor("ln_f.bias").view();
            FloatTensor head = checkpoint.tensor("lm_head.weight"); // [V, E]
            FloatBuffer headData = head.view();
            for (int l = 0; l < layers; l++) {
                CapturedTensor resid = trace.get(CaptureKind.RESID_POST, l);
                for (int t = 0; t < PROMPT.length; t++) {
                    double[] x = new double[width];
                    double mean = 0;
                    for (int e = 0; e < width; e++) {
                        x[e] = resid.at(t, e);
                        mean += x[e] / width;
                    }
                    double var = 0;
                    for (int e = 0; e < width; e++) {
                        var += (x[e] - mean) * (x[e] - mean) / width;
                    }
                    double[] normed = new double[width];
                    for (int e = 0; e < width; e++) {
                        normed[e] = (x[e] - mean) / Math.sqrt(var + 1e-5) * gain.get(e) + bias.get(e);
                    }
                    double[] row = new double[vocab];
                    for (int v = 0; v < vocab; v++) {
                        double s = 0;
                        for (int e = 0; e < width; e++) {
                            s += normed[e] * headData.get(v * width + e);
                        }
                        row[v] = s;
                    }
                    int[] expected = topIds(row, 5);
                    int[] actual = lens.ids()[l][t];
                    for (int j = 0; j < 5; j++) {
                        // Same token, or a float32 near-tie with it.
                        assertThat(row[actual[j]]).as("layer %d position %d rank %d", l, t, j)
                                .isCloseTo(row[expected[j]], within(1e-5));
                    }
                    assertThat(actual[0]).as("layer %d position %d top token", l, t).isEqualTo(expected[0]);
                    double[] p = softmax(row);
                    assertThat((double) lens.probs()[l][t][0]).isCloseTo(p[expected[0]], within(1e-5));
                }
            }
        }
    }

    private static int[] topIds(double[] row, int k) {
        return IntStream.range(0, row.length).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> -row[i]).thenComparingInt(i -> i))
                .limit(k).mapToInt(Integer::intValue).toArray();
    }

    private static double[] softmax(double[] row) {
        double max = java.util.Arrays.stream(row).max().orElseThrow();
        double sum = 0;
        double[] p = new double[row.length];
        for (int i = 0; i < row.length; i++) {
            p[i] = Math.exp(row[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < row.length; i++) {
            p[i] /= sum;
        }
        return p;
    }
}
