package io.github.gpt2explainer.forward;

import ai.djl.ndarray.NDManager;
import io.github.gpt2explainer.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The command line in a JVM of its own, with its memory measured: starts the PyTorch engine, notes the
 * resident size (the runtime baseline), runs {@link Main} with the arguments, then prints
 * {@code memory baseline=<bytes> peak=<bytes>} (the peak is the kernel's VmHWM) and exits with Main's code.
 */
public final class PeakMemoryMain {

    private PeakMemoryMain() {
    }

    public static void main(String[] args) throws IOException {
        System.setProperty("ai.djl.offline", "true");
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            manager.create(1f).add(1f).close(); // loads the native library and starts the engine
        }
        System.gc();
        long baseline = status("VmRSS");
        PrintWriter out = new PrintWriter(System.out, true);
        int exit = Main.run(out, new PrintWriter(System.err, true), args);
        out.println("memory baseline=" + baseline + " peak=" + status("VmHWM"));
        out.flush();
        System.exit(exit);
    }

    /** A size line of /proc/self/status, e.g. {@code VmHWM:   123456 kB}, in bytes. */
    static long status(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("/proc/self/status has no " + field);
    }
}
