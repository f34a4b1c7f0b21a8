package io.github.gpt2explainer.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.gpt2explainer.cli.Main;
import io.github.gpt2explainer.model.Checkpoint;
import io.github.gpt2explainer.model.Gpt2Config;
import io.github.gpt2explainer.model.HfCheckpointWriter;
import io.github.gpt2explainer.model.HfCheckpointWriter.Options;
import io.github.gpt2explainer.model.SafetensorsDtype;
import io.github.gpt2explainer.model.SafetensorsEntry;
import io.github.gpt2explainer.model.SafetensorsFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The user's path end to end: a seeded random checkpoint written in the Hugging Face format (in each
 * layout a real checkpoint may use), traced with the {@code trace} command, the output file read back,
 * and every tensor compared with the double-precision oracle run on the original weights.
 */
class HuggingFaceCheckpointFidelityTest {

    private static final double TOLERANCE = 1e-4;
    /** GPT-2 ids of this text, known from the reference tokenizer. */
    private static final String PROMPT = "Data visualization empowers users to";
    private static final long[] PROMPT_IDS = {6601, 32704, 795, 30132, 2985, 284};
    private static final Gpt2Config CONFIG = new Gpt2Config(50257, 32, 32, 3, 4, 1e-5);

    static Stream<Arguments> layouts() {
        Options plain = Options.defaults().withTiedHead(false);
        return Stream.of(
                Arguments.of("plain F32", plain),
                Arguments.of("transformer. prefix", plain.withTransformerPrefix(true)),
                Arguments.of("legacy attn.bias buffers", plain.withLegacyAttentionBuffers(true)),
                Arguments.of("sharded in 3", plain.withShards(3)),
                Arguments.of("F16", plain.withDtype(SafetensorsDtype.F16)),
                Arguments.of("BF16 with prefix, sharded", plain.withDtype(SafetensorsDtype.BF16)
                        .withTransformerPrefix(true).withShards(2)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void traceOfAHuggingFaceCheckpointMatchesTheOracle(String layout, Options options, @TempDir Path dir) {
        Checkpoint original = TestCheckpoints.random(CONFIG, 42);
        Path model = dir.resolve("model");
        HfCheckpointWriter.write(original, model, options);
        Path out = dir.resolve("trace.safetensors");

        StringWriter err = new StringWriter();
        int exit = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err),
                "trace", "--model", model.toString(), "--prompt", PROMPT, "--out", out.toString());
        assertThat(exit).as("exit code; stderr: %s", err).isZero();

        Checkpoint asStored = TestCheckpoints.roundedTo(original, options.dtype());
        ReferenceGpt2 reference = new ReferenceGpt2(asStored);
        Map<String, ReferenceGpt2.Tensor> expected = reference.run(PROMPT_IDS);
        expected.put("logits", everyPosition(reference.logitsAtEveryPosition(expected))); // trace writes [T, V]
        try (SafetensorsFile trace = SafetensorsFile.open(out)) {
            LongBuffer tokens = trace.longs("tokens");
            long[] ids = new long[tokens.remaining()];
            tokens.get(ids);
            assertThat(ids).containsExactly(PROMPT_IDS);
            assertThat(trace.names()).containsAll(expected.keySet());
            for (Map.Entry<String, ReferenceGpt2.Tensor> e : expected.entrySet()) {
                SafetensorsEntry entry = trace.entry(e.getKey());
                assertThat(entry.dtype()).isEqualTo(SafetensorsDtype.F32);
                FloatBuffer values = trace.floats(e.getKey());
                float[] actual = new float[values.remaining()];
                values.get(actual);
                TensorComparison.assertClose(e.getKey(), entry.shape(), actual, e.getValue().shape(),
                        e.getValue().data(), TOLERANCE);
            }
        }
    }

    static ReferenceGpt2.Tensor everyPosition(double[][] logits) {
        int v = logits[0].length;
        double[] flat = new double[logits.length * v];
        for (int t = 0; t < logits.length; t++) {
            System.arraycopy(logits[t], 0, flat, t * v, v);
        }
        return new ReferenceGpt2.Tensor(new long[] {logits.length, v}, flat);
    }

}
