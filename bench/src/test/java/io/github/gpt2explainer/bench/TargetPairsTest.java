package io.github.gpt2explainer.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The conversion of paired probe runs into floors, with a fake probe (no native arrays, no model). */
class TargetPairsTest {

    @Test
    void aComputeProbeBecomesTheFloorOfEachPairAtThatPairsRate() {
        // The probe does 16 GFLOP per run. Pair 1: prefill 40 ms, probe 80 ms (200 GFLOP/s);
        // pair 2: prefill 90 ms, probe 160 ms (100 GFLOP/s: the machine was busy for both).
        MachineFloors.Probe probe = new MachineFloors.Probe("SGEMM fake", 16e9, MachineFloors.GFLOPS, null, () -> { });
        Paired raw = new Paired(Samples.of(40, 90), Samples.of(80, 160), Samples.of(40.0 / 80, 90.0 / 160));

        // A 4 GFLOP prefill: floor 20 ms at 200 GFLOP/s and 40 ms at 100 GFLOP/s -> ratios 2.0 and 2.25.
        TargetPairs.FloorRatio floor = TargetPairs.floorRatio(probe, raw, 4e9);
        assertThat(floor.probeRate().values()).containsExactly(new double[] {100, 200}, within(1e-9));
        assertThat(floor.pairs().b().values()).containsExactly(new double[] {20, 40}, within(1e-9));
        assertThat(floor.pairs().ratio().values()).containsExactly(new double[] {2.0, 2.25}, within(1e-9));
        assertThat(floor.describeWork()).isEqualTo("4.00 GFLOP");
        assertThat(floor.describeRate()).isEqualTo("150.0 GFLOP/s");

        // The stricter floor of the same pairs (fewer flops) gives larger ratios, from the same samples.
        TargetPairs.FloorRatio stricter = TargetPairs.floorRatio(probe, raw, 2e9);
        assertThat(stricter.pairs().ratio().values()).containsExactly(new double[] {4.0, 4.5}, within(1e-9));
        assertThat(stricter.pairs().a()).isSameAs(raw.a());
    }

    @Test
    void aBandwidthProbeBecomesTheTimeToReadTheStepsWeightsOnce() {
        // 1 GB read in 40 ms (25 GB/s); the decode step needs 500 MB: floor 20 ms; the step took 30 ms.
        MachineFloors.Probe probe = new MachineFloors.Probe("sum fake", 1e9, MachineFloors.GBS, null, () -> { });
        Paired raw = new Paired(Samples.of(30), Samples.of(40), Samples.of(30.0 / 40));
        TargetPairs.FloorRatio floor = TargetPairs.floorRatio(probe, raw, 500e6);
        assertThat(floor.pairs().b().median()).isCloseTo(20, within(1e-9));
        assertThat(floor.pairs().ratio().median()).isCloseTo(1.5, within(1e-9));
        assertThat(floor.describeWork()).isEqualTo("500 MB");
        assertThat(floor.describeRate()).isEqualTo("25.0 GB/s");
    }
}
