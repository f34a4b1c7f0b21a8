package io.github.gpt2explainer.build;

import io.github.gpt2explainer.prompts.PromptSet;
import io.github.gpt2explainer.runs.RunProgress;

/** Where a build says what it does: status lines, and generation progress. The command line's console implements it. */
public interface BuildLog {

    /** A status line (the start-up summary, what was run and rendered). */
    void info(String line);

    /** A line for {@code --verbose} only; dropped unless the log shows detail. */
    default void detail(String line) {
    }

    /** Generation progress for {@code prompts} (prompt x temperature x step); closed when the model stage ends. */
    Progress progress(PromptSet prompts);

    /** Generation progress that clears its display when closed. */
    interface Progress extends RunProgress, AutoCloseable {
        @Override
        void close();
    }
}
