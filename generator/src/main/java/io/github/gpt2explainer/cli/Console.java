package io.github.gpt2explainer.cli;

import io.github.gpt2explainer.text.TerminalText;
import java.io.PrintWriter;

/**
 * The tool's voice: results on stdout, progress and diagnostics on stderr, filtered by -q / -v.
 * One instance per command line, so tests capture everything through the streams they pass in.
 * Every line goes through {@link TerminalText#escapeLines}: ids, titles, file names and server messages
 * inside it can never send escape sequences to the terminal.
 */
public final class Console {
    public enum Level { QUIET, NORMAL, VERBOSE }

    private final PrintWriter out;
    private final PrintWriter err;
    private Level level = Level.NORMAL;

    Console(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    void setLevel(Level level) {
        this.level = level;
    }

    public Level level() {
        return level;
    }

    public boolean verbose() {
        return level == Level.VERBOSE;
    }

    /** A result line (what the command produced); printed even with -q. */
    public void result(String line) {
        out.println(TerminalText.escapeLines(line));
        out.flush();
    }

    /** A status line (what the tool resolved or is doing); hidden by -q. */
    public void info(String line) {
        if (level != Level.QUIET) {
            err.println(TerminalText.escapeLines(line));
            err.flush();
        }
    }

    /** Detail for -v only. */
    public void detail(String line) {
        if (level == Level.VERBOSE) {
            err.println(TerminalText.escapeLines(line));
            err.flush();
        }
    }

    /** An error; never hidden. */
    public void error(String line) {
        err.println(TerminalText.escapeLines(line));
        err.flush();
    }

    public PrintWriter out() {
        return out;
    }

    public PrintWriter err() {
        return err;
    }
}
