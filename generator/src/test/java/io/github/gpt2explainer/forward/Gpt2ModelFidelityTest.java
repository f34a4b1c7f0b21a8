package io.github.gpt2explainer.forward;

import ai.djl.ndarray.NDManager;
import io.github.gpt2explainer.model.Checkpoint;
import io.github.gpt2explainer.model.CheckpointException;
import io.github.gpt2explainer.model.Gpt2Config;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

/** Every captured intermediate of the DJL pass against the double-precision oracle. */
class Gpt2ModelFidelityTest {

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

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of(new Gpt2Config(50257, 64, 32, 2, 4, 1e-5), 11L, 13),
                Arguments.of(new Gpt2Config(50257, 64, 64, 3, 4, 1e-5), 12L, 29),
                Arguments.of(new Gpt2Config(50257, 64, 48, 2, 4, 1e-3), 13L, 64)); // fills the context
    }

    @ParameterizedTest(name = "{0}, T={2}")
    @MethodSource("models")
    void everyIntermediateMatchesTheOracle(Gpt2Config config, long seed, int length) {
        Checkpoint checkpoint = TestCheckpoints.random(config, seed);
        long[] tokens = TestCheckpoints.randomTokens(config, length, seed + 100);
        Map<String, ReferenceGpt2.Tensor> expected = new ReferenceGpt2(checkpoint).run(tokens);

        try (Gpt2Model model = Gpt2Model.load(checkpoint, manager)) {
            StepResult result = model.forward(tokens, CaptureSpec.all());
            CapturedPass trace = result.trace();

            assertThat(trace.tokens()).isEqualTo(tokens);
            assertThat(trace.startPosition()).isZero();
            assertThat(trace.names()).containsExactlyElementsOf(CaptureNames.all(config.layers()));
            assertThat(expected.keySet()).containsExactlyElementsOf(CaptureNames.all(config.layers()));
            for (String name : CaptureNames.all(config.layers())) {
                TensorComparison.assertClose(name, trace.get(name), expected.get(name), TOLERANCE);
            }
            assertThat(trace.get("logits").shape()).containsExactly(1, config.vocabSize());
            assertThat(result.lastLogits()).containsExactly(trace.get("logits").toArray());
            assertThat(result.lastPosition()).isEqualTo(length - 1);
        }
    }

    @Test
    void maskedScoresAreMinusInfinityAndGetZeroAttention() {
        Gpt2Config config = TestCheckpoints.tinyConfig();
        try (Gpt2Model model = Gpt2Model.load(TestCheckpoints.random(config, 5), manager)) {
            CapturedPass trace = model.forward(TestCheckpoints.randomTokens(config, 6, 6), CaptureSpec.all()).trace();
            CapturedTensor masked = trace.get("h.1.attn.masked");
            CapturedTensor softmax = trace.get("h.1.attn.softmax");
            CapturedTensor scaled = trace.get("h.1.attn.scaled");
            for (int head = 0; head < config.heads(); head++) {
                for (int query = 0; query < 6; query++) {
                    double rowSum = 0;
                    for (int key = 0; key < 6; key++) {
                        if (key > query) {
                            assertThat(masked.at(head, query, key)).isEqualTo(Float.NEGATIVE_INFINITY);
                            assertThat(softmax.at(head, query, key)).isEqualTo(0f);
                        } else {
                            assertThat(masked.at(head, query, key)).isEqualTo(scaled.at(head, query, key));
                            assertThat(softmax.at(head, query, key)).isPositive();
                        }
                        rowSum += softmax.at(head, query, key);
                    }
                    assertThat(rowSum).isCloseTo(1.0, offset(1e-5));
                }
            }
        }
    }

    @Test
    void aCheckpointWithAWrongShapeIsRejectedNamingTheTensor() {
        Gpt2Config config = TestCheckpoints.tinyConfig();
        Checkpoint good = TestCheckpoints.random(config, 7);
        Gpt2Config wider = new Gpt2Config(config.vocabSize(), config.contextLength(), 64, config.layers(), 4, 1e-5);
        Checkpoint mismatched = new Checkpoint("mismatch.safetensors", wider, good.parameters());
        assertThatThrownBy(() -> Gpt2Model.load(mismatched, manager))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("mismatch.safetensors")
                .hasMessageContaining("wte.weight")
                .hasMessageContaining("[50257, 32]")
                .hasMessageContaining("[50257, 64]");
    }
}
