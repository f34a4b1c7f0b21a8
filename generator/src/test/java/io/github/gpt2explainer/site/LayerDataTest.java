package io.github.gpt2explainer.site;

import static io.github.gpt2explainer.site.StoredArrays.decode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.gpt2explainer.forward.CapturedTensor;
import io.github.gpt2explainer.model.Checkpoint;
import io.github.gpt2explainer.model.RandomCheckpoint;
import io.github.gpt2explainer.model.ModelSource;
import io.github.gpt2explainer.trace.PromptRun;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

/** The per-layer data files of the detailed views: every stored value is a captured one, or derived exactly from one. */
class LayerDataTest {

    @Test
    void everyStoredTensorIsTheCapturedOneRoundedToF16AndGeluIsLeftToTheBrowser() {
        PromptRun run = SiteFixture.run(SiteFixture.EIFFEL_ID);
        for (int l = 0; l < run.model().config().layers(); l++) {
            JsonNode layer = new PromptData(run).layer(l);
            assertThat(layer.has("mlp.gelu")).isFalse();
            for (var kind : PromptData.LAYER_KINDS) {
                CapturedTensor captured = run.prefill().get("h." + l + "." + kind.suffix());
                JsonNode stored = layer.get(kind.suffix());
                assertThat(stored.get("dtype").asText()).isEqualTo("f16");
                assertThat(stored.get("shape").toString()).as(kind.suffix())
                        .isEqualTo(java.util.Arrays.toString(captured.shape()).replace(" ", ""));
                float[] values = decode(stored);
                for (int i = 0; i < values.length; i++) {
                    float real = captured.get(i);
                    // binary16: relative error at most 2^-11 (plus the subnormal step near zero)
                    assertThat(Math.abs(values[i] - real)).as("layer %d %s[%d]", l, kind.suffix(), i)
                            .isLessThanOrEqualTo(Math.abs(real) / 2048 + 3e-8f);
                }
            }
        }
    }

    @Test
    void layerNormStatisticsMatchAnIndependentOnePassComputation() {
        PromptRun run = SiteFixture.run(SiteFixture.EIFFEL_ID);
        int t = run.prefill().tokens().length;
        int e = run.model().config().width();
        PromptData data = new PromptData(run);
        for (int l = 0; l < run.model().config().layers(); l++) {
            JsonNode layer = data.layer(l);
            // ln_1 reads the stream entering the block, ln_2 the stream after attention
            String ln1Input = l == 0 ? "embed.sum" : "h." + (l - 1) + ".resid_post";
            checkStats(run.prefill().get(ln1Input), layer.get("ln_1.mean"), layer.get("ln_1.var"), t, e);
            checkStats(run.prefill().get("h." + l + ".resid_mid"), layer.get("ln_2.mean"), layer.get("ln_2.var"), t, e);
        }
        int last = run.model().config().layers() - 1;
        JsonNode model = data.modelLevel();
        checkStats(run.prefill().get("h." + last + ".resid_post"), model.get("ln_f.mean"), model.get("ln_f.var"), t, e);
    }

    /** Welford's running mean and variance: a different algorithm from the two-pass one in LayerNormStats. */
    private static void checkStats(CapturedTensor input, JsonNode meanNode, JsonNode varNode, int t, int e) {
        assertThat(meanNode.get("dtype").asText()).isEqualTo("f32");
        assertThat(meanNode.get("shape").toString()).isEqualTo("[" + t + "]");
        assertThat(varNode.get("shape").toString()).isEqualTo("[" + t + "]");
        float[] mean = decode(meanNode);
        float[] var = decode(varNode);
        for (int p = 0; p < t; p++) {
            double m = 0;
            double m2 = 0;
            for (int j = 0; j < e; j++) {
                double x = input.get(p * e + j);
                double delta = x - m;
                m += delta / (j + 1);
                m2 += delta * (x - m);
            }
            assertThat((double) mean[p]).as(input.name() + " mean, token " + p).isCloseTo(m, org.assertj.core.data.Offset.offset(1e-6 * (1 + Math.abs(m))));
            assertThat((double) var[p]).as(input.name() + " variance, token " + p).isCloseTo(m2 / e, org.assertj.core.data.Percentage.withPercentage(1e-4));
        }
    }

    /**
     * The stored mean and variance are the ones the model used: with the checkpoint's gain and bias and the
     * configured epsilon, (x - mean) / sqrt(var + eps) * gain + bias reproduces the captured layer norm output.
     */
    @Test
    void normalisingWithTheStoredStatisticsReproducesTheCapturedLayerNormOutput() {
        PromptRun run = SiteFixture.run(SiteFixture.EIFFEL_ID);
        Checkpoint weights = RandomCheckpoint.create(RandomCheckpoint.demoConfig(), ModelSource.DEMO_SEED);
        assertThat(ModelSource.parametersSha256(weights)).isEqualTo(run.model().weightsSha256());
        double eps = run.model().config().layerNormEpsilon();
        PromptData data = new PromptData(run);
        int checked = 0;
        for (int l = 0; l < run.model().config().layers(); l++) {
            JsonNode layer = data.layer(l);
            for (int which : new int[] {1, 2}) {
                String ln = "ln_" + which;
                CapturedTensor input = data.layerNormInput(which, l);
                CapturedTensor out = run.prefill().get("h." + l + "." + ln + ".out");
                checked += reproduce(input, out, decode(layer.get(ln + ".mean")), decode(layer.get(ln + ".var")),
                        weights.parameters().get("h." + l + "." + ln + ".weight").view(),
                        weights.parameters().get("h." + l + "." + ln + ".bias").view(), eps);
            }
        }
        JsonNode model = data.modelLevel();
        checked += reproduce(run.prefill().get("h." + (run.model().config().layers() - 1) + ".resid_post"),
                run.prefill().get("ln_f.out"), decode(model.get("ln_f.mean")), decode(model.get("ln_f.var")),
                weights.parameters().get("ln_f.weight").view(), weights.parameters().get("ln_f.bias").view(), eps);
        assertThat(checked).isEqualTo((2 * run.model().config().layers() + 1) * run.prefill().tokens().length
                * run.model().config().width());
    }

    private static int reproduce(CapturedTensor input, CapturedTensor out, float[] mean, float[] var,
                                 FloatBuffer gain, FloatBuffer bias, double eps) {
        int t = (int) input.dim(0);
        int e = (int) input.dim(1);
        int n = 0;
        for (int p = 0; p < t; p++) {
            double inv = 1 / Math.sqrt(var[p] + eps);
            for (int j = 0; j < e; j++) {
                double normalised = (input.get(p * e + j) - mean[p]) * inv;
                double y = normalised * gain.get(j) + bias.get(j);
                float real = out.get(p * e + j);
                assertThat(y).as("%s token %d channel %d", out.name(), p, j)
                        .isCloseTo(real, org.assertj.core.data.Offset.offset(2e-5 * (1 + Math.abs(real))));
                n++;
            }
        }
        return n;
    }

    @Test
    void mainCarriesTheLayerNormEpsilonTheBrowserNormalisesWith() {
        PromptRun run = SiteFixture.run(SiteFixture.EIFFEL_ID);
        JsonNode model = new PromptData(run).main().get("model");
        assertThat(model.get("layerNormEpsilon").asDouble()).isEqualTo(run.model().config().layerNormEpsilon());
        assertThat(new PromptData(run).main().get("format").asInt()).isEqualTo(PromptData.FORMAT);
    }

    @Test
    void aLayerNormInputThatIsNotAMatrixIsRejectedNamingIt() {
        CapturedTensor flat = CapturedTensor.of("h.0.resid_mid", new long[] {6}, new float[6]);
        assertThatThrownBy(() -> LayerNormStats.of(flat)).hasMessageContaining("h.0.resid_mid").hasMessageContaining("[6]");
    }
}
