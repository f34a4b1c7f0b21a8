package io.github.gpt2explainer.runs;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.github.gpt2explainer.forward.CaptureSpec;
import io.github.gpt2explainer.forward.Gpt2Model;
import io.github.gpt2explainer.forward.CaptureNames;
import io.github.gpt2explainer.model.Checkpoint;
import io.github.gpt2explainer.model.FloatTensor;
import io.github.gpt2explainer.trace.GenerationRun;
import io.github.gpt2explainer.trace.StopReason;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Generation on a real (tiny, random) model: KV-cached batched decoding against plain full-sequence passes. */
class GeneratorTest {

    private static final long EOT = 50256;
    private static final long[] PROMPT = {464, 2068, 7586, 21831, 18045};

    private static NDManager manager;
    private static Gpt2Model model;

    @BeforeAll
    static void load() {
        manager = NDManager.newBaseManager("PyTorch");
        model = Gpt2Model.load(TinyModels.checkpoint(64, 7), manager);
    }

    @AfterAll
    static void close() {
        model.close();
        manager.close();
    }

    private static GenerationLoop.Settings run(double temperature, long seed) {
        return new GenerationLoop.Settings(temperature, seed, 0, 1.0);
    }

    @Test
    void greedyTokensAreTheArgmaxOfAFullForwardPassOverTheGrowingSequence() {
        Generator.Result result = Generator.run(model, PROMPT, List.of(run(0, 1)), 10, EOT, s -> { });
        int[] tokens = result.generations().get(0).tokenIds();
        assertThat(tokens).hasSize(10);
        long[] sequence = PROMPT.clone();
        for (int token : tokens) {
            float[] logits = model.forward(sequence, CaptureSpec.none()).lastLogits();
            assertThat(token).as("after %s", Arrays.toString(sequence)).isEqualTo(argmax(logits));
            sequence = LongStream.concat(Arrays.stream(sequence), LongStream.of(token)).toArray();
        }
    }

    @Test
    void theSharedPrefillHoldsEveryIntermediateOfThePrompt() {
        Generator.Result result = Generator.run(model, PROMPT, List.of(run(0, 1), run(1, 2)), 3, EOT, s -> { });
        assertThat(result.prefill().tokens()).containsExactly(PROMPT);
        assertThat(result.prefill().names()).containsExactlyElementsOf(CaptureNames.all(2));
        assertThat(result.prefill().get("logits").shape()).containsExactly(1, 50257); // the prediction: last position
    }

    @Test
    void temperaturesBatchedTogetherGiveTheSameTokensAsEachRunAlone() {
        List<GenerationLoop.Settings> settings = List.of(run(0, 5), run(0.7, 6), run(1.3, 7), run(2.0, 8));
        List<GenerationRun> batched = Generator.run(model, PROMPT, settings, 12, EOT, s -> { }).generations();
        for (int i = 0; i < settings.size(); i++) {
            GenerationRun alone = Generator.run(model, PROMPT, List.of(settings.get(i)), 12, EOT, s -> { })
                    .generations().get(0);
            assertThat(batched.get(i).tokenIds()).as("temperature %s", settings.get(i).temperature())
                    .containsExactly(alone.tokenIds());
            for (int s = 0; s < alone.steps().size(); s++) {
                assertThat(batched.get(i).steps().get(s).probability())
                        .isCloseTo(alone.steps().get(s).probability(), org.assertj.core.data.Offset.offset(1e-4));
            }
        }
    }

    @Test
    void theSameSeedRepeatsTheTokensAndAnotherSeedChangesThem() {
        int[] first = Generator.run(model, PROMPT, List.of(run(2.0, 42)), 12, EOT, s -> { }).generations().get(0).tokenIds();
        int[] again = Generator.run(model, PROMPT, List.of(run(2.0, 42)), 12, EOT, s -> { }).generations().get(0).tokenIds();
        int[] other = Generator.run(model, PROMPT, List.of(run(2.0, 43)), 12, EOT, s -> { }).generations().get(0).tokenIds();
        assertThat(again).containsExactly(first);
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void generationStopsAtTheContextLimit() {
        try (NDManager m = NDManager.newBaseManager("PyTorch");
             Gpt2Model small = Gpt2Model.load(TinyModels.checkpoint(PROMPT.length + 3, 7), m)) {
            List<GenerationRun> runs = Generator.run(small, PROMPT, List.of(run(0, 1), run(1.0, 2)), 10, EOT, s -> { })
                    .generations();
            for (GenerationRun r : runs) {
                assertThat(r.tokenIds()).hasSize(3);
                assertThat(r.stopReason()).isEqualTo(StopReason.CONTEXT_LIMIT);
            }
        }
    }

    @Test
    void generationStopsAtEndOfTextWhenTheModelPredictsIt() {
        // ln_f(x) = bias = all ones, and the (tied) head row of <|endoftext|> is all ones: its logit is the
        // width (32) while every other logit is a sum of 32 small weights, so even T = 2 picks end-of-text.
        Checkpoint checkpoint = TinyModels.checkpoint(64, 9);
        fill(checkpoint.tensor("ln_f.weight"), 0, 32, 0f);
        fill(checkpoint.tensor("ln_f.bias"), 0, 32, 1f);
        fill(checkpoint.tensor("lm_head.weight"), (int) EOT * 32, 32, 1f);
        try (NDManager m = NDManager.newBaseManager("PyTorch"); Gpt2Model forced = Gpt2Model.load(checkpoint, m)) {
            List<GenerationRun> runs = Generator.run(forced, PROMPT, List.of(run(0, 1), run(2.0, 2)), 10, EOT, s -> { })
                    .generations();
            for (GenerationRun r : runs) {
                assertThat(r.tokenIds()).containsExactly((int) EOT);
                assertThat(r.stopReason()).isEqualTo(StopReason.END_OF_TEXT);
            }
        }
    }

    private static void fill(FloatTensor tensor, int from, int count, float value) {
        FloatBuffer data = tensor.data();
        for (int i = from; i < from + count; i++) {
            data.put(i, value);
        }
    }

    private static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }
}
