package io.github.gpt2explainer.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.gpt2explainer.sampling.Rng;
import io.github.gpt2explainer.trace.GenerationRun;
import io.github.gpt2explainer.trace.GenerationStep;
import io.github.gpt2explainer.trace.StopReason;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sampling loop's stopping, position and draw rules, driven by a scripted "model" over a 10-token vocabulary. */
class GenerationLoopTest {

    private static final int VOCAB = 10;
    private static final long EOT = 9;

    /** Logits whose greedy choice is {@code id}. */
    private static float[] peakAt(long id) {
        float[] logits = new float[VOCAB];
        logits[(int) id] = 5f;
        return logits;
    }

    /** Row 0 counts upwards (6, 7, 8, 9 = end-of-text); row 1 always predicts 3. Records what it was fed. */
    private static final class Script implements DecodeStep {
        final List<long[]> fed = new ArrayList<>();

        @Override
        public List<float[]> advance(long[] nextIds) {
            fed.add(nextIds.clone());
            return List.of(peakAt((nextIds[0] + 1) % VOCAB), peakAt(3));
        }
    }

    private static List<GenerationLoop.Settings> greedy(int runs) {
        List<GenerationLoop.Settings> settings = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            settings.add(new GenerationLoop.Settings(0.0, 100 + i, 0, 1.0));
        }
        return settings;
    }

    @Test
    void endOfTextStopsOnlyItsRunAndIsRecordedAsTheLastStep() {
        Script script = new Script();
        List<Integer> afterSteps = new ArrayList<>();
        List<GenerationRun> runs = GenerationLoop.run(peakAt(6), 5, 100, 8, EOT, greedy(2), script, afterSteps::add);

        assertThat(runs.get(0).tokenIds()).containsExactly(6, 7, 8, 9);
        assertThat(runs.get(0).stopReason()).isEqualTo(StopReason.END_OF_TEXT);
        assertThat(runs.get(1).tokenIds()).containsExactly(6, 3, 3, 3, 3, 3, 3, 3);
        assertThat(runs.get(1).stopReason()).isEqualTo(StopReason.MAX_NEW_TOKENS);
        // 8 tokens need 7 decoding steps; the stopped row keeps being fed its last token.
        assertThat(script.fed).hasSize(7);
        assertThat(script.fed.get(3)).containsExactly(9, 3);
        assertThat(script.fed.get(6)).containsExactly(9, 3);
        assertThat(afterSteps).as("one call per sampled round, the last included").containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(runs.get(1).steps()).extracting(GenerationStep::position).containsExactly(5, 6, 7, 8, 9, 10, 11, 12);
    }

    @Test
    void theContextLimitEndsGenerationWhenTheSequenceFillsEveryPosition() {
        List<GenerationRun> runs = GenerationLoop.run(peakAt(2), 5, 8, 10, EOT, greedy(2), new Script(), s -> { });
        for (GenerationRun run : runs) {
            assertThat(run.steps()).extracting(GenerationStep::position).containsExactly(5, 6, 7);
            assertThat(run.stopReason()).isEqualTo(StopReason.CONTEXT_LIMIT);
        }
    }

    @Test
    void oneNewTokenNeedsNoDecodingStep() {
        Script script = new Script();
        List<GenerationRun> runs = GenerationLoop.run(peakAt(4), 3, 10, 1, EOT, greedy(1), script, s -> { });
        assertThat(runs.get(0).tokenIds()).containsExactly(4);
        assertThat(runs.get(0).stopReason()).isEqualTo(StopReason.MAX_NEW_TOKENS);
        assertThat(script.fed).isEmpty();
    }

    @Test
    void everyStepTakesOneDrawFromTheRunsOwnGeneratorGreedyIncluded() {
        List<GenerationLoop.Settings> settings = List.of(new GenerationLoop.Settings(0.0, 11, 0, 1.0),
                new GenerationLoop.Settings(1.5, 22, 0, 1.0));
        List<GenerationRun> runs = GenerationLoop.run(peakAt(3), 2, 100, 5, EOT, settings,
                ids -> List.of(peakAt(3), peakAt(3)), s -> { });
        for (int r = 0; r < 2; r++) {
            Rng expected = new Rng(settings.get(r).seed());
            for (GenerationStep step : runs.get(r).steps()) {
                assertThat(step.draw()).isEqualTo(expected.nextDouble());
            }
            assertThat(runs.get(r).seed()).isEqualTo(settings.get(r).seed());
            assertThat(runs.get(r).temperature()).isEqualTo(settings.get(r).temperature());
        }
        assertThat(runs.get(0).steps()).allSatisfy(step -> assertThat(step.probability()).isEqualTo(1.0));
        assertThat(runs.get(1).steps()).allSatisfy(step -> assertThat(step.candidates()).hasSize(10));
    }

    @Test
    void aPromptThatFillsTheContextIsRefused() {
        assertThatThrownBy(() -> GenerationLoop.run(peakAt(1), 8, 8, 4, EOT, greedy(1), new Script(), s -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the prompt has 8 tokens")
                .hasMessageContaining("context of 8");
    }
}
