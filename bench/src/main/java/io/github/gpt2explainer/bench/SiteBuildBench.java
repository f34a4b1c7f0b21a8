package io.github.gpt2explainer.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * The full site build of the curated prompt set, run as the user runs it ({@code gpt2-explainer build})
 * in a child process under {@code /usr/bin/time -v}, which reports the peak resident set size. Then the
 * bytes on disk of the output and of the trace store, and for each prompt page its initial transfer: the
 * HTML plus the local files it references with {@code src=} or {@code href=} (scripts, styles, preloaded
 * data), each gzip-compressed at level 6 as a web server would send them. Data fetched later by scripts
 * is not counted.
 */
public final class SiteBuildBench {

    /**
     * The measured build, or why it was not measured.
     *
     * @param storeBytesOnDisk every file of the trace store ({@code {store}}) after the build; -1 when there is none
     */
    public record Outcome(String notMeasured, double wallMs, long peakRssKiB, long bytesOnDisk, long storeBytesOnDisk,
                          TreeMap<String, Long> pageGzipBytes, double cpuSeconds, List<Phase> phases) {
        static Outcome skipped(String why) {
            return new Outcome(why, 0, 0, 0, -1, new TreeMap<>(), 0, List.of());
        }

        /** A phase's wall seconds summed over its calls, 0 when the build did not report it. */
        public double wallSeconds(String phase) {
            return phases.stream().filter(p -> p.name().equals(phase)).mapToDouble(Phase::wallSeconds).sum();
        }

        /** How often the build entered a phase, 0 when it did not report it. */
        public int calls(String phase) {
            return phases.stream().filter(p -> p.name().equals(phase)).mapToInt(Phase::calls).sum();
        }
    }

    /** One line of the build's {@code --timings} table. */
    public record Phase(String name, int calls, double wallSeconds, double cpuSeconds) {
    }

    /** The build's own per-phase table; the harness adds it to the build arguments unless they have it. */
    static final String TIMINGS = "--timings";

    private static final Pattern REFERENCE = Pattern.compile("(?:src|href)\\s*=\\s*[\"']([^\"'#?]+)[\"']");
    private static final Pattern PEAK_RSS = Pattern.compile("Maximum resident set size \\(kbytes\\): (\\d+)");
    private static final Pattern USER_CPU = Pattern.compile("User time \\(seconds\\): ([0-9.]+)");
    private static final Pattern SYSTEM_CPU = Pattern.compile("System time \\(seconds\\): ([0-9.]+)");
    private static final Pattern PHASE = Pattern.compile("^timing \\| (.+) \\| (\\d+) \\| ([0-9.]+) \\| ([0-9.]+)$");

    private SiteBuildBench() {
    }

    /**
     * @param buildArgs the build command's arguments after {@code build}, with {@code {model}} and
     *                  {@code {out}} replaced by the checkpoint and output directories, {@code {store}} by a
     *                  fresh trace store beside the output
     */
    public static Outcome run(Path repoRoot, Path jar, Path checkpoint, Path out, List<String> buildArgs) {
        if (!hasBuildCommand(repoRoot, jar)) {
            return Outcome.skipped("not yet measured: this version of the tool has no `build` command"
                    + " (`gpt2-explainer build --help` does not print its usage)");
        }
        if (!Files.isExecutable(Path.of("/usr/bin/time"))) {
            return Outcome.skipped("not measured: /usr/bin/time (GNU time, for the peak RSS) is missing; apt-get install time");
        }
        deleteTree(out);
        Path store = out.resolveSibling(out.getFileName() + "-store");
        deleteTree(store); // a fresh trace store: the build does all the model work, as a first build would
        Path timeReport;
        try {
            timeReport = Files.createTempFile("bench-time", ".txt");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // The launcher, as a user runs it (its JVM flags included); the jar is fresh, so it does not rebuild.
        List<String> command = new ArrayList<>(List.of("/usr/bin/time", "-v", "-o", timeReport.toString(),
                repoRoot.resolve("gpt2-explainer").toString(), "build"));
        for (String arg : buildArgs) {
            command.add(arg.replace("{model}", checkpoint.toAbsolutePath().toString())
                    .replace("{out}", out.toAbsolutePath().toString())
                    .replace("{store}", store.toAbsolutePath().toString()));
        }
        if (!buildArgs.contains(TIMINGS)) {
            command.add(TIMINGS);
        }
        ChildProcess.Result build = ChildProcess.run(command, repoRoot, 3600);
        String stats = readAndDelete(timeReport);
        if (build.exitCode() != 0) {
            return Outcome.skipped("not measured: `gpt2-explainer build " + String.join(" ", buildArgs)
                    + "` exited with " + build.exitCode() + ": " + build.stderrTail(5));
        }
        Matcher rss = PEAK_RSS.matcher(stats);
        long peak = rss.find() ? Long.parseLong(rss.group(1)) : -1;
        long storeBytes = Files.isDirectory(store) ? bytesOnDisk(store) : -1;
        return new Outcome(null, build.wallMs(), peak, bytesOnDisk(out), storeBytes, pageTransfers(out),
                seconds(USER_CPU, stats) + seconds(SYSTEM_CPU, stats), phases(build.stdout()));
    }

    private static double seconds(Pattern pattern, String stats) {
        Matcher m = pattern.matcher(stats);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    /** The lines of the build's {@code --timings} table, in its order. */
    static List<Phase> phases(String output) {
        List<Phase> phases = new ArrayList<>();
        for (String line : output.split("\\R")) {
            Matcher m = PHASE.matcher(line.strip());
            if (m.matches()) {
                phases.add(new Phase(m.group(1), Integer.parseInt(m.group(2)), Double.parseDouble(m.group(3)),
                        Double.parseDouble(m.group(4))));
            }
        }
        return phases;
    }

    /** Whether {@code build --help} prints the build command's own usage (picocli prints the root's otherwise). */
    static boolean hasBuildCommand(Path repoRoot, Path jar) {
        ChildProcess.Result help = ChildProcess.run(List.of(javaBinary(), "-jar", jar.toString(), "build", "--help"),
                repoRoot, 120);
        return help.exitCode() == 0 && help.stdout().contains("Usage: gpt2-explainer build");
    }

    private static String readAndDelete(Path file) {
        try {
            String text = Files.readString(file);
            Files.deleteIfExists(file);
            return text;
        } catch (IOException e) {
            return "";
        }
    }

    /** Gzip size of each HTML page's initial transfer, keyed by its path relative to {@code site}. */
    public static TreeMap<String, Long> pageTransfers(Path site) {
        TreeMap<String, Long> pages = new TreeMap<>();
        try (Stream<Path> files = Files.walk(site)) {
            for (Path html : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".html"))::iterator) {
                pages.put(site.relativize(html).toString(), initialTransferGzip(site, html));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the site at " + site + ": " + e.getMessage(), e);
        }
        return pages;
    }

    /** The HTML plus each distinct local file it references, every one gzip-compressed on its own. */
    public static long initialTransferGzip(Path site, Path html) throws IOException {
        String text = Files.readString(html);
        Set<Path> files = new LinkedHashSet<>();
        files.add(html);
        Matcher m = REFERENCE.matcher(text);
        while (m.find()) {
            String ref = m.group(1);
            if (ref.contains("://") || ref.startsWith("//") || ref.startsWith("data:") || ref.startsWith("mailto:")) {
                continue;
            }
            Path target = (ref.startsWith("/") ? site.resolve(ref.substring(1)) : html.getParent().resolve(ref)).normalize();
            if (target.startsWith(site) && Files.isRegularFile(target) && !target.toString().endsWith(".html")) {
                files.add(target);
            }
        }
        long total = 0;
        for (Path f : files) {
            total += gzipSize(Files.readAllBytes(f));
        }
        return total;
    }

    static long gzipSize(byte[] bytes) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(buffer)) {
            gzip.write(bytes);
        }
        return buffer.size();
    }

    static long bytesOnDisk(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot measure " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Deletes {@code dir} and everything under it, if it exists (the bench's outputs and stores before a fresh run). */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted((a, b) -> b.compareTo(a))::iterator) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
