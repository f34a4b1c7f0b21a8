package io.github.gpt2explainer.insight;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.github.gpt2explainer.cli.Main;
import io.github.gpt2explainer.forward.CaptureSpec;
import io.github.gpt2explainer.forward.Gpt2Model;
import io.github.gpt2explainer.forward.StepResult;
import io.github.gpt2explainer.forward.TestCheckpoints;
import io.github.gpt2explainer.model.Checkpoint;
import io.github.gpt2explainer.model.FloatTensor;
import io.github.gpt2explainer.model.Gpt2Config;
import io.github.gpt2explainer.model.HfCheckpointWriter;
import io.github.gpt2explainer.model.HfCheckpointWriter.Options;
import io.github.gpt2explainer.model.SafetensorsDtype;
import io.github.gpt2explainer.model.SafetensorsFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Direct logit attribution against the double-precision oracle: every part equals the formula
 * applied to the oracle's tensors, the parts add up to the oracle's logit, and each layer's heads plus
 * its c_proj bias term add up to the layer's attention part; through the {@code trace} command too, for
 * checkpoints stored in F32 (tied head), F16 and BF16, with {@code logits} at every position.
 */
class DirectLogitAttributionTest {

    private static final double TOLERANCE = 1e-4;
    private static NDManager manager;

    @BeforeAll
    static void engine() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterAll
    static void release() {
        manager.close();
    }

    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(new Gpt2Config(50257, 64, 32, 2, 4, 1e-5), 21L, 9),
                Arguments.of(new Gpt2Config(50257, 64, 48, 3, 6, 1e-5), 22L, 17),
                Arguments.of(new Gpt2Config(50257, 32, 64, 1, 8, 1e-3), 23L, 32)); // fills the context
    }

    @ParameterizedTest(name = "{0}, T={2}")
    @MethodSource("shapes")
    void partsMatchTheFormulaAndAddUpToTheLogitForTheTopAndALowerCandidate(Gpt2Config config, long seed, int length) {
        Checkpoint checkpoint = TestCheckpoints.random(config, seed);
        long[] tokens = TestCheckpoints.randomTokens(config, length, seed + 1);
        try (Gpt2Model model = Gpt2Model.load(checkpoint, manager);
             StepResult result = model.forward(tokens, CaptureSpec.all())) {
            float[] last = result.lastLogits();
            long top = DirectLogitAttribution.argmax(last, 0, last.length);
            long other = (top + 1 + seed * 977) % config.vocabSize(); // any candidate the reader picks
            long[] targets = {top, other};
            // both in one call, as a build attributes its five candidates: c_proj is read once for all of them
            java.util.List<DirectLogitAttribution> together = DirectLogitAttribution.of(checkpoint, result.trace(), targets);
            assertThat(together).hasSize(2);
            for (int c = 0; c < targets.length; c++) {
                long target = targets[c];
                DirectLogitAttribution dla = together.get(c);
                ReferenceAttribution expected = new ReferenceAttribution(checkpoint, tokens, target);
                assertMatches(dla.target(), dla.embed(), dla.attn(), dla.attnHeads(), dla.mlp(), dla.lnFBias(),
                        expected, config, target);
                for (int l = 0; l < config.layers(); l++) {
                    assertClose("attention bias term of layer " + l, dla.attnBias()[l], expected.ofAttentionBias(l),
                            scale(expected.logits[length - 1][(int) target], dla.attn()));
                }
                assertClose("total", dla.total(), expected.logits[length - 1][(int) target],
                        scale(dla.total(), dla.attn()));
            }
        }
    }

    static Stream<Arguments> storedCheckpoints() {
        return Stream.of(
                Arguments.of("F32, tied head", Options.defaults(), new Gpt2Config(50257, 32, 32, 2, 4, 1e-5)),
                Arguments.of("F16", Options.defaults().withTiedHead(false).withDtype(SafetensorsDtype.F16),
                        new Gpt2Config(50257, 32, 48, 3, 6, 1e-5)),
                Arguments.of("BF16", Options.defaults().withTiedHead(false).withDtype(SafetensorsDtype.BF16),
                        new Gpt2Config(50257, 32, 32, 2, 2, 1e-5)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("storedCheckpoints")
    void traceWritesLogitsAtEveryPositionAndTheAttributionOfItsArgmax(String name, Options options, Gpt2Config config,
                                                                      @TempDir Path dir) {
        Checkpoint original = TestCheckpoints.random(config, 31);
        if (options.tiedHead()) {
            original = tied(original);
        }
        Path model = dir.resolve("model");
        HfCheckpointWriter.write(original, model, options);
        Path out = dir.resolve("trace.safetensors");
        String prompt = "Data visualization empowers users to";
        long[] ids = {6601, 32704, 795, 30132, 2985, 284}; // the reference tokenizer's ids of the prompt

        StringWriter err = new StringWriter();
        int exit = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err),
                "trace", "--model", model.toString(), "--prompt", prompt, "--out", out.toString());
        assertThat(exit).as("exit code; stderr: %s", err).isZero();

        Checkpoint stored = TestCheckpoints.roundedTo(original, options.dtype());
        try (SafetensorsFile trace = SafetensorsFile.open(out)) {
            assertThat(trace.entry("logits").shape()).containsExactly(ids.length, config.vocabSize());
            float[] logits = floats(trace, "logits");
            long target = trace.longs("dla.target").get(0);
            ReferenceAttribution expected = new ReferenceAttribution(stored, ids, target);
            for (int t = 0; t < ids.length; t++) {
                double[] row = expected.logits[t];
                double rowScale = 0;
                for (double v : row) {
                    rowScale = Math.max(rowScale, Math.abs(v));
                }
                int worst = 0;
                for (int w = 1; w < row.length; w++) {
                    double diff = Math.abs(logits[t * row.length + w] - row[w]);
                    worst = diff > Math.abs(logits[t * row.length + worst] - row[worst]) ? w : worst;
                }
                assertClose("logits[" + t + ", " + worst + "]", logits[t * row.length + worst], row[worst], rowScale);
            }
            double[] lastRow = expected.logits[ids.length - 1];
            int best = 0;
            for (int w = 1; w < lastRow.length; w++) {
                best = lastRow[w] > lastRow[best] ? w : best;
            }
            assertThat(target).as("dla.target is the last position's argmax").isEqualTo(best);
            assertThat(trace.entry("dla.attn_heads").shape()).containsExactly(config.layers(), config.heads());
            for (String single : new String[] {"dla.target", "dla.embed", "dla.ln_f_bias"}) {
                assertThat(trace.entry(single).shape()).as(single).containsExactly(1);
            }
            double[] attn = widen(floats(trace, "dla.attn"));
            float[] heads = floats(trace, "dla.attn_heads");
            double[][] perHead = new double[config.layers()][config.heads()];
            for (int l = 0; l < config.layers(); l++) {
                for (int h = 0; h < config.heads(); h++) {
                    perHead[l][h] = heads[l * config.heads() + h];
                }
            }
            assertMatches(target, floats(trace, "dla.embed")[0], attn, perHead, widen(floats(trace, "dla.mlp")),
                    floats(trace, "dla.ln_f_bias")[0], expected, config, target);
            assertThat(trace.metadata()).containsKey("prompt");
        }
    }

    /** Each part against the formula on the oracle, conservation, and the per-head split. */
    private static void assertMatches(long target, double embed, double[] attn, double[][] attnHeads, double[] mlp,
                                      double lnFBias, ReferenceAttribution expected, Gpt2Config config,
                                      long expectedTarget) {
        assertThat(target).isEqualTo(expectedTarget);
        int last = expected.logits.length - 1;
        double logit = expected.logits[last][(int) target];
        double scale = scale(logit, attn);
        for (double m : mlp) {
            scale = Math.max(scale, Math.abs(m));
        }
        scale = Math.max(scale, Math.max(Math.abs(embed), Math.abs(lnFBias)));

        assertClose("embed", embed, expected.ofRow("embed.sum"), scale);
        assertClose("ln_f bias term", lnFBias, expected.biasTerm, scale);
        double sum = embed + lnFBias;
        for (int l = 0; l < config.layers(); l++) {
            assertClose("attn of layer " + l, attn[l], expected.ofRow("h." + l + ".attn.proj"), scale);
            assertClose("mlp of layer " + l, mlp[l], expected.ofRow("h." + l + ".mlp.proj"), scale);
            double heads = 0;
            for (int h = 0; h < config.heads(); h++) {
                assertClose("head " + l + "." + h, attnHeads[l][h], expected.ofHead(l, h, config.heads()), scale);
                heads += attnHeads[l][h];
            }
            assertClose("sum of layer " + l + "'s heads + its c_proj bias term", heads + expected.ofAttentionBias(l),
                    attn[l], scale);
            sum += attn[l] + mlp[l];
        }
        assertClose("embed + sum(attn) + sum(mlp) + ln_f bias == logit", sum, logit, Math.abs(logit));
    }

    private static double scale(double logit, double[] parts) {
        double scale = Math.abs(logit);
        for (double p : parts) {
            scale = Math.max(scale, Math.abs(p));
        }
        return scale;
    }

    private static void assertClose(String what, double actual, double expected, double scale) {
        assertThat(Math.abs(actual - expected))
                .as("%s: got %s, expected %s (relative to %s)", what, actual, expected, scale)
                .isLessThanOrEqualTo(TOLERANCE * Math.max(scale, 1e-30));
    }

    private static Checkpoint tied(Checkpoint checkpoint) {
        SortedMap<String, FloatTensor> parameters = new TreeMap<>(checkpoint.parameters());
        FloatTensor wte = parameters.get("wte.weight");
        parameters.put("lm_head.weight", new FloatTensor("lm_head.weight", wte.shape(), wte.view()));
        return new Checkpoint(checkpoint.source(), checkpoint.config(), parameters);
    }

    private static float[] floats(SafetensorsFile file, String name) {
        FloatBuffer values = file.floats(name);
        float[] out = new float[values.remaining()];
        values.get(out);
        return out;
    }

    private static double[] widen(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
