package io.github.gpt2explainer.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SamplesTest {

    @Test
    void medianOfOddAndEvenCountsIgnoresInputOrder() {
        assertThat(Samples.of(9, 1, 5).median()).isEqualTo(5);
        assertThat(Samples.of(4, 1, 3, 2).median()).isEqualTo(2.5);
    }

    @Test
    void quartilesInterpolateBetweenOrderStatisticsLikeNumpy() {
        // numpy.percentile([1, 2, 3, 4, 10], [25, 75]) == [2.0, 4.0]; ([1, 2, 3, 4], 25) == 1.75
        Samples s = Samples.of(10, 3, 1, 4, 2);
        assertThat(s.quantile(0.25)).isEqualTo(2.0);
        assertThat(s.quantile(0.75)).isEqualTo(4.0);
        assertThat(Samples.of(1, 2, 3, 4).quantile(0.25)).isCloseTo(1.75, within(1e-12));
        assertThat(s.min()).isEqualTo(1);
        assertThat(s.max()).isEqualTo(10);
    }

    @Test
    void mapTransformsEverySampleSoRatesHaveTheirOwnSpread() {
        Samples rates = Samples.of(10, 20, 40).map(ms -> 1000 / ms);
        assertThat(rates.min()).isEqualTo(25);
        assertThat(rates.max()).isEqualTo(100);
        assertThat(rates.median()).isEqualTo(50);
    }

    @Test
    void describeShowsMedianRangeIqrAndCount() {
        assertThat(Samples.of(1, 2, 3, 4, 10).describe(1)).isEqualTo("3.0 (1.0-10.0, IQR 2.0-4.0, n=5)");
    }

    @Test
    void rejectsNoMeasurementsAndBadQuantiles() {
        assertThatThrownBy(Samples::of).hasMessageContaining("no measurements");
        assertThatThrownBy(() -> Samples.of(1).quantile(1.5)).hasMessageContaining("[0, 1]");
    }

    @Test
    void stopwatchCountsOnlyTheRepetitionsAfterWarmUp() {
        int[] calls = {0};
        Samples s = new Stopwatch(2, 5).time(() -> calls[0]++);
        assertThat(calls[0]).isEqualTo(7);
        assertThat(s.count()).isEqualTo(5);
    }
}
