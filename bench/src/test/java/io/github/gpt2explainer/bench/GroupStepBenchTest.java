package io.github.gpt2explainer.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.gpt2explainer.runs.Generator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GroupStepBenchTest {

    @Test
    void theBuildsDecodeStepsAreCountedByTheirRowsAndNothingElseIs() {
        List<SiteBuildBench.Phase> phases = List.of(
                new SiteBuildBench.Phase("prompt: captured prefill", 20, 2.7, 5.2),
                new SiteBuildBench.Phase(Generator.decodeStepsPhase(60), 15, 3.3, 6.1),
                new SiteBuildBench.Phase(Generator.decodeStepsPhase(40), 15, 2.5, 4.6),
                new SiteBuildBench.Phase(Generator.decodeStepsPhase(60), 2, 0.4, 0.7), // a second build's table
                new SiteBuildBench.Phase("prompt: generation (batched decode and sampling)", 2, 11.5, 21.8));

        assertThat(GroupStepBench.stepsByRows(phases)).isEqualTo(Map.of(40, 15, 60, 17));
    }
}
