package io.github.gpt2explainer.prompts;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.ToIntFunction;

/** Checks that need the tokenizer, run after {@link PromptSetLoader#load} and before any model work. */
public final class PromptSetValidator {

    private PromptSetValidator() {
    }

    /**
     * Every prompt must fit the model: {@code tokens(text) + max_new_tokens <= contextLength} (GPT-2's
     * n_positions, 1024), and its text must encode to at least one token.
     *
     * @param tokenCounter  number of tokens of a text, e.g. {@code t -> tokenizer.encode(t).length}
     * @param contextLength the model's n_positions
     * @throws PromptSetException listing every prompt that does not fit, at the line of its {@code text}
     */
    public static void validate(PromptSet set, ToIntFunction<String> tokenCounter, int contextLength) {
        Objects.requireNonNull(tokenCounter, "tokenCounter");
        if (contextLength < 1) {
            throw new IllegalArgumentException("contextLength must be >= 1, got " + contextLength);
        }
        List<Problem> problems = new ArrayList<>();
        for (EffectivePrompt prompt : set.effectivePrompts()) {
            PromptSpec spec = prompt.spec();
            int tokens = tokenCounter.applyAsInt(prompt.text());
            if (tokens < 1) {
                problems.add(new Problem(spec.source(), spec.textLine(), "the text encodes to no tokens"));
            } else if ((long) tokens + prompt.maxNewTokens() > contextLength) {
                problems.add(new Problem(spec.source(), spec.textLine(), "too long for the model: the text is "
                        + tokens + " tokens and max_new_tokens is " + prompt.maxNewTokens() + ", "
                        + (tokens + prompt.maxNewTokens()) + " in all, but the context holds " + contextLength
                        + " positions"));
            }
        }
        if (!problems.isEmpty()) {
            throw new PromptSetException(problems);
        }
    }
}
