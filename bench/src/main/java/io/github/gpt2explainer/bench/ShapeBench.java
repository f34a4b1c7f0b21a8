package io.github.gpt2explainer.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code bench/run --shapes small,medium[,large,xl]}: for each GPT-2 shape, a seeded random F32 checkpoint
 * (written once, in a child JVM, cached under {@code target/bench/} like the small one), then in child
 * processes under {@code /usr/bin/time -v}: loading it ({@link LoadProbe}: time, peak RSS) and the curated
 * site build as a user runs it ({@code gpt2-explainer build} from a fresh trace store: wall time, CPU
 * seconds, peak RSS, the machine's load meanwhile), and the bytes on disk of the site, its per-layer detail,
 * its handouts and the trace store. Each shape becomes one row of {@link ShapeTable}; rows of shapes not
 * measured in this run are kept, so xl (a 6.2 GB checkpoint, a long build) can be measured on its own.
 */
public final class ShapeBench {

    /** GitHub Pages' limit on a published site. */
    static final long PAGES_BYTES = 1_000_000_000L;

    private static final Pattern LOAD_MS = Pattern.compile("load_ms=(\\d+)");

    private ShapeBench() {
    }

    /** Measures each shape and returns its row; {@code timeoutSeconds} bounds each child process. */
    public static List<ShapeTable.Row> run(Path repo, List<ModelShape> shapes, long timeoutSeconds) {
        List<ShapeTable.Row> rows = new ArrayList<>();
        String commit = commit(repo);
        for (ModelShape shape : shapes) {
            log(shape.label() + ": " + shape.describe() + ", " + Report.fmt(shape.weightBytes() / 1e9, 2) + " GB of F32 weights");
            rows.add(measure(repo, shape, timeoutSeconds, commit));
        }
        return rows;
    }

    private static ShapeTable.Row measure(Path repo, ModelShape shape, long timeoutSeconds, String commit) {
        Path cache = repo.resolve("target/bench");
        Path checkpoint = cache.resolve(BenchCheckpoint.directoryName(shape.config(), BenchMain.SEED));
        String when = Instant.now().truncatedTo(ChronoUnit.MINUTES) + ", " + commit;
        TimedChild.Result written = ensureCheckpoint(repo, shape, timeoutSeconds);
        if (written != null && written.exitCode() != 0) {
            return ShapeTable.Row.failed(shape, "writing the checkpoint failed: " + written.stderrTail(3), when);
        }
        log(shape.label() + ": checkpoint " + repo.relativize(checkpoint)
                + (written == null ? " (cached)" : " written in " + Report.fmt(written.wallMs() / 1000, 0) + " s"));

        TimedChild.Result load = TimedChild.run(List.of(java(), "-XX:+UseParallelGC", "-cp", benchJar(repo).toString(),
                LoadProbe.class.getName(), checkpoint.toString()), launcherEnvironment(), repo, timeoutSeconds);
        Matcher loadMs = LOAD_MS.matcher(load.stdout());
        if (load.exitCode() != 0 || !loadMs.find()) {
            return ShapeTable.Row.failed(shape, "loading failed" + (load.timedOut() ? " (time limit)" : "") + ": "
                    + load.stderrTail(3), when);
        }
        double loadSeconds = Long.parseLong(loadMs.group(1)) / 1000.0;
        log(shape.label() + ": load " + Report.fmt(loadSeconds, 1) + " s, peak RSS " + gb(load.peakRssKiB() * 1024));

        Path out = cache.resolve("shape-" + shape.label() + "-site");
        Path store = cache.resolve("shape-" + shape.label() + "-store");
        SiteBuildBench.deleteTree(out);
        SiteBuildBench.deleteTree(store);
        TimedChild.Result build = TimedChild.run(List.of(repo.resolve("gpt2-explainer").toString(), "build",
                "--model", checkpoint.toString(), "--out", out.toString(), "--store", store.toString()),
                Map.of(), repo, timeoutSeconds);
        log(shape.label() + ": build " + (build.timedOut() ? "stopped at the time limit" : "exit " + build.exitCode())
                + " after " + Report.fmt(build.wallMs() / 1000, 0) + " s, CPU " + Report.fmt(build.cpuSeconds(), 0)
                + " s, peak RSS " + gb(build.peakRssKiB() * 1024) + ", load " + build.load());
        ShapeTable.Sizes sizes = build.exitCode() == 0 ? sizes(out, store) : null;
        return new ShapeTable.Row(shape, loadSeconds, load.peakRssKiB() * 1024, build, sizes, when);
    }

    /** Writes the checkpoint in a child JVM with room for its weights in direct memory; null when it was cached. */
    private static TimedChild.Result ensureCheckpoint(Path repo, ModelShape shape, long timeoutSeconds) {
        Path dir = repo.resolve("target/bench").resolve(BenchCheckpoint.directoryName(shape.config(), BenchMain.SEED));
        if (Files.isRegularFile(dir.resolve("COMPLETE"))) {
            return null;
        }
        long directMiB = shape.weightBytes() / (1024 * 1024) + 1024;
        return TimedChild.run(List.of(java(), "-Xmx1g", "-XX:MaxDirectMemorySize=" + directMiB + "m", "-cp",
                benchJar(repo).toString(), MakeCheckpoint.class.getName(), repo.resolve("target/bench").toString(),
                Long.toString(BenchMain.SEED), shape.label()), Map.of(), repo, timeoutSeconds);
    }

    /** The site's bytes on disk, split as the per-layer detail and the handouts, and the trace store's. */
    static ShapeTable.Sizes sizes(Path site, Path store) {
        long layerDetail = 0;
        long handouts = 0;
        try (Stream<Path> files = Files.walk(site)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                Path relative = site.relativize(f);
                long size = Files.size(f);
                if (relative.getFileName().toString().matches("layer-\\d+\\.js") && relative.startsWith("data")) {
                    layerDetail += size;
                }
                for (Path part : relative) {
                    if (part.toString().equals("handouts")) {
                        handouts += size;
                        break;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot measure " + site + ": " + e.getMessage(), e);
        }
        return new ShapeTable.Sizes(SiteBuildBench.bytesOnDisk(site), layerDetail, handouts,
                Files.isDirectory(store) ? SiteBuildBench.bytesOnDisk(store) : -1);
    }

    /** The launcher's malloc and oneMKL settings (see the {@code gpt2-explainer} script), for a child that does not run it. */
    private static Map<String, String> launcherEnvironment() {
        return Map.of("MALLOC_MMAP_THRESHOLD_", "33554432", "MALLOC_TRIM_THRESHOLD_", "4294967296",
                "MALLOC_TOP_PAD_", "268435456", "MKL_CBWR", "AUTO");
    }

    private static String commit(Path repo) {
        ChildProcess.Result git = ChildProcess.run(List.of("git", "rev-parse", "--short", "HEAD"), repo, 30);
        return git.exitCode() == 0 ? git.stdout().strip() : "unknown commit";
    }

    private static Path benchJar(Path repo) {
        return repo.resolve("bench/target/bench.jar");
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static String gb(long bytes) {
        return bytes < 0 ? "unknown" : Report.fmt(bytes / 1e9, 2) + " GB";
    }

    private static void log(String message) {
        System.err.println("[bench] " + message);
    }
}
