package io.github.gpt2explainer.timing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code build --timings}: phases add up per name, in first-seen order, and nothing is kept while it is off. */
class PhaseTimesTest {

    @AfterEach
    void off() {
        PhaseTimes.disable();
    }

    @Test
    void spansOfOnePhaseAddUpAndTheTableListsPhasesInFirstSeenOrder() throws InterruptedException {
        PhaseTimes times = PhaseTimes.enable();
        for (int i = 0; i < 3; i++) {
            try (PhaseTimes.Span span = PhaseTimes.phase("decode")) {
                Thread.sleep(20);
            }
        }
        PhaseTimes.record("jvm start", 1_500_000_000L, 250_000_000L);

        var table = times.table();

        assertThat(table.get(0)).isEqualTo("timing | phase | calls | wall s | CPU s");
        assertThat(table.get(1)).startsWith("timing | decode | 3 | 0.0");
        double wall = Double.parseDouble(table.get(1).split(" \\| ")[3]);
        assertThat(wall).isGreaterThanOrEqualTo(0.06).isLessThan(5.0);
        assertThat(table.get(2)).isEqualTo("timing | jvm start | 1 | 1.50 | 0.25");
        assertThat(table.get(3)).startsWith("timing | total (since timing started) | 1 | ");
        assertThat(table).hasSize(4);
    }

    @Test
    void nothingIsRecordedWhileOff() {
        try (PhaseTimes.Span span = PhaseTimes.phase("before")) {
            // off: a no-op span
        }
        PhaseTimes times = PhaseTimes.enable();
        PhaseTimes.disable();
        try (PhaseTimes.Span span = PhaseTimes.phase("after")) {
            // off again
        }
        assertThat(times.table()).hasSize(2); // the header and the total only
    }
}
