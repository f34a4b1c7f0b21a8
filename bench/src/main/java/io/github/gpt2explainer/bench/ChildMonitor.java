package io.github.gpt2explainer.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Samples, every few seconds while a child process runs, the machine's 1-minute load average and the largest
 * peak resident size ({@code VmHWM}) among the child and its descendants. The load says how many other
 * processes shared the cores (wall times are inflated by it, peaks and bytes are not); the peak so far is
 * what is left to report when a run has to be stopped before {@code /usr/bin/time} can report it.
 */
public final class ChildMonitor implements AutoCloseable {

    private final Thread thread;
    private volatile boolean stopped;
    private double loadSum;
    private int loadSamples;
    private double loadMax;
    private long peakRssKiB = -1;

    private ChildMonitor(ProcessHandle child, long periodMs) {
        thread = new Thread(() -> {
            while (!stopped) {
                sample(child);
                try {
                    Thread.sleep(periodMs);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "child-monitor");
        thread.setDaemon(true);
        thread.start();
    }

    public static ChildMonitor start(ProcessHandle child, long periodMs) {
        return new ChildMonitor(child, periodMs);
    }

    private synchronized void sample(ProcessHandle child) {
        double load = oneMinuteLoad();
        if (load >= 0) {
            loadSum += load;
            loadSamples++;
            loadMax = Math.max(loadMax, load);
        }
        peakRssKiB = Math.max(peakRssKiB, vmHwmKiB(child.pid()));
        child.descendants().forEach(p -> peakRssKiB = Math.max(peakRssKiB, vmHwmKiB(p.pid())));
    }

    /** The mean and largest 1-minute load average seen, e.g. "mean 6.1, max 9.8 (n=40)", or "unknown". */
    public synchronized String loadSummary() {
        return loadSamples == 0 ? "unknown"
                : String.format(Locale.ROOT, "mean %.1f, max %.1f", loadSum / loadSamples, loadMax);
    }

    /** The largest VmHWM seen in the child or a descendant, in KiB; -1 if none was read. */
    public synchronized long peakRssKiB() {
        return peakRssKiB;
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static double oneMinuteLoad() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** {@code VmHWM} of a process from {@code /proc/<pid>/status}, in KiB; -1 when it is gone or unreadable. */
    static long vmHwmKiB(long pid) {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/" + pid + "/status"));
            return parseVmHwm(lines);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static long parseVmHwm(List<String> statusLines) {
        for (String line : statusLines) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
