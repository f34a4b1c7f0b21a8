package io.github.gpt2explainer.forward;

import ai.djl.ndarray.NDManager;
import io.github.gpt2explainer.model.Gpt2Config;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Nothing runs past n_positions; the error says the limit. */
class ContextLimitTest {

    private static final Gpt2Config CONFIG = new Gpt2Config(50257, 8, 32, 1, 4, 1e-5);

    @Test
    void prefillAndDecodeStopAtTheContextLimit() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch");
             Gpt2Model model = Gpt2Model.load(TestCheckpoints.random(CONFIG, 50), manager);
             KvCache cache = model.newCache()) {
            assertThatThrownBy(() -> model.forward(new long[9], CaptureSpec.none()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("context limit (n_positions) is 8")
                    .hasMessageContaining("9 positions");

            model.prefill(cache, new long[7], CaptureSpec.none());
            StepResult last = model.decode(cache, 3, CaptureSpec.none()); // position 7: the last one allowed
            assertThat(last.lastPosition()).isEqualTo(7);
            assertThat(cache.length()).isEqualTo(8);
            assertThatThrownBy(() -> model.decode(cache, 3, CaptureSpec.none()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("8 cached + 1 new tokens = 9 positions")
                    .hasMessageContaining("context limit (n_positions) is 8");
            assertThat(cache.length()).isEqualTo(8);
        }
    }
}
