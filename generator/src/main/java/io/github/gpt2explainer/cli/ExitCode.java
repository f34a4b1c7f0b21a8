package io.github.gpt2explainer.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
    /** The prompt set, settings, templates, another input file or the --store directory is invalid. */
    public static final int INVALID_INPUT = 3;
    /** The model could not be found or fetched: not cached and no network, 401/403, 404. */
    public static final int MODEL_UNAVAILABLE = 4;
    /** The model files exist but are broken or not a GPT-2 checkpoint. */
    public static final int BROKEN_CHECKPOINT = 5;
    /** {@code build --check}: the committed site differs from what the inputs produce. */
    public static final int STALE_SITE = 6;
    /** Another build holds the output directory's lock. */
    public static final int LOCKED = 7;
    /** The model does not fit in the memory available; found before loading it. */
    public static final int NOT_ENOUGH_MEMORY = 8;
    /** Interrupted by the user (Ctrl-C); 128 + SIGINT as shells expect. */
    public static final int INTERRUPTED = 130;

    /** One documented exit status. */
    public record Meaning(int code, String name, String description) {
    }

    /** Every status, in numeric order: the help texts and the README table are generated from this list. */
    public static final List<Meaning> ALL = List.of(
            new Meaning(OK, "OK", "success"),
            new Meaning(FAILURE, "FAILURE", "failure that is not the input's fault (I/O error, bug); -v shows the cause"),
            new Meaning(USAGE, "USAGE", "the command line is wrong (unknown option, missing value)"),
            new Meaning(INVALID_INPUT, "INVALID_INPUT", "invalid prompts, settings, templates, --model value, --store or --shard, or an --out the tool may not replace"),
            new Meaning(MODEL_UNAVAILABLE, "MODEL_UNAVAILABLE", "the model is not cached and cannot be fetched (offline, 401/403, 404, network, a server that breaks the Hub protocol)"),
            new Meaning(BROKEN_CHECKPOINT, "BROKEN_CHECKPOINT", "the model files are broken or not a GPT-2 checkpoint"),
            new Meaning(STALE_SITE, "STALE_SITE", "build --check: the output differs from what the inputs produce"),
            new Meaning(LOCKED, "LOCKED", "another build is writing the same output directory"),
            new Meaning(NOT_ENOUGH_MEMORY, "NOT_ENOUGH_MEMORY", "the model does not fit in the memory available (checked before loading)"),
            new Meaning(INTERRUPTED, "INTERRUPTED", "interrupted (Ctrl-C)"));

    /** For picocli's exit-code section of --help: code (right-aligned) to description. */
    static Map<String, String> helpList() {
        Map<String, String> list = new LinkedHashMap<>();
        for (Meaning m : ALL) {
            list.put(String.format(java.util.Locale.ROOT, "%3d", m.code()), m.description());
        }
        return list;
    }

    /** The Markdown table for the README. */
    public static String markdownTable() {
        StringBuilder sb = new StringBuilder("| Code | Name | Meaning |\n|---:|---|---|\n");
        for (Meaning m : ALL) {
            sb.append("| ").append(m.code()).append(" | `").append(m.name()).append("` | ").append(m.description())
                    .append(" |\n");
        }
        return sb.toString();
    }

    private ExitCode() {
    }
}
