package io.github.gpt2explainer.cli;

/**
 * Every exit status the tool uses, chosen here and nowhere else. The numbers are part of the
 * command-line contract (scripts and CI test them), so they are spelled out, not derived from order.
 */
public final class ExitCode {
    /** The command did what was asked. */
    public static final int OK = 0;
    /** Something failed that is not the user's input: an I/O error, a bug. */
    public static final int FAILURE = 1;
    /** The command line itself is wrong: unknown option, missing argument (picocli's usage error). */
    public static final int USAGE = 2;
    /** The prompt set, settings, templates or another input file is invalid. */
    public static final int INVALID_INPUT = 3;
    /** The model could not be found or fetched: not cached and no network, 401/403, 404. */
    public static final int MODEL_UNAVAILABLE = 4;
    /** The model files exist but are broken or not a GPT-2 checkpoint. */
    public static final int BROKEN_CHECKPOINT = 5;
    /** {@code build --check}: the committed site differs from what the inputs produce. */
    public static final int STALE_SITE = 6;
    /** Another build holds the output directory's lock. */
    public static final int LOCKED = 7;
    /** Interrupted by the user (Ctrl-C); 128 + SIGINT as shells expect. */
    public static final int INTERRUPTED = 130;

    private ExitCode() {
    }
}
