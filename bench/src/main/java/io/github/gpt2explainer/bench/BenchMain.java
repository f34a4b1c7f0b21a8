package io.github.gpt2explainer.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import io.github.gpt2explainer.forward.Gpt2Model;
import io.github.gpt2explainer.model.Checkpoint;
import io.github.gpt2explainer.model.Gpt2Config;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The benchmark: one run measures the machine's floors, our engine, Jlama on the same checkpoint and
 * (when the {@code build} command exists) the full site build, then prints a Markdown report and writes
 * it to {@code docs/benchmarks.md}. Run it with {@code bench/run} (see docs/benchmarks.md).
 *
 * <p>Options: {@code --repo DIR} (default: the working directory), {@code --out FILE} ({@code -} to only
 * print), {@code --quick} (fewer repetitions, for trying the harness), {@code --skip-jlama},
 * {@code --skip-site}, {@code --skip-live}, {@code --live-only} (only serve's live explainer, issue 15),
 * {@code --build-args "ARGS"} (default {@value #DEFAULT_BUILD_ARGS}), {@code --shapes small,medium,large,xl} (only
 * the model-shape rows, {@link ShapeBench}; {@code --shape-timeout SECONDS} bounds each child, default 3600).
 */
public final class BenchMain {

    public static final long SEED = 42;
    static final String DEFAULT_BUILD_ARGS = "--model {model} --out {out} --store {store}";

    private static final String FLOORS = "Machine floors (same engine, same threads)";
    private static final String JLAMA = "Independent engine on the same checkpoint";
    private static final String SITE = "Full site build of the curated prompt set";
    private static final String LIVE = "Live explainer (serve): time to page";
    private static final String PHASES = "Site build by phase (the build's own `--timings`, same run)";
    private static final String PAIRS = "Target ratios from adjacent pairs (A and B alternated A B, B A, ...)";

    private static final int SGEMM_N = 2048;
    private static final long SUM_BYTES = 1L << 30;
    private static final int GEMV_N = 16384;

    private BenchMain() {
    }

    public static void main(String[] args) throws IOException {
        System.setProperty("ai.djl.offline", "true");
        List<String> options = Arrays.asList(args);
        Path repo = Path.of(value(options, "--repo", ".")).toAbsolutePath().normalize();
        String out = value(options, "--out", "docs/benchmarks.md");
        boolean quick = options.contains("--quick");
        // --sections forward,generation,context,batch,pairs: run only those engine sections (for profiling)
        List<String> sections = Arrays.asList(value(options, "--sections", "forward,generation,context,batch,pairs")
                .split(","));
        List<String> buildArgs = Arrays.asList(value(options, "--build-args", DEFAULT_BUILD_ARGS).trim().split("\\s+"));
        if (options.contains("--shapes")) {
            shapes(repo, out, ModelShape.parseList(value(options, "--shapes", "small,medium")),
                    Long.parseLong(value(options, "--shape-timeout", "3600")));
            return;
        }

        Report report = new Report();
        Gpt2Config config = BenchCheckpoint.GPT2_SMALL;
        MachineInfo machine = MachineInfo.capture();
        String loadAtStart = machine.loadAverage();
        log("machine: " + machine.describe() + "; load " + loadAtStart);

        long start = System.nanoTime();
        Path checkpoint = BenchCheckpoint.ensure(repo.resolve("target/bench"), config, SEED);
        log("checkpoint: " + checkpoint + " (" + Report.fmt((System.nanoTime() - start) / 1e9, 1) + " s)");
        if (options.contains("--live-only")) {
            live(report, repo, checkpoint, quick);
            int threads;
            try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
                threads = JniUtils.getNumThreads();
            }
            preamble(report, machine, threads, loadAtStart, MachineInfo.currentLoadAverage(), quick,
                    checkpoint, repo);
            System.out.println(report.toMarkdown());
            return;
        }

        EngineBench.Key key = null;
        TargetPairs.Result pairs = null;
        int torchThreads;
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            torchThreads = JniUtils.getNumThreads();
            Stopwatch floorWatch = new Stopwatch(2, quick ? 3 : 9);
            Samples gflops = MachineFloors.sgemmGflops(manager, SGEMM_N, floorWatch);
            report.value(FLOORS, "SGEMM 2048x2048x2048 float32 (DJL matMul)", gflops, "GFLOP/s", 1,
                    "the compute floor's probe");
            Samples sum = MachineFloors.readBandwidthGBs(manager, SUM_BYTES, floorWatch);
            Samples gemv = MachineFloors.gemvBandwidthGBs(manager, GEMV_N, floorWatch);
            boolean sumIsFaster = sum.median() >= gemv.median();
            String memoryFloor = "the memory floor's probe (the higher median)";
            report.value(FLOORS, "read bandwidth: sum over a 1 GiB float32 array", sum, "GB/s", 1,
                    sumIsFaster ? memoryFloor : "");
            report.value(FLOORS, "read bandwidth: 16384x16384 float32 matrix x vector (1 GiB)", gemv, "GB/s", 1,
                    sumIsFaster ? "" : memoryFloor);
            log("floors: " + gflops.describe(1) + " GFLOP/s, " + (sumIsFaster ? sum : gemv).describe(1) + " GB/s");
            Supplier<MachineFloors.Probe> memoryProbe = sumIsFaster
                    ? () -> MachineFloors.sum(manager, SUM_BYTES)
                    : () -> MachineFloors.gemv(manager, GEMV_N);

            try (Gpt2Model model = Gpt2Model.load(BenchCheckpoint.load(checkpoint), manager)) {
                key = new EngineBench(model, report, quick, sections).run();
                if (sections.contains("pairs")) {
                    pairs = new TargetPairs(model, quick).run(memoryProbe, () -> MachineFloors.sgemm(manager, SGEMM_N));
                }
            }
        }
        log("engine done");

        Samples jlamaMs = jlama(report, repo, checkpoint, config, key, quick, options.contains("--skip-jlama"));
        SiteBuildBench.Outcome site = options.contains("--skip-site")
                ? SiteBuildBench.Outcome.skipped("not measured: --skip-site")
                : SiteBuildBench.run(repo, repo.resolve("generator/target/gpt2-explainer.jar"), checkpoint,
                        repo.resolve("target/bench/site-out"), buildArgs);
        site(report, site);
        BuildParts parts = buildParts(checkpoint, site, quick);
        if (!options.contains("--skip-live")) {
            live(report, repo, checkpoint, quick);
        }
        pairedRatios(report, key, pairs);
        targets(report, key, pairs, jlamaMs, parts, site);

        String loadAtEnd = MachineInfo.currentLoadAverage();
        preamble(report, machine, torchThreads, loadAtStart, loadAtEnd, quick, checkpoint, repo);
        String markdown = report.toMarkdown();
        System.out.println(markdown);
        if (!out.equals("-")) {
            Path file = repo.resolve(out);
            ReportFile.write(file, markdown);
            log("wrote the results into " + file);
        }
    }

    /** {@code --shapes}: only the model-shape rows (see {@link ShapeBench}), into their own generated block. */
    private static void shapes(Path repo, String out, List<ModelShape> shapes, long timeoutSeconds) throws IOException {
        List<ShapeTable.Row> rows = ShapeBench.run(repo, shapes, timeoutSeconds);
        Path file = repo.resolve(out.equals("-") ? "docs/benchmarks.md" : out);
        String block = ShapeTable.merge(ShapeTable.blockOf(ReportFile.read(file)), rows);
        System.out.println(block);
        if (!out.equals("-")) {
            ReportFile.write(file, block, ShapeTable.BEGIN, ShapeTable.END);
            log("wrote the model-shape rows into " + file);
        }
    }

    private static Samples jlama(Report report, Path repo, Path checkpoint, Gpt2Config config, EngineBench.Key key,
                                boolean quick, boolean skip) {
        String missing = skip ? "--skip-jlama" : JlamaBench.missing(repo);
        if (missing == null && (key == null || key.prefill16() == null)) {
            missing = "needs the forward section";
        }
        if (missing != null) {
            report.figure(JLAMA, "Jlama 16-token forward", "not measured", missing);
            return null;
        }
        long[] ids = EngineBench.promptIds(config, 16);
        try {
            JlamaResult jlama = JlamaBench.run(repo, checkpoint, ids, 3, quick ? 3 : 10);
            double ratio = jlama.forwardMs().median() / key.prefill16().median();
            report.time(JLAMA, jlama.engine() + " (Java " + jlama.java() + ", " + jlama.threads()
                    + " threads, F32): 16-token forward", jlama.forwardMs(),
                    Report.fmt(16 * 1000 / jlama.forwardMs().median(), 0) + " tokens/s; load "
                            + Report.fmt(jlama.loadMs(), 0) + " ms");
            report.figure(JLAMA, "ours: 16-token forward, fast path", Report.fmt(key.prefill16().median(), 1) + " ms",
                    Report.fmt(16 * 1000 / key.prefill16().median(), 0) + " tokens/s (from the forward table)");
            report.figure(JLAMA, "Jlama time / our time", Report.ratio(ratio), "higher is better for us");
            report.figure(JLAMA, "same model? next-token top 10 of both engines", agreement(key.prefill16Logits(), jlama),
                    "probabilities after softmax of the last position");
            log("jlama: " + jlama.forwardMs().describe(1) + " ms");
            return jlama.forwardMs();
        } catch (RuntimeException e) {
            report.figure(JLAMA, "Jlama 16-token forward", "failed", e.getMessage());
            log("jlama failed: " + e.getMessage());
            return null;
        }
    }

    /** Whether both engines rank the same ten tokens first, and how far their probabilities are apart. */
    static String agreement(float[] ourLogits, JlamaResult jlama) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : ourLogits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (float l : ourLogits) {
            sum += Math.exp(l - max);
        }
        double worst = 0;
        int sameRank = 0;
        int[] ours = topIndices(ourLogits, jlama.topIds().length);
        for (int i = 0; i < jlama.topIds().length; i++) {
            double p = Math.exp(ourLogits[jlama.topIds()[i]] - max) / sum;
            worst = Math.max(worst, Math.abs(p - jlama.topProbs()[i]) / p);
            sameRank += ours[i] == jlama.topIds()[i] ? 1 : 0;
        }
        return sameRank + "/" + ours.length + " same ranks, max relative difference " + Report.fmt(100 * worst, 2) + "%";
    }

    private static int[] topIndices(float[] values, int k) {
        return java.util.stream.IntStream.range(0, values.length).boxed()
                .sorted((a, b) -> Float.compare(values[b], values[a])).limit(k).mapToInt(Integer::intValue).toArray();
    }

    /** Issue 15: a reader's 16-token prompt, 16 new tokens at 5 temperatures, to its page; target 2 s on 2 cores. */
    private static void live(Report report, Path repo, Path checkpoint, boolean quick) {
        LivePageBench.Outcome live = LivePageBench.run(repo, checkpoint, repo.resolve("target/bench/live"), quick ? 3 : 9);
        if (live.notMeasured() != null) {
            report.figure(LIVE, "16-token prompt, 16 new tokens, 5 temperatures", "not measured", live.notMeasured());
            report.target(new Report.Target("live page: 16-token prompt, 16 new tokens, 5 temperatures", "-", "<= 2 s",
                    null, live.notMeasured()));
            return;
        }
        report.time(LIVE, "new prompt, model in memory: POST to page (16-token prompt, 16 new tokens, 5 temperatures)",
                live.freshMs(), "prefill with every intermediate, generation, logit lens, insight, render the page and its "
                        + "data (handouts when first opened), store write beside the render");
        if (live.freshCpuMs() != null) {
            report.time(LIVE, "new prompt: CPU time the server used (user + system, all threads)", live.freshCpuMs(),
                    "independent of other processes' load; on an idle 2-core machine the page takes about this / 2 "
                            + "to this, as PyTorch spreads the passes over both cores");
        }
        live.phasesMs().forEach((phase, ms) -> report.time(LIVE, "of which (server log): " + phase, ms,
                phase.equals("store write") ? "on its own thread, beside the render" : ""));
        report.figure(LIVE, "first prompt after the server starts", Report.fmt(live.firstMs() / 1000, 2) + " s",
                "also loads the weights into the server (once per start)");
        report.time(LIVE, "the same prompt again", live.repeatedMs(), "from the trace store and the rendered page: no model work");
        report.target(new Report.Target("live page: 16-token prompt, 16 new tokens, 5 temperatures (model in memory)",
                Report.fmt(live.freshMs().median() / 1000, 2) + " s", "<= 2 s", live.freshMs().median() <= 2000,
                "median of " + live.freshMs().count() + " new prompts over HTTP to a `serve` child process"));
        log("live: " + live.freshMs().describe(1) + " ms");
    }

    private static void site(Report report, SiteBuildBench.Outcome site) {
        if (site.notMeasured() != null) {
            report.figure(SITE, "wall time, peak RSS, bytes on disk, page transfers", "not yet measured", site.notMeasured());
            return;
        }
        report.figure(SITE, "wall time (one run)", Report.fmt(site.wallMs() / 1000, 1) + " s", "child process, cold JVM");
        report.figure(SITE, "peak resident memory", site.peakRssKiB() < 0 ? "unknown"
                : Report.fmt(site.peakRssKiB() / 1024.0, 0) + " MiB", "/usr/bin/time -v, Maximum resident set size");
        report.figure(SITE, "bytes on disk", Report.fmt(site.bytesOnDisk() / 1e6, 1) + " MB", "every file of the output");
        report.figure(SITE, "trace store bytes on disk", site.storeBytesOnDisk() < 0 ? "none"
                : Report.fmt(site.storeBytesOnDisk() / 1e6, 1) + " MB", site.storeBytesOnDisk() < 0
                ? "the build arguments name no {store}, or the build wrote none"
                : "every file of the {store} directory after the build (the recorded runs)");
        report.figure(SITE, "CPU time (user + system)", Report.fmt(site.cpuSeconds(), 1) + " s",
                "/usr/bin/time -v; the machine's load inflates it less than the wall time");
        for (Map.Entry<String, Long> page : site.pageGzipBytes().entrySet()) {
            report.figure(SITE, "initial transfer, gzip: " + page.getKey(), Report.fmt(page.getValue() / 1024.0, 1) + " KiB",
                    "the page and the local files it references");
        }
        for (SiteBuildBench.Phase phase : site.phases()) {
            report.figure(PHASES, phase.name(), Report.fmt(phase.wallSeconds(), 2) + " s", phase.calls() + " call"
                    + (phase.calls() == 1 ? "" : "s") + ", CPU " + Report.fmt(phase.cpuSeconds(), 2) + " s (every thread)");
        }
    }

    /** The build's phase around all its model work, and the phase each prompt enters once (its count of prompts). */
    private static final String RUN_WHAT_CHANGED = "run what changed";
    private static final String PREFILL = "prompt: captured prefill";
    /** Phases inside "run what changed" that are not model work on the prompts: finding and loading the weights, and the head roles. */
    static final List<String> NOT_PROMPT_WORK = List.of("model: identify (config, tokenizer, weights sha256)",
            "model: engine start (PyTorch native library)", "model: checkpoint load and upload to the engine",
            "head roles: probe pass and scores");

    /**
     * The curated build's model work against the sum of its parts as this benchmark measures them in the same run
     * (issue 16). Model work: the build's "run what changed" wall time without finding and loading the weights and
     * without the head roles (the lens and the insight run beside the generation, so adding up the prompt phases would
     * count that time twice). Parts, each timed alone on one thread after the build ({@link PromptPartsBench},
     * {@link GroupStepBench}): per prompt, a 16-token prompt's captured prefill, logit lens, direct logit attribution
     * and occlusion; per decode step of the build, one step of the same number of rows. What the build adds to them
     * (sampling, store writes, the two threads' contention, waiting) counts against the ratio.
     *
     * @param parts the parts; null when not measured
     */
    private static void modelWorkTarget(Report report, SiteBuildBench.Outcome site, BuildParts parts) {
        String name = "curated build's model work / sum of its parts";
        if (site.notMeasured() != null || site.phases().isEmpty() || parts == null) {
            report.target(new Report.Target(name, "-", "<= 1.5x", null, "needs the site build (with --timings)"));
            return;
        }
        // The build names its phases in its --timings table; a renamed one must not count as 0 s of work.
        List<String> missing = Stream.concat(Stream.of(RUN_WHAT_CHANGED, PREFILL), NOT_PROMPT_WORK.stream())
                .filter(phase -> site.calls(phase) == 0).toList();
        if (!missing.isEmpty()) {
            report.target(new Report.Target(name, "-", "<= 1.5x", null, "the build's --timings table has no phase "
                    + String.join(", ", missing) + ": renamed in the tool? (BenchMain.NOT_PROMPT_WORK)"));
            return;
        }
        double work = site.wallSeconds(RUN_WHAT_CHANGED)
                - NOT_PROMPT_WORK.stream().mapToDouble(site::wallSeconds).sum();
        int prompts = site.calls(PREFILL);
        double promptsS = prompts * parts.prompt().medianMs() / 1000;
        double stepsS = 0;
        StringBuilder steps = new StringBuilder();
        for (Map.Entry<Integer, Integer> e : GroupStepBench.stepsByRows(site.phases()).entrySet()) {
            double ms = parts.stepMs().get(e.getKey()).median();
            stepsS += e.getValue() * ms / 1000;
            steps.append(" + ").append(e.getValue()).append(" x ").append(ms(ms)).append(" (decode step of ")
                    .append(e.getKey()).append(" rows)");
        }
        double sum = promptsS + stepsS;
        double ratio = work / sum;
        report.target(new Report.Target(name, Report.ratio(ratio), "<= 1.5x", ratio <= 1.5,
                "model work " + Report.fmt(work, 1) + " s (run what changed, without loading and head roles); parts "
                        + Report.fmt(sum, 1) + " s = " + prompts + " x " + ms(parts.prompt().medianMs())
                        + " (a 16-token prompt: " + parts.prompt().describe() + ")" + steps));
    }

    /** The build's parts, each timed on its own: a prompt's work, and a decode step of each row count the build had. */
    record BuildParts(PromptPartsBench.Parts prompt, Map<Integer, Samples> stepMs) {
    }

    /** The parts of the curated build, on the benchmark checkpoint loaded again after it; null without its phases. */
    private static BuildParts buildParts(Path checkpoint, SiteBuildBench.Outcome site, boolean quick) {
        Map<Integer, Integer> byRows = GroupStepBench.stepsByRows(site.phases());
        if (site.notMeasured() != null || byRows.isEmpty()) {
            return null;
        }
        Map<Integer, Samples> stepMs = new TreeMap<>();
        Checkpoint weights = BenchCheckpoint.load(checkpoint);
        try (NDManager manager = NDManager.newBaseManager("PyTorch");
             Gpt2Model model = Gpt2Model.load(weights, manager)) {
            PromptPartsBench.Parts prompt = PromptPartsBench.measure(model, weights, quick ? 2 : 7);
            log("a prompt's parts: " + prompt.describe());
            for (int rows : byRows.keySet()) {
                Samples ms = GroupStepBench.stepMs(model, rows, quick ? 1 : 3);
                stepMs.put(rows, ms);
                log("decode step of " + rows + " rows: " + ms.describe(1) + " ms");
            }
            return new BuildParts(prompt, stepMs);
        }
    }

    /** Every paired ratio with its spread, and each side's own median from the same runs. */
    private static void pairedRatios(Report report, EngineBench.Key key, TargetPairs.Result pairs) {
        if (key != null && key.prefill16() != null) {
            for (int i = 0; i < EngineBench.FORWARD_LENGTHS.length; i++) {
                Paired p = key.capture()[i];
                report.ratios(PAIRS, "capture overhead at " + EngineBench.FORWARD_LENGTHS[i]
                        + " tokens: full capture / fast path", p.ratio(), "full capture " + ms(p.a().median())
                        + ", fast path " + ms(p.b().median()) + " (medians)");
            }
        }
        if (pairs == null) {
            return;
        }
        Paired kv = pairs.kvStep128();
        report.ratios(PAIRS, "one step at " + TargetPairs.KV_CONTEXT + " tokens of context: recompute / KV cache",
                kv.ratio(), "a " + TargetPairs.KV_CONTEXT + "-token forward " + ms(kv.a().median())
                        + " vs one decode step at " + TargetPairs.KV_CONTEXT + " cached positions " + ms(kv.b().median()));
        Paired growth = pairs.growth128();
        report.ratios(PAIRS, "the decode step at " + TargetPairs.KV_CONTEXT + " cached positions that grows the cache (to "
                        + 2 * TargetPairs.KV_CONTEXT + ") / the same step with room reserved", growth.ratio(),
                "once per doubling of the cache, unless the generation's length is reserved up front (the site build"
                        + " reserves it): " + ms(growth.a().median()) + " vs " + ms(growth.b().median()));
        report.ratios(PAIRS, "decode step (" + TargetPairs.DECODE_CONTEXT + " cached) / memory floor",
                pairs.memory().pairs().ratio(), floorNote(pairs.memory(), "decode step"));
        report.ratios(PAIRS, TargetPairs.PREFILL_TOKENS + "-token prefill / compute floor of the full pass",
                pairs.computeFullPass().pairs().ratio(), floorNote(pairs.computeFullPass(), "prefill"));
        report.ratios(PAIRS, TargetPairs.PREFILL_TOKENS + "-token prefill / compute floor of the fast path's work",
                pairs.computeFastPath().pairs().ratio(), floorNote(pairs.computeFastPath(), "prefill"));
    }

    /** "prefill 45.2 ms vs floor 14.1 ms: 2.80 GFLOP at 198.8 GFLOP/s (SGEMM ... in the same pairs; medians)". */
    private static String floorNote(TargetPairs.FloorRatio floor, String ours) {
        return ours + " " + ms(floor.pairs().a().median()) + " vs floor " + ms(floor.pairs().b().median()) + ": "
                + floor.describeWork() + " at " + floor.describeRate() + " (" + floor.probe() + " in the same pairs; medians)";
    }

    private static String ms(double value) {
        return Report.fmt(value, 1) + " ms";
    }

    /** Each target; a ratio of two of our own measurements, or of one to a floor, is the median of adjacent pairs. */
    private static void targets(Report report, EngineBench.Key key, TargetPairs.Result pairs, Samples jlama,
                                BuildParts parts,
                                SiteBuildBench.Outcome site) {
        if (key != null && key.prefill16() != null) {
            int worst = 0;
            StringBuilder each = new StringBuilder();
            for (int i = 0; i < key.capture().length; i++) {
                Paired p = key.capture()[i];
                worst = p.ratio().median() > key.capture()[worst].ratio().median() ? i : worst;
                each.append(i == 0 ? "" : ", ").append(EngineBench.FORWARD_LENGTHS[i]).append(": ")
                        .append(Report.ratio(p.ratio().median()));
            }
            Paired p = key.capture()[worst];
            report.target(new Report.Target("capture overhead (full capture / fast path, paired), worst of 8, 16, 32,"
                    + " 128 tokens", Report.ratio(p.ratio().median()), "<= 1.30x", p.ratio().median() <= 1.3,
                    "worst at " + EngineBench.FORWARD_LENGTHS[worst] + " tokens, " + pairedIqr(p) + "; each length " + each));
        }
        if (pairs != null) {
            Paired kv = pairs.kvStep128();
            report.target(new Report.Target("KV-cache step vs recomputing the prefix, at " + TargetPairs.KV_CONTEXT
                    + " tokens of context (paired)", Report.ratio(kv.ratio().median()), ">= 5x", kv.ratio().median() >= 5,
                    pairedIqr(kv) + "; forward " + ms(kv.a().median()) + ", decode step " + ms(kv.b().median())));
        }
        if (key != null && key.prefill16() != null) {
            double ratio = jlama == null ? Double.NaN : jlama.median() / key.prefill16().median();
            report.target(new Report.Target("our fast path vs Jlama (Jlama time / ours), 16-token forward",
                    jlama == null ? "-" : Report.ratio(ratio), ">= 3x", jlama == null ? null : ratio >= 3,
                    jlama == null ? "" : "ratio of medians: Jlama runs in its own process, so it cannot be paired"));
        }
        if (pairs != null) {
            floorTarget(report, "16-token prefill / compute floor of the full pass ("
                    + pairs.computeFullPass().describeWork() + ", the issue's definition)", pairs.computeFullPass(), 3, "<= 3x");
            floorTarget(report, "16-token prefill / compute floor of the work the fast path does ("
                    + pairs.computeFastPath().describeWork() + ", stricter)", pairs.computeFastPath(), 3, "<= 3x");
            floorTarget(report, "decode step (" + TargetPairs.DECODE_CONTEXT + " cached) / memory floor ("
                    + pairs.memory().describeWork() + " of weights)", pairs.memory(), 1.5, "<= 1.5x");
        }
        boolean built = site.notMeasured() == null;
        report.target(new Report.Target("full curated set built (GPT-2-small-shaped checkpoint)",
                built ? Report.fmt(site.wallMs() / 1000, 1) + " s" : "-", "<= 90 s",
                built ? site.wallMs() <= 90_000 : null, built ? "" : site.notMeasured().replaceFirst("^not (yet )?measured: ", "")));
        report.target(new Report.Target("curated build (GPT-2-small-shaped checkpoint, fresh trace store), issue 16",
                built ? Report.fmt(site.wallMs() / 1000, 1) + " s" : "-", "<= 25 s",
                built ? site.wallMs() <= 25_000 : null, built ? "CPU " + Report.fmt(site.cpuSeconds(), 1)
                        + " s (user + system); state the load average above" : "needs the site build"));
        modelWorkTarget(report, site, parts);
        // Prompt pages only (p/<id>.html in every language); a handout inlines everything by design.
        long largest = site.pageGzipBytes().entrySet().stream()
                .filter(e -> e.getKey().startsWith("p/") || e.getKey().contains("/p/"))
                .mapToLong(Map.Entry::getValue).max().orElse(-1);
        report.target(new Report.Target("largest prompt page's initial transfer, gzip",
                built && largest >= 0 ? Report.fmt(largest / 1024.0, 1) + " KiB" : "-", "<= 1 MB",
                built && largest >= 0 ? largest <= 1_000_000 : null, built ? "" : "needs the site build"));
    }

    private static void floorTarget(Report report, String name, TargetPairs.FloorRatio floor, double limit, String limitText) {
        double ratio = floor.pairs().ratio().median();
        report.target(new Report.Target(name, Report.ratio(ratio), limitText, ratio <= limit, pairedIqr(floor.pairs())
                + "; floor " + ms(floor.pairs().b().median()) + " at " + floor.describeRate() + ", measured "
                + ms(floor.pairs().a().median())));
    }

    private static String pairedIqr(Paired p) {
        return "paired IQR " + Report.fmt(p.ratio().quantile(0.25), 2) + "-" + Report.fmt(p.ratio().quantile(0.75), 2)
                + ", n=" + p.ratio().count();
    }

    private static void preamble(Report report, MachineInfo machine, int torchThreads, String loadAtStart,
                                 String loadAtEnd, boolean quick, Path checkpoint, Path repo) {
        report.preamble("## Results" + (quick ? " (--quick: fewer repetitions)" : ""));
        report.preamble("");
        report.preamble("Generated by `bench/run` on " + Instant.now().truncatedTo(ChronoUnit.SECONDS)
                + "; every figure below comes from that one run.");
        report.preamble("");
        report.preamble("- Machine: " + machine.describe());
        report.preamble("- PyTorch " + "intra-op threads: " + torchThreads + " (DJL 0.36, PyTorch 2.7.1 CPU)");
        report.preamble("- Load average (1, 5, 15 min) at the start: " + loadAtStart + "; at the end: " + loadAtEnd
                + " (the machine is shared: absolute figures are noisy, ratios less so)");
        report.preamble("- Checkpoint: " + repo.relativize(checkpoint) + ", GPT-2 small shape (12 layers, width 768,"
                + " 12 heads, vocabulary 50257, context 1024), seeded random F32 weights, tied head");
        report.preamble("- Timings: wall clock, median after warm-up runs; spread is min-max and the interquartile range."
                + " A ratio between two timings (capture overhead, KV cache, floors) is the median of per-pair ratios:"
                + " the two sides run alternately in adjacent pairs (A B, B A, A B, ...), so each ratio compares runs"
                + " taken at the same moment of the machine's load");
    }

    private static String value(List<String> options, String name, String fallback) {
        int i = options.indexOf(name);
        if (i < 0) {
            return fallback;
        }
        if (i + 1 >= options.size()) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        return options.get(i + 1);
    }

    private static void log(String message) {
        System.err.println("[bench] " + message);
    }
}
