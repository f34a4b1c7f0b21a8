package io.github.gpt2explainer.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LivePageBenchTest {

    /** The phases come from the lines of prompts the model ran, the first (which loaded the weights) left out. */
    @Test
    void phasesAreReadFromTheServerLogOfTheNewPrompts() {
        String log = String.join("\n",
                "Trace store: /tmp/store",
                "Live: a in 5000 ms (model ran: model load 3000 ms, prefill 400 ms, generation 900 ms, lens+insight 500 ms, "
                        + "render 150 ms, store write 120 ms, store wait 0 ms)",
                "Live: b in 1900 ms (model ran: prefill 300 ms, generation 800 ms, lens+insight 400 ms, render 100 ms, "
                        + "store write 90 ms, store wait 2 ms)",
                "Live: c in 2100 ms (model ran: prefill 500 ms, generation 1000 ms, lens+insight 600 ms, render 200 ms, "
                        + "store write 110 ms, store wait 4 ms)",
                "Live: b in 20 ms (from the trace store)", "");
        Map<String, Samples> phases = LivePageBench.phases(log, 2);
        assertThat(phases.keySet()).containsExactly("prefill", "generation", "lens+insight", "render", "store write",
                "store wait");
        assertThat(phases.get("prefill").values()).containsExactly(300, 500);
        assertThat(phases.get("store wait").median()).isEqualTo(3);
    }
}
