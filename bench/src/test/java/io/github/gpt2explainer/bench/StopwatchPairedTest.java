package io.github.gpt2explainer.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Stopwatch.timePaired with fake work that advances a fake clock: no model, exact figures. */
class StopwatchPairedTest {

    /** A clock in nanoseconds that only moves when fake work says so. */
    private final long[] now = {0};
    private final List<String> calls = new ArrayList<>();

    private Runnable work(String name, double... msPerCall) {
        int[] call = {0};
        return () -> {
            calls.add(name);
            now[0] += Math.round(msPerCall[Math.min(call[0]++, msPerCall.length - 1)] * 1e6);
        };
    }

    private Stopwatch watch(int warmups, int repetitions) {
        return new Stopwatch(warmups, repetitions, () -> now[0]);
    }

    @Test
    void warmUpsAndPairsAlternateWhichSideGoesFirst() {
        Paired p = watch(2, 4).timePaired(work("a", 1), work("b", 1));
        // warm-ups: AB BA; timed: AB BA AB BA
        assertThat(calls).containsExactly("a", "b", "b", "a", "a", "b", "b", "a", "a", "b", "b", "a");
        assertThat(p.a().count()).isEqualTo(4);
        assertThat(p.ratio().count()).isEqualTo(4);
    }

    @Test
    void eachRatioComesFromTheTwoRunsOfOnePairNotFromTheMedians() {
        // Timed pairs (after one warm-up pair of 1 ms each):
        //   pair 0 (A first): A 10, B 20 -> 0.5
        //   pair 1 (B first): B 10, A 30 -> 3.0
        //   pair 2 (A first): A 20, B 40 -> 0.5
        // medians: A 20, B 20 -> a ratio of medians would say 1.0; the paired median says 0.5.
        Paired p = watch(1, 3).timePaired(work("a", 1, 10, 30, 20), work("b", 1, 20, 10, 40));
        assertThat(p.a().median()).isEqualTo(20, within(1e-9));
        assertThat(p.b().median()).isEqualTo(20, within(1e-9));
        assertThat(p.ratio().values()).containsExactly(new double[] {0.5, 0.5, 3.0}, within(1e-9));
        assertThat(p.ratio().median()).isEqualTo(0.5, within(1e-9));
    }

    @Test
    void aMachineThatDriftsBetweenPairsDoesNotMoveThePairedRatio() {
        // A costs 10 ms and B 20 ms on an unloaded machine; the machine's speed changes between pairs
        // (x1, x3, x1.5, x2.5, x1, x4): each side's times spread 4x, every pair still reads 0.5.
        double[] slowdown = {1, 3, 1.5, 2.5, 1, 4};
        double[] aMs = new double[slowdown.length];
        double[] bMs = new double[slowdown.length];
        for (int i = 0; i < slowdown.length; i++) {
            aMs[i] = 10 * slowdown[i];
            bMs[i] = 20 * slowdown[i];
        }
        Paired p = watch(0, slowdown.length).timePaired(work("a", aMs), work("b", bMs));
        assertThat(p.a().max() / p.a().min()).isEqualTo(4, within(1e-9));
        assertThat(p.ratio().min()).isEqualTo(0.5, within(1e-9));
        assertThat(p.ratio().max()).isEqualTo(0.5, within(1e-9));
    }

    @Test
    void preparationRunsJustBeforeItsOwnWorkAndIsNotTimed() {
        Runnable slowPrepareA = () -> {
            calls.add("prepare a");
            now[0] += 1_000_000_000L; // a second of untimed set-up
        };
        Paired p = watch(0, 2).timePaired(new Stopwatch.Trial(slowPrepareA, work("a", 5)),
                Stopwatch.Trial.of(work("b", 10)));
        assertThat(calls).containsExactly("prepare a", "a", "b", "b", "prepare a", "a");
        assertThat(p.a().max()).isEqualTo(5, within(1e-9));
        assertThat(p.ratio().median()).isEqualTo(0.5, within(1e-9));
    }

    @Test
    void scalingBConvertsAProbeToAFloorAndDividesEveryRatio() {
        // B is a probe that reads 4x the bytes the measured step must read: floor ms = probe ms / 4.
        Paired p = new Paired(Samples.of(30, 10), Samples.of(40, 20), Samples.of(0.75, 0.5)).withBScaled(0.25);
        assertThat(p.b().values()).containsExactly(new double[] {5, 10}, within(1e-9));
        assertThat(p.ratio().values()).containsExactly(new double[] {2, 3}, within(1e-9));
        assertThat(p.a().values()).containsExactly(10, 30);
        assertThatThrownBy(() -> p.withBScaled(0)).hasMessageContaining("positive finite");
    }

    @Test
    void describesThePairedMedianWithItsIqrAndRejectsUnmatchedSides() {
        Paired p = new Paired(Samples.of(1, 1, 1, 1, 1), Samples.of(1, 1, 1, 1, 1), Samples.of(1.0, 1.2, 1.3, 1.4, 2.0));
        assertThat(p.describeRatio()).isEqualTo("1.30x (IQR 1.20-1.40)");
        assertThatThrownBy(() -> new Paired(Samples.of(1, 2), Samples.of(1), Samples.of(1, 2)))
                .hasMessageContaining("2 A, 1 B and 2 ratios");
    }
}
