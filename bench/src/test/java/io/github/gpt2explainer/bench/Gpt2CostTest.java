package io.github.gpt2explainer.bench;

import io.github.gpt2explainer.model.Gpt2Config;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class Gpt2CostTest {

    private static final Gpt2Config SMALL = BenchCheckpoint.GPT2_SMALL;

    @Test
    void decodeReadsTheMatricesAndHeadOfGpt2SmallOnce() {
        // GPT-2 small has 124,439,808 parameters; without wpe (786,432), biases and layer norms
        // (12 x 9,984 + 1,536) the matrices and the tied head are 123,532,032 floats.
        assertThat(Gpt2Cost.decodeWeightBytes(SMALL)).isEqualTo(4.0 * 123_532_032);
    }

    @Test
    void sixteenTokenPrefillIsAboutFourGflopWithAllLogitsAndLessWithTheLastOnly() {
        // 2 flops per weight per token: 2 x 16 x 123.5 M = 3.95 G, plus attention (4 T^2 E per layer).
        double all = Gpt2Cost.prefillFlopsAllLogits(SMALL, 16);
        assertThat(all).isCloseTo(2.0 * 16 * 123_532_032 + 12 * 4.0 * 16 * 16 * 768, within(1.0));
        double lastOnly = Gpt2Cost.prefillFlops(SMALL, 16);
        assertThat(all - lastOnly).isEqualTo(2.0 * 15 * 768 * 50257);
    }
}
