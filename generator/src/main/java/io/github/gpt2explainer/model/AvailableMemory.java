package io.github.gpt2explainer.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How much more memory this process may use, read before the weights are loaded: the kernel's estimate
 * ({@code MemAvailable} in /proc/meminfo), lowered by the memory limit of the process's cgroup when there is
 * one (containers, CI runners), or a value forced with {@value #OVERRIDE}.
 *
 * @param bytes  bytes available
 * @param source where the figure comes from, for the message
 */
public record AvailableMemory(long bytes, String source) {

    /** Forces the available memory, e.g. {@code 8g}, {@code 512m} or a number of bytes; {@code off} skips the check. */
    public static final String OVERRIDE = "GPT2X_AVAILABLE_MEMORY";

    /**
     * The available memory from {@code environment}'s override, else from this machine; empty when the check
     * is turned off or the machine does not say (not Linux).
     *
     * @throws IllegalArgumentException when the override is not a size
     */
    public static Optional<AvailableMemory> detect(Map<String, String> environment) {
        String forced = environment.get(OVERRIDE);
        if (forced != null && !forced.isBlank()) {
            if (forced.strip().equalsIgnoreCase("off")) {
                return Optional.empty();
            }
            return Optional.of(new AvailableMemory(parseSize(forced), OVERRIDE + "=" + forced.strip()));
        }
        return fromSystem(Path.of("/proc/meminfo"), Path.of("/sys/fs/cgroup"));
    }

    /** MemAvailable from {@code meminfo}, lowered to what the cgroup under {@code cgroupRoot} still allows. */
    static Optional<AvailableMemory> fromSystem(Path meminfo, Path cgroupRoot) {
        OptionalLong memAvailable = field(meminfo, "MemAvailable:").stream().map(kb -> kb * 1024).findFirst();
        Optional<AvailableMemory> cgroup = cgroupHeadroom(cgroupRoot);
        if (memAvailable.isEmpty()) {
            return cgroup;
        }
        AvailableMemory machine = new AvailableMemory(memAvailable.getAsLong(), "MemAvailable in " + meminfo);
        return Optional.of(cgroup.filter(c -> c.bytes() < machine.bytes()).orElse(machine));
    }

    /**
     * The cgroup's limit minus its working set (usage without the inactive file cache, which the kernel
     * reclaims first): cgroup v2 ({@code memory.max}) or v1 ({@code memory/memory.limit_in_bytes}).
     */
    private static Optional<AvailableMemory> cgroupHeadroom(Path root) {
        Path v2 = root.resolve("memory.max");
        if (Files.isReadable(v2)) {
            return headroom(v2, root.resolve("memory.current"), root.resolve("memory.stat"), "inactive_file ");
        }
        Path v1 = root.resolve("memory").resolve("memory.limit_in_bytes");
        if (Files.isReadable(v1)) {
            return headroom(v1, root.resolve("memory").resolve("memory.usage_in_bytes"),
                    root.resolve("memory").resolve("memory.stat"), "total_inactive_file ");
        }
        return Optional.empty();
    }

    private static Optional<AvailableMemory> headroom(Path limitFile, Path usageFile, Path statFile, String inactiveKey) {
        OptionalLong limit = number(limitFile);
        OptionalLong usage = number(usageFile);
        if (limit.isEmpty() || usage.isEmpty() || limit.getAsLong() >= Long.MAX_VALUE / 2) {
            return Optional.empty(); // "max", unreadable, or v1's "no limit" (a huge number)
        }
        long inactive = field(statFile, inactiveKey).orElse(0);
        long workingSet = Math.max(0, usage.getAsLong() - inactive);
        return Optional.of(new AvailableMemory(Math.max(0, limit.getAsLong() - workingSet),
                "the memory limit in " + limitFile + " minus what the group uses"));
    }

    private static OptionalLong number(Path file) {
        try {
            String text = Files.readString(file).strip();
            return text.matches("\\d+") ? OptionalLong.of(Long.parseLong(text)) : OptionalLong.empty();
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** The first number on the line starting with {@code key}, e.g. {@code MemAvailable:  123 kB}. */
    private static OptionalLong field(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(key)) {
                    String digits = line.substring(key.length()).strip().split("\\s+")[0];
                    return OptionalLong.of(Long.parseLong(digits));
                }
            }
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }

    /** {@code 8g}, {@code 512M}, {@code 1.5g}, {@code 300k} or a number of bytes. */
    static long parseSize(String text) {
        String s = text.strip().toLowerCase(Locale.ROOT);
        if (s.endsWith("b")) {
            s = s.substring(0, s.length() - 1);
        }
        long unit = 1;
        if (!s.isEmpty() && "kmgt".indexOf(s.charAt(s.length() - 1)) >= 0) {
            unit = 1L << (10 * ("kmgt".indexOf(s.charAt(s.length() - 1)) + 1));
            s = s.substring(0, s.length() - 1);
        }
        try {
            double value = Double.parseDouble(s);
            if (value < 0 || !Double.isFinite(value) || !s.matches("[0-9.]+")) {
                throw new NumberFormatException(s);
            }
            return (long) (value * unit);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(OVERRIDE + "=\"" + text + "\" is not a size; expected for example 8g,"
                    + " 512m, a number of bytes, or off");
        }
    }
}
