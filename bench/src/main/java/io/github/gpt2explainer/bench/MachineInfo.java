package io.github.gpt2explainer.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What the figures were measured on: CPU, cores, memory, OS, Java, and the load average (the machine
 * may be shared, so the load at the time says how far to trust absolute figures).
 */
public record MachineInfo(String cpu, int cores, long memoryMiB, String os, String java, String loadAverage) {

    public static MachineInfo capture() {
        return new MachineInfo(cpuModel(), Runtime.getRuntime().availableProcessors(), readMemoryMiB(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                currentLoadAverage());
    }

    /** "1.23 2.00 2.10" (1, 5 and 15 minutes) from /proc/loadavg, or "unknown". */
    public static String currentLoadAverage() {
        String line = firstLine(Path.of("/proc/loadavg"));
        if (line == null) {
            return "unknown";
        }
        String[] parts = line.trim().split("\\s+");
        return parts.length >= 3 ? parts[0] + " " + parts[1] + " " + parts[2] : line.trim();
    }

    private static String cpuModel() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            String model = lines.stream().filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
            String flags = lines.stream().filter(l -> l.startsWith("flags")).findFirst().orElse("");
            String simd = flags.contains(" avx512f") ? "AVX-512" : flags.contains(" avx2") ? "AVX2" : "no AVX2";
            return model + ", " + simd;
        } catch (IOException e) {
            return System.getProperty("os.arch");
        }
    }

    private static long readMemoryMiB() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (l.startsWith("MemTotal:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through
        }
        return Runtime.getRuntime().maxMemory() / (1024 * 1024);
    }

    private static String firstLine(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return lines.isEmpty() ? null : lines.get(0);
        } catch (IOException e) {
            return null;
        }
    }

    public String describe() {
        return String.format(Locale.ROOT, "%s; %d cores; %.1f GiB RAM; %s; %s", cpu, cores, memoryMiB / 1024.0, os, java);
    }
}
