package io.github.gpt2explainer.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a command under {@code /usr/bin/time -v}, watched by a {@link ChildMonitor}: wall time, CPU seconds
 * (user + system, every thread of the child), peak resident memory, and the machine's load meanwhile. A run
 * that passes its time limit is stopped (with every descendant, so no orphaned JVM keeps the cores) and
 * reported as such, with the peak resident memory seen so far.
 */
public final class TimedChild {

    /**
     * @param exitCode   the child's exit code; -1 when it was stopped at the time limit
     * @param cpuSeconds user + system seconds; -1 when unknown (stopped)
     * @param peakRssKiB {@code /usr/bin/time}'s maximum resident set size, else the monitor's largest VmHWM
     */
    public record Result(int exitCode, boolean timedOut, double wallMs, double cpuSeconds, long peakRssKiB,
                         String load, String stdout, String stderr) {
        public String stderrTail(int lines) {
            String[] all = stderr.strip().split("\n");
            return String.join("\n", java.util.Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
        }
    }

    private static final Pattern MAX_RSS = Pattern.compile("Maximum resident set size \\(kbytes\\): (\\d+)");
    private static final Pattern USER = Pattern.compile("User time \\(seconds\\): ([0-9.]+)");
    private static final Pattern SYSTEM = Pattern.compile("System time \\(seconds\\): ([0-9.]+)");

    private TimedChild() {
    }

    public static Result run(List<String> command, Map<String, String> environment, Path workingDir, long timeoutSeconds) {
        try {
            Path timeReport = Files.createTempFile("bench-time", ".txt");
            Path out = Files.createTempFile("bench-child", ".out");
            Path err = Files.createTempFile("bench-child", ".err");
            try {
                List<String> full = new ArrayList<>(List.of("/usr/bin/time", "-v", "-o", timeReport.toString()));
                full.addAll(command);
                ProcessBuilder builder = new ProcessBuilder(full).directory(workingDir.toFile())
                        .redirectOutput(out.toFile()).redirectError(err.toFile());
                builder.environment().putAll(environment);
                long start = System.nanoTime();
                Process p = builder.start();
                boolean finished;
                long monitoredPeak;
                String load;
                try (ChildMonitor monitor = ChildMonitor.start(p.toHandle(), 5000)) {
                    finished = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
                    if (!finished) {
                        p.descendants().forEach(ProcessHandle::destroyForcibly);
                        p.destroyForcibly().waitFor();
                    }
                    monitoredPeak = monitor.peakRssKiB();
                    load = monitor.loadSummary();
                }
                double wallMs = (System.nanoTime() - start) / 1e6;
                String stats = Files.readString(timeReport, StandardCharsets.UTF_8);
                long peak = finished ? group(MAX_RSS, stats, -1) : -1;
                double cpu = finished ? cpuSeconds(stats) : -1;
                return new Result(finished ? p.exitValue() : -1, !finished, wallMs, cpu,
                        peak >= 0 ? peak : monitoredPeak, load, Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(timeReport);
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        }
    }

    /** User + system seconds from {@code /usr/bin/time -v}'s report; -1 when either is missing. */
    static double cpuSeconds(String timeReport) {
        Matcher user = USER.matcher(timeReport);
        Matcher system = SYSTEM.matcher(timeReport);
        if (!user.find() || !system.find()) {
            return -1;
        }
        return Double.parseDouble(user.group(1)) + Double.parseDouble(system.group(1));
    }

    static long peakRssKiB(String timeReport) {
        return group(MAX_RSS, timeReport, -1);
    }

    private static long group(Pattern pattern, String text, long fallback) {
        Matcher m = pattern.matcher(text);
        return m.find() ? Long.parseLong(m.group(1)) : fallback;
    }
}
