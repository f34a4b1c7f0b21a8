package io.github.gpt2explainer.insight;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.github.gpt2explainer.cli.Main;
import io.github.gpt2explainer.forward.CaptureSpec;
import io.github.gpt2explainer.forward.Gpt2Model;
import io.github.gpt2explainer.forward.ReferenceGpt2;
import io.github.gpt2explainer.forward.StepResult;
import io.github.gpt2explainer.forward.TestCheckpoints;
import io.github.gpt2explainer.model.Checkpoint;
import io.github.gpt2explainer.model.FloatTensor;
import io.github.gpt2explainer.model.Gpt2Config;
import io.github.gpt2explainer.model.HfCheckpointWriter;
import io.github.gpt2explainer.model.HfCheckpointWriter.Options;
import io.github.gpt2explainer.model.SafetensorsFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Occlusion against the double-precision oracle: for each position the oracle runs the prompt with that
 * token replaced by {@code <|endoftext|>} and the drop of the target's log-probability must match; a
 * checkpoint whose attention writes nothing, so that the prediction provably depends on the last token only;
 * and the {@code trace} export.
 */
class InputAttributionTest {

    private static final long END_OF_TEXT = 50256;
    /** Absolute, in nats: float32 logits against double ones, log-probabilities around -11. */
    private static final double TOLERANCE = 2e-4;
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
                Arguments.of(new Gpt2Config(50257, 64, 32, 2, 4, 1e-5), 41L, 7),
                Arguments.of(new Gpt2Config(50257, 32, 48, 3, 6, 1e-5), 42L, 12));
    }

    @ParameterizedTest(name = "{0}, T={2}")
    @MethodSource("shapes")
    void eachPositionsOcclusionMatchesTheOracleRunWithThatTokenReplaced(Gpt2Config config, long seed, int length) {
        Checkpoint checkpoint = TestCheckpoints.random(config, seed);
        long[] tokens = TestCheckpoints.randomTokens(config, length, seed + 1);
        tokens[2] = END_OF_TEXT; // a position that already holds the neutral token: its occlusion is 0
        try (Gpt2Model model = Gpt2Model.load(checkpoint, manager)) {
            long target = argmax(model, tokens);
            InputAttribution attribution = InputAttribution.of(model, tokens, target, END_OF_TEXT);

            double[] expected = referenceOcclusion(checkpoint, tokens, target);
            assertThat(attribution.baseline()).isCloseTo(referenceLogProb(new ReferenceGpt2(checkpoint), tokens, target),
                    org.assertj.core.data.Offset.offset(TOLERANCE));
            assertOcclusionMatches(attribution.occlusion(), expected);
            assertThat(attribution.occlusion()[2]).isZero();
            assertThat(attribution.target()).isEqualTo(target);
            assertThat(attribution.neutral()).isEqualTo(END_OF_TEXT);

            // As a build runs it: the baseline from the captured prefill's own last logits, no pass of its own.
            // Then the copies continue the keys and values the prefill recorded, or a pass over the prompt's prefix.
            try (var prefill = model.forward(tokens, CaptureSpec.all())) {
                float[] lastLogits = prefill.lastLogits();
                for (InputAttribution given : List.of(
                        InputAttribution.of(model, prefill.trace(), target, END_OF_TEXT, lastLogits),
                        InputAttribution.of(model, tokens, target, END_OF_TEXT, lastLogits))) {
                    assertThat(given.baseline()).isCloseTo(referenceLogProb(new ReferenceGpt2(checkpoint), tokens, target),
                            org.assertj.core.data.Offset.offset(TOLERANCE));
                    assertOcclusionMatches(given.occlusion(), expected);
                    assertThat(given.occlusion()[2]).isZero();
                }
            }
        }
    }

    @Test
    void oneSequencePerPassAndUnevenBatchesGiveTheSameValuesAsOneBatch() {
        Gpt2Config config = new Gpt2Config(50257, 32, 32, 2, 4, 1e-5);
        Checkpoint checkpoint = TestCheckpoints.random(config, 71);
        long[] tokens = TestCheckpoints.randomTokens(config, 9, 72);
        int t = tokens.length;
        long perSequence = (long) t * Math.max(4L * t, 4L * 32); // one full-length copy's largest intermediate (H=4, E=32)
        try (Gpt2Model model = Gpt2Model.load(checkpoint, manager)) {
            long target = argmax(model, tokens);
            double[] together = InputAttribution.of(model, tokens, target, END_OF_TEXT).occlusion();
            for (long sequencesPerPass : new long[] {1, 3}) { // one copy per pass, or uneven chunks (shorter copies fit more)
                double[] split = InputAttribution.of(model, tokens, target, END_OF_TEXT,
                        sequencesPerPass * perSequence).occlusion();
                for (int i = 0; i < t; i++) {
                    assertThat(split[i]).as("position %d, %d sequences per pass", i, sequencesPerPass)
                            .isCloseTo(together[i], org.assertj.core.data.Offset.offset(1e-5));
                }
            }
            assertThat(java.util.Arrays.stream(together).map(Math::abs).max().orElse(0))
                    .as("a check that can fail: some token matters").isGreaterThan(1e-3);
        }
    }

    @Test
    void whenAttentionWritesNothingOnlyTheLastTokenMatters() {
        Gpt2Config config = new Gpt2Config(50257, 32, 32, 2, 4, 1e-5);
        // c_proj.weight = 0 in every layer: no position reads another, the last row of the residual stream
        // is a function of the last token and its position alone (the c_proj bias is kept).
        Checkpoint checkpoint = withZeroed(TestCheckpoints.random(config, 51),
                "h.0.attn.c_proj.weight", "h.1.attn.c_proj.weight");
        long[] tokens = TestCheckpoints.randomTokens(config, 8, 52);
        try (Gpt2Model model = Gpt2Model.load(checkpoint, manager)) {
            long target = argmax(model, tokens);
            double[] occlusion = InputAttribution.of(model, tokens, target, END_OF_TEXT).occlusion();
            for (int i = 0; i < tokens.length - 1; i++) {
                assertThat(Math.abs(occlusion[i])).as("occlusion of position %d", i).isLessThan(1e-5);
            }
            double last = occlusion[tokens.length - 1];
            assertThat(last).as("the last token's occlusion, the only one that can matter").isGreaterThan(1e-3);
            assertThat(last).isCloseTo(referenceOcclusion(checkpoint, tokens, target)[tokens.length - 1],
                    org.assertj.core.data.Offset.offset(TOLERANCE));
        }
    }

    @Test
    void traceWritesTheOcclusionOfItsPredictionItsSharesAndTheNeutralTokenUnlessToldNot(@TempDir Path dir) {
        Gpt2Config config = new Gpt2Config(50257, 32, 32, 2, 4, 1e-5);
        Checkpoint checkpoint = TestCheckpoints.random(config, 61);
        Path model = dir.resolve("model");
        HfCheckpointWriter.write(checkpoint, model, Options.defaults().withTiedHead(false));
        Path out = dir.resolve("trace.safetensors");
        String prompt = "Data visualization empowers users to";
        long[] ids = {6601, 32704, 795, 30132, 2985, 284}; // the reference tokenizer's ids of the prompt

        StringWriter err = new StringWriter();
        int exit = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err),
                "trace", "--model", model.toString(), "--prompt", prompt, "--out", out.toString());
        assertThat(exit).as("exit code; stderr: %s", err).isZero();

        try (SafetensorsFile trace = SafetensorsFile.open(out)) {
            long target = trace.longs("dla.target").get(0);
            assertThat(trace.longs(InputAttribution.NEUTRAL).get(0)).isEqualTo(END_OF_TEXT);
            assertThat(trace.entry(InputAttribution.OCCLUSION).shape()).containsExactly(ids.length);
            assertThat(trace.entry(InputAttribution.SHARE).shape()).containsExactly(ids.length);
            double[] expected = referenceOcclusion(checkpoint, ids, target);
            float[] occlusion = floats(trace, InputAttribution.OCCLUSION);
            assertOcclusionMatches(widen(occlusion), expected);
            double total = 0;
            for (double o : expected) {
                total += Math.abs(o);
            }
            float[] shares = floats(trace, InputAttribution.SHARE);
            for (int i = 0; i < ids.length; i++) {
                assertThat((double) shares[i]).as("share of position %d", i)
                        .isCloseTo(expected[i] / total, org.assertj.core.data.Offset.offset(1e-3));
            }
            assertThat(trace.metadata().get("attr.method")).contains("occlusion").contains("50256");
        }

        Path without = dir.resolve("without.safetensors");
        exit = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "trace", "--model", model.toString(),
                "--prompt", prompt, "--out", without.toString(), "--no-attribution");
        assertThat(exit).as("exit code with --no-attribution; stderr: %s", err).isZero();
        try (SafetensorsFile trace = SafetensorsFile.open(without)) {
            assertThat(trace.names()).contains("dla.target").noneMatch(name -> name.startsWith("attr."));
            assertThat(trace.metadata()).doesNotContainKey("attr.method");
        }
    }

    /** occlusion[i] = log p(target | tokens) - log p(target | tokens with token i := <|endoftext|>), on the oracle. */
    private static double[] referenceOcclusion(Checkpoint checkpoint, long[] tokens, long target) {
        ReferenceGpt2 reference = new ReferenceGpt2(checkpoint);
        double baseline = referenceLogProb(reference, tokens, target);
        double[] occlusion = new double[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            long[] occluded = tokens.clone();
            occluded[i] = END_OF_TEXT;
            occlusion[i] = baseline - referenceLogProb(reference, occluded, target);
        }
        return occlusion;
    }

    private static double referenceLogProb(ReferenceGpt2 reference, long[] tokens, long target) {
        double[] logits = reference.run(tokens).get("logits").data(); // [1, V], the last position
        double max = Double.NEGATIVE_INFINITY;
        for (double v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (double v : logits) {
            sum += Math.exp(v - max);
        }
        return logits[(int) target] - max - Math.log(sum);
    }

    private static void assertOcclusionMatches(double[] actual, double[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        boolean anyNonZero = false;
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("occlusion of position %d", i)
                    .isCloseTo(expected[i], org.assertj.core.data.Offset.offset(TOLERANCE));
            anyNonZero |= Math.abs(expected[i]) > 10 * TOLERANCE;
        }
        assertThat(anyNonZero).as("some token matters well beyond the tolerance, so the check can fail").isTrue();
    }

    private static long argmax(Gpt2Model model, long[] tokens) {
        try (StepResult result = model.forward(tokens, CaptureSpec.none())) {
            float[] last = result.lastLogits();
            return DirectLogitAttribution.argmax(last, 0, last.length);
        }
    }

    private static Checkpoint withZeroed(Checkpoint checkpoint, String... names) {
        SortedMap<String, FloatTensor> parameters = new TreeMap<>(checkpoint.parameters());
        for (String name : names) {
            FloatTensor original = parameters.get(name);
            int n = Math.toIntExact(original.size());
            FloatBuffer zeros = ByteBuffer.allocateDirect(n * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
            parameters.put(name, new FloatTensor(name, original.shape(), zeros));
        }
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
