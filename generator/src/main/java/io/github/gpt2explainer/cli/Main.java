package io.github.gpt2explainer.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * Entry point. {@code main} only exits with what {@link #run} returns, so tests drive the whole
 * command line in-process with their own streams.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        System.exit(run(out, err, args));
    }

    /** Runs one command line with the real environment and pipeline; returns its exit code; never throws, never exits. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return run(Wiring.standard(), out, err, args);
    }

    /** Runs one command line with the given environment and pipeline (tests). */
    public static int run(Wiring wiring, PrintWriter out, PrintWriter err, String... args) {
        NativeEngine.configureOffline();
        return RootCommand.commandLine(out, err, wiring).execute(args);
    }
}
