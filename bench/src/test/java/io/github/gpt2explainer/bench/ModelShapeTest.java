package io.github.gpt2explainer.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelShapeTest {

    @Test
    void parameterCountsAreTheHubModelsCounts() {
        // What transformers' num_parameters() reports for the tied-head Hub models.
        assertThat(ModelShape.SMALL.parameters()).isEqualTo(124_439_808L);
        assertThat(ModelShape.MEDIUM.parameters()).isEqualTo(354_823_168L);
        assertThat(ModelShape.LARGE.parameters()).isEqualTo(774_030_080L);
        assertThat(ModelShape.XL.parameters()).isEqualTo(1_557_611_200L);
        assertThat(ModelShape.XL.weightBytes()).isEqualTo(4 * 1_557_611_200L);
    }

    @Test
    void parsesAListAndNamesAnUnknownShape() {
        assertThat(ModelShape.parseList("medium, XL,medium")).containsExactly(ModelShape.MEDIUM, ModelShape.XL);
        assertThatThrownBy(() -> ModelShape.parseList("small,huge"))
                .hasMessageContaining("'huge'").hasMessageContaining("small, medium, large, xl");
    }
}
