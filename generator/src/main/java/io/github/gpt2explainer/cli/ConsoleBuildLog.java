package io.github.gpt2explainer.cli;

import io.github.gpt2explainer.build.BuildLog;
import io.github.gpt2explainer.prompts.EffectivePrompt;
import io.github.gpt2explainer.prompts.PromptSet;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** A build's status lines on the console, and its generation progress as the console's progress bar. */
record ConsoleBuildLog(Console console) implements BuildLog {

    @Override
    public void info(String line) {
        console.info(line);
    }

    @Override
    public void detail(String line) {
        console.detail(line);
    }

    /** Feeds the console's generation progress (prompt x temperature x step) from the run's callbacks. */
    @Override
    public Progress progress(PromptSet promptSet) {
        GenerationProgress bar = GenerationProgress.forConsole(console);
        Map<String, EffectivePrompt> prompts = promptSet.effectivePrompts().stream()
                .collect(Collectors.toMap(EffectivePrompt::id, Function.identity()));
        return new Progress() {
            @Override
            public void planned(int count, int cached, int toRun) {
                console.info(count + (count == 1 ? " prompt: " : " prompts: ") + cached + " cached, " + toRun
                        + " to run");
            }

            @Override
            public void generating(long tokens) {
                if (tokens > 0) { // nothing to generate: no progress line at all
                    bar.begin(tokens);
                }
            }

            @Override
            public void notice(String message) {
                console.info(message);
            }

            @Override
            public void step(String promptId, int step, int maxSteps) {
                // All temperatures of a prompt advance together: one step is one token per temperature.
                for (double temperature : prompts.get(promptId).temperatures()) {
                    bar.step(promptId, temperature, step, maxSteps);
                }
            }

            @Override
            public void promptDone(String promptId, int index, int count, double seconds) {
                console.detail(String.format(Locale.ROOT, "[%d/%d] %s %.2f s", index + 1, count, promptId, seconds));
            }

            @Override
            public void close() {
                bar.end();
            }
        };
    }
}
