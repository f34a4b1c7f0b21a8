package io.github.gpt2explainer.runs;

import io.github.gpt2explainer.text.TerminalText;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Callbacks while {@link BuildRunner} runs the model over the prompts that are not cached. Called from
 * the running thread; an exception thrown here aborts the run (prompts already finished stay stored).
 */
public interface RunProgress {

    /** Before any model work: how many prompts there are, how many are already stored, how many will run. */
    default void planned(int prompts, int cached, int toRun) {
    }

    /**
     * Model work is about to start: {@code tokens} tokens to generate in all, over every prompt to run and
     * each of its temperatures (a prompt whose runs stop early at end-of-text generates fewer).
     */
    default void generating(long tokens) {
    }

    /** Something the user should know (a store upgrade, a damaged entry being recomputed). */
    default void notice(String message) {
    }

    /** Prompt {@code index} (0-based) of {@code count} to run is starting. */
    default void promptStarted(String promptId, int index, int count) {
    }

    /** One round of sampling of a prompt's generations is done (all temperatures advance together). */
    default void step(String promptId, int step, int maxSteps) {
    }

    /** The prompt is computed and stored. */
    default void promptDone(String promptId, int index, int count, double seconds) {
    }

    /** Reports nothing. */
    static RunProgress none() {
        return new RunProgress() {
        };
    }

    /** Plain lines: the plan, notices, and one line per finished prompt, e.g. {@code [3/20] eiffel-tower 0.41 s}. */
    static RunProgress lines(PrintWriter out) {
        return new RunProgress() {
            @Override
            public void planned(int prompts, int cached, int toRun) {
                out.println(prompts + (prompts == 1 ? " prompt: " : " prompts: ") + cached + " cached, " + toRun
                        + " to run");
                out.flush();
            }

            @Override
            public void notice(String message) {
                out.println(TerminalText.escapeLines(message)); // may quote store paths and file names
                out.flush();
            }

            @Override
            public void promptDone(String promptId, int index, int count, double seconds) {
                out.println(String.format(Locale.ROOT, "[%d/%d] %s %.2f s", index + 1, count, promptId, seconds));
                out.flush();
            }
        };
    }
}
