package io.github.gpt2explainer.site;

import static io.github.gpt2explainer.site.StoredArrays.decode;
import static io.github.gpt2explainer.site.StoredArrays.shape;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.gpt2explainer.forward.CapturedTensor;
import io.github.gpt2explainer.trace.PromptRun;
import org.junit.jupiter.api.Test;

/** The data behind the depth views (head gallery, attention flow, logit lens) of a 12-layer model. */
class DepthDataTest {

    /** |stored - real| within binary16's rounding: half a unit in the last place (2^-11 relative), or 2^-25 near 0. */
    private static boolean withinF16(float stored, double real) {
        return Math.abs(stored - real) <= Math.abs(real) * 0x1p-11 + 0x1p-25;
    }

    @Test
    void headsFileHoldsEveryLayersCapturedSoftmaxInF16() {
        PromptRun run = DeepFixture.run();
        int layers = 12, heads = 4, t = run.prefill().tokens().length;
        JsonNode softmax = new PromptData(run).heads().get("softmax");
        assertThat(shape(softmax)).containsExactly(layers, heads, t, t);
        float[] stored = decode(softmax);
        for (int l = 0; l < layers; l++) {
            CapturedTensor captured = run.prefill().get("h." + l + ".attn.softmax");
            for (int h = 0; h < heads; h++) {
                for (int q = 0; q < t; q++) {
                    for (int k = 0; k < t; k++) {
                        float real = captured.at(h, q, k);
                        float value = stored[((l * heads + h) * t + q) * t + k];
                        assertThat(withinF16(value, real)).as("l%d h%d q%d k%d: %s vs %s", l, h, q, k, value, real).isTrue();
                        if (k > q) {
                            assertThat(value).as("future key").isZero();
                        }
                    }
                }
            }
        }
    }

    @Test
    void flowMeanIsTheHeadAverageOfTheCapturedSoftmax() {
        PromptRun run = DeepFixture.run();
        int t = run.prefill().tokens().length;
        JsonNode flow = new PromptData(run).main().get("flow");
        assertThat(shape(flow.get("mean"))).containsExactly(12, t, t);
        float[] mean = decode(flow.get("mean"));
        for (int l = 0; l < 12; l++) {
            CapturedTensor a = run.prefill().get("h." + l + ".attn.softmax");
            for (int q = 0; q < t; q++) {
                double rowSum = 0;
                for (int k = 0; k < t; k++) {
                    double expected = (a.at(0, q, k) + (double) a.at(1, q, k) + a.at(2, q, k) + a.at(3, q, k)) / 4;
                    float value = mean[(l * t + q) * t + k];
                    assertThat(withinF16(value, expected)).as("l%d q%d k%d: %s vs %s", l, q, k, value, expected).isTrue();
                    rowSum += value;
                }
                assertThat(rowSum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(t * 0x1p-11));
            }
        }
    }

    /**
     * Rollout recomputed here another way: column by column, following the recursion
     * r_l(i, j) = 0.5·r_{l-1}(i, j) + 0.5·Σ_k A_l(i, k)·r_{l-1}(k, j) with r_{-1} = identity.
     */
    @Test
    void flowRolloutMatchesAnIndependentRecursion() {
        PromptRun run = DeepFixture.run();
        int t = run.prefill().tokens().length;
        float[] rollout = decode(new PromptData(run).main().get("flow").get("rollout"));
        double[][] r = new double[t][t];
        for (int i = 0; i < t; i++) {
            r[i][i] = 1;
        }
        for (int l = 0; l < 12; l++) {
            CapturedTensor a = run.prefill().get("h." + l + ".attn.softmax");
            double[][] next = new double[t][t];
            for (int j = 0; j < t; j++) {
                for (int i = 0; i < t; i++) {
                    double mixed = 0;
                    for (int k = 0; k <= i; k++) {
                        double avg = 0;
                        for (int h = 0; h < 4; h++) {
                            avg += a.at(h, i, k) / 4.0;
                        }
                        mixed += avg * r[k][j];
                    }
                    next[i][j] = 0.5 * r[i][j] + 0.5 * mixed;
                }
            }
            r = next;
            for (int i = 0; i < t; i++) {
                double rowSum = 0;
                for (int j = 0; j < t; j++) {
                    float value = rollout[(l * t + i) * t + j];
                    assertThat(withinF16(value, r[i][j])).as("l%d i%d j%d: %s vs %s", l, i, j, value, r[i][j]).isTrue();
                    if (j > i) {
                        assertThat(value).as("a later token cannot feed an earlier one").isZero();
                    }
                    rowSum += r[i][j];
                }
                assertThat(rowSum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
            }
        }
    }

    /**
     * The lens after the last block, at the last position, is the model's own prediction: same top tokens,
     * same probabilities. (Every other layer and position is checked against a plain-Java head in
     * LogitLensComputerTest.) At every position the kept tokens are ranked by probability.
     */
    @Test
    void logitLensAtTheLastLayerEqualsTheFinalLogits() {
        PromptRun run = DeepFixture.run();
        int t = run.prefill().tokens().length;
        JsonNode lens = new PromptData(run).main().get("lens");
        assertThat(lens.get("shape")).hasSize(3);
        assertThat(lens.get("shape").get(0).asInt()).isEqualTo(12);
        assertThat(lens.get("shape").get(1).asInt()).isEqualTo(t);
        int k = lens.get("shape").get(2).asInt();
        assertThat(k).isGreaterThanOrEqualTo(1);
        float[] probs = decode(lens.get("probs"));
        for (int p = 0; p < t; p++) {
            for (int j = 1; j < k; j++) {
                int flat = (11 * t + p) * k + j;
                assertThat(probs[flat]).as("position %d rank %d", p, j).isLessThanOrEqualTo(probs[flat - 1]);
            }
        }

        CapturedTensor logits = run.prefill().get("logits"); // [1, V]: the last position
        assertThat(logits.dim(0)).isEqualTo(1);
        int v = (int) logits.dim(1);
        int p = t - 1;
        double max = Double.NEGATIVE_INFINITY;
        for (int id = 0; id < v; id++) {
            max = Math.max(max, logits.at(0, id));
        }
        double sum = 0;
        for (int id = 0; id < v; id++) {
            sum += Math.exp(logits.at(0, id) - max);
        }
        for (int j = 0; j < k; j++) {
            int flat = (11 * t + p) * k + j;
            int id = lens.get("ids").get(flat).asInt();
            double expected = Math.exp(logits.at(0, id) - max) / sum;
            assertThat((double) probs[flat]).as("rank %d", j).isCloseTo(expected,
                    org.assertj.core.data.Offset.offset(expected * 1e-5));
            if (j == k - 1) { // nothing outside the kept ids beats the lowest kept one
                int better = 0;
                for (int other = 0; other < v; other++) {
                    if (logits.at(0, other) > logits.at(0, id)) {
                        better++;
                    }
                }
                assertThat(better).as("tokens above rank %d", j).isLessThanOrEqualTo(k - 1);
            }
        }
        assertThat(lens.get("ids").get((11 * t + p) * k).asInt())
                .isEqualTo(new PromptData(run).main().get("next").get("topIds").get(0).asInt());
    }

    @Test
    void aSoftmaxOfTheWrongShapeIsRejectedWithItsName() {
        assertThatThrownBy(() -> AttentionFlow.meanOverHeads(new float[10], 2, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("10 values").hasMessageContaining("2·3·3");
    }
}
