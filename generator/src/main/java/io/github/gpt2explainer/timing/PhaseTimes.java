package io.github.gpt2explainer.timing;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where a build's time goes, for {@code build --timings}: named phases, each with its number of calls, its wall
 * time and the process's CPU time meanwhile (every thread, PyTorch's native ones included). CPU seconds are
 * what the machine's load inflates least, so a profile taken on a busy machine is still comparable.
 *
 * <p>Off unless {@link #enable()} is called: a phase then costs one volatile read. Phases are recorded from any
 * thread; two that overlap in time (rendering beside the model) each count the process CPU of their span, so
 * their CPU figures overlap too. The table lists phases in the order they were first seen.
 */
public final class PhaseTimes {

    private static volatile PhaseTimes active;

    private final long startNanos = System.nanoTime();
    private final long startCpu = processCpuNanos();
    private final Map<String, Totals> totals = new LinkedHashMap<>();

    /** One phase's running totals. */
    private static final class Totals {
        int calls;
        long wallNanos;
        long cpuNanos;
    }

    /** A phase being timed; closing it adds its span to the phase's totals. */
    public interface Span extends AutoCloseable {
        @Override
        void close();
    }

    private static final Span NONE = () -> {
    };

    private PhaseTimes() {
    }

    /** Starts collecting (forgetting any earlier collection): from now on {@link #phase} records. */
    public static PhaseTimes enable() {
        PhaseTimes times = new PhaseTimes();
        active = times;
        return times;
    }

    /** Stops collecting. */
    public static void disable() {
        active = null;
    }

    /** Times {@code name} until the span is closed; a no-op while collection is off. */
    public static Span phase(String name) {
        PhaseTimes times = active;
        if (times == null) {
            return NONE;
        }
        long wall = System.nanoTime();
        long cpu = processCpuNanos();
        return () -> times.add(name, System.nanoTime() - wall, processCpuNanos() - cpu);
    }

    /** Adds a span measured elsewhere (e.g. before collection could start, such as the JVM's own start-up). */
    public static void record(String name, long wallNanos, long cpuNanos) {
        PhaseTimes times = active;
        if (times != null) {
            times.add(name, wallNanos, cpuNanos);
        }
    }

    private synchronized void add(String name, long wallNanos, long cpuNanos) {
        Totals t = totals.computeIfAbsent(name, k -> new Totals());
        t.calls++;
        t.wallNanos += wallNanos;
        t.cpuNanos += cpuNanos;
    }

    /**
     * The table, one line per phase: {@code timing | phase | calls | wall s | CPU s}, then a total line
     * from collection's start; lines start with {@code timing |} so a harness can pick them out of a log.
     */
    public synchronized List<String> table() {
        List<String> lines = new ArrayList<>();
        lines.add("timing | phase | calls | wall s | CPU s");
        for (Map.Entry<String, Totals> e : totals.entrySet()) {
            Totals t = e.getValue();
            lines.add(line(e.getKey(), t.calls, t.wallNanos, t.cpuNanos));
        }
        lines.add(line("total (since timing started)", 1, System.nanoTime() - startNanos, processCpuNanos() - startCpu));
        return lines;
    }

    private static String line(String name, int calls, long wallNanos, long cpuNanos) {
        return String.format(Locale.ROOT, "timing | %s | %d | %.2f | %.2f", name, calls, wallNanos / 1e9, cpuNanos / 1e9);
    }

    /** CPU time of the whole process so far (user + system, every thread), or 0 where the JVM cannot tell. */
    public static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return Math.max(0, os.getProcessCpuTime());
        }
        return 0;
    }
}
