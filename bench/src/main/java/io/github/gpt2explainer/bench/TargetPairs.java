package io.github.gpt2explainer.bench;

import io.github.gpt2explainer.forward.CaptureSpec;
import io.github.gpt2explainer.forward.Gpt2Model;
import io.github.gpt2explainer.forward.KvCache;
import io.github.gpt2explainer.model.Gpt2Config;

import java.util.function.Supplier;

/**
 * The target ratios that compare our engine with itself or with the machine, each measured in adjacent
 * ABBA pairs ({@link Stopwatch#timePaired}) so that both sides of a ratio see the machine at the same
 * moment:
 * <ul>
 *   <li>one decode step at 128 cached positions vs a 128-token forward (what recomputing costs per step);
 *   <li>one decode step at 16 cached positions vs the memory-bandwidth probe, converted to the time the
 *       probe's rate needs to read the step's weights once (the memory floor);
 *   <li>a 16-token prefill (fast path) vs the SGEMM probe, converted to the time the probe's rate needs for
 *       the prefill's flops, counted two ways (the compute floors).
 * </ul>
 */
public final class TargetPairs {

    /** Decode steps repeat from a fresh fork of a cache holding this many positions. */
    public static final int KV_CONTEXT = 128;
    public static final int DECODE_CONTEXT = 16;
    public static final int PREFILL_TOKENS = 16;
    private static final long NEXT_TOKEN = 11;

    /**
     * One of our steps against a floor.
     *
     * @param probe     the probe's description, e.g. "SGEMM 2048x2048x2048"
     * @param probeRate the probe's rate in each pair (GFLOP/s or GB/s)
     * @param work      the flops or bytes our step needs at least
     * @param rateUnit  {@link MachineFloors#GFLOPS} (work in flops) or {@link MachineFloors#GBS} (work in bytes)
     * @param pairs     A: our step's ms; B: the floor's ms (work / the probe's rate in that pair); ratio A / B
     */
    public record FloorRatio(String probe, Samples probeRate, String rateUnit, double work, Paired pairs) {

        /** "2.80 GFLOP" or "494 MB". */
        public String describeWork() {
            return rateUnit.equals(MachineFloors.GFLOPS) ? Report.fmt(work / 1e9, 2) + " GFLOP"
                    : Report.fmt(work / 1e6, 0) + " MB";
        }

        /** The probe's median rate in the pairs, e.g. "198.8 GFLOP/s". */
        public String describeRate() {
            return Report.fmt(probeRate.median(), 1) + " " + rateUnit;
        }
    }

    /**
     * @param kvStep128        A: a 128-token forward (fast path); B: one decode step at 128 cached positions
     * @param growth128        A: the decode step at 128 cached positions that grows a full cache (no room
     *                         reserved: 128 -> 256 positions); B: the same step with room reserved
     * @param memory           decode step at 16 cached positions / memory floor of its weight bytes
     * @param computeFullPass  16-token prefill / compute floor of the full pass (logits at all 16 positions)
     * @param computeFastPath  16-token prefill / compute floor of what the fast path computes (last logits)
     */
    public record Result(Paired kvStep128, Paired growth128, FloorRatio memory, FloorRatio computeFullPass, FloorRatio computeFastPath) {
    }

    private final Gpt2Model model;
    private final Gpt2Config config;
    private final boolean quick;

    public TargetPairs(Gpt2Model model, boolean quick) {
        this.model = model;
        this.config = model.config();
        this.quick = quick;
    }

    /**
     * @param memoryProbe  makes the bandwidth probe with the higher median in the floors section
     * @param computeProbe makes the SGEMM probe
     */
    public Result run(Supplier<MachineFloors.Probe> memoryProbe, Supplier<MachineFloors.Probe> computeProbe) {
        Paired kv;
        long[] kvPrompt = EngineBench.promptIds(config, KV_CONTEXT);
        try (HeldCache held = new HeldCache(model, kvPrompt)) {
            kv = watch().timePaired(Stopwatch.Trial.of(() -> model.forward(kvPrompt, CaptureSpec.none())), held.decodeStep());
        }
        log("KV step at " + KV_CONTEXT + ": recompute / KV " + kv.describeRatio());

        Paired growth;
        try (HeldCache full = new HeldCache(model, kvPrompt, 0); HeldCache roomy = new HeldCache(model, kvPrompt)) {
            growth = watch().timePaired(full.decodeStep(), roomy.decodeStep());
        }
        log("decode step that grows the cache / one with room " + growth.describeRatio());

        FloorRatio memory;
        try (HeldCache held = new HeldCache(model, EngineBench.promptIds(config, DECODE_CONTEXT));
             MachineFloors.Probe probe = memoryProbe.get()) {
            Paired raw = watch().timePaired(held.decodeStep(), Stopwatch.Trial.of(probe));
            memory = floorRatio(probe, raw, Gpt2Cost.decodeWeightBytes(config));
        }
        log("decode / memory floor " + memory.pairs().describeRatio());

        FloorRatio fullPass;
        FloorRatio fastPath;
        try (MachineFloors.Probe probe = computeProbe.get()) {
            long[] ids = EngineBench.promptIds(config, PREFILL_TOKENS);
            Paired raw = watch().timePaired(() -> model.forward(ids, CaptureSpec.none()), probe);
            fullPass = floorRatio(probe, raw, Gpt2Cost.prefillFlopsAllLogits(config, PREFILL_TOKENS));
            fastPath = floorRatio(probe, raw, Gpt2Cost.prefillFlops(config, PREFILL_TOKENS));
        }
        log("prefill / compute floor " + fullPass.pairs().describeRatio() + " (full pass), "
                + fastPath.pairs().describeRatio() + " (fast path's work)");
        return new Result(kv, growth, memory, fullPass, fastPath);
    }

    /**
     * Our step (A) against a probe (B) that does {@code probe.amount()} units of work per run: the floor
     * for {@code work} units takes work / amount of the probe's time, in the same pair.
     */
    static FloorRatio floorRatio(MachineFloors.Probe probe, Paired ourStepVsProbe, double work) {
        Samples rate = ourStepVsProbe.b().map(ms -> probe.amount() / (ms * 1e6));
        return new FloorRatio(probe.name(), rate, probe.rateUnit(), work, ourStepVsProbe.withBScaled(work / probe.amount()));
    }

    private Stopwatch watch() {
        return new Stopwatch(3, quick ? 5 : 25);
    }

    private static void log(String message) {
        System.err.println("[bench] " + message);
    }

    /**
     * A cache prefilled to a fixed length, with room reserved for a generation of
     * {@link EngineBench#GENERATED} tokens as the site build's generator reserves it. Each decode step runs
     * on a fresh fork of it, made before the timed region, so every step sees exactly that many cached
     * positions and none grows the cache (the growth a step pays once per doubling is timed separately:
     * {@link Result#growth128()}).
     */
    private static final class HeldCache implements AutoCloseable {
        private final Gpt2Model model;
        private final KvCache base;
        private KvCache fork;

        HeldCache(Gpt2Model model, long[] ids) {
            this(model, ids, EngineBench.GENERATED);
        }

        /** With room for {@code extra} positions past the prompt; 0 reserves the prompt's own (a full cache at 128). */
        HeldCache(Gpt2Model model, long[] ids, int extra) {
            this.model = model;
            this.base = model.newCache();
            base.reserve(ids.length + extra);
            model.prefill(base, ids, CaptureSpec.none());
        }

        Stopwatch.Trial decodeStep() {
            return new Stopwatch.Trial(this::refork, () -> model.decode(fork, NEXT_TOKEN, CaptureSpec.none()));
        }

        private void refork() {
            if (fork != null) {
                fork.close();
            }
            fork = base.fork();
        }

        @Override
        public void close() {
            if (fork != null) {
                fork.close();
            }
            base.close();
        }
    }
}
