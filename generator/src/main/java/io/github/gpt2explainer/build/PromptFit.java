package io.github.gpt2explainer.build;

import io.github.gpt2explainer.hub.ResolvedModel;
import io.github.gpt2explainer.model.Gpt2ConfigReader;
import io.github.gpt2explainer.model.ModelSource;
import io.github.gpt2explainer.model.RandomCheckpoint;
import io.github.gpt2explainer.prompts.PromptSet;
import io.github.gpt2explainer.prompts.PromptSetValidator;
import io.github.gpt2explainer.tokenizer.Gpt2Tokenizer;

/**
 * Checks that every prompt fits the model (text + max_new_tokens within the context) using only the model's
 * config.json and tokenizer files, never its weights.
 */
public final class PromptFit {

    /** GPT-2's n_positions, used when the model's config.json is not at hand ({@code check} without a cached model). */
    public static final int GPT2_CONTEXT = 1024;

    private PromptFit() {
    }

    /** Against the resolved model's own tokenizer and context length, read from its files (check: no weights hashed). */
    public static void validate(PromptSet prompts, ResolvedModel model) {
        if (model.isDemo()) {
            validate(prompts, Gpt2Tokenizer.bundled(), RandomCheckpoint.demoConfig().contextLength());
            return;
        }
        int context = Gpt2ConfigReader.read(model.file("config.json")).contextLength();
        validate(prompts, Gpt2Tokenizer.forCheckpoint(model.directory()), context);
    }

    /** Against an identified model's own tokenizer and context: what build, serve and run check, once, before any model work. */
    public static void validate(PromptSet prompts, ModelSource model) {
        PromptSetValidator.validate(prompts, text -> model.tokenizer().encode(text).length,
                model.config().contextLength());
    }

    /** Against the bundled GPT-2 tokenizer and GPT-2's context of {@value #GPT2_CONTEXT} positions. */
    public static void validateForGpt2(PromptSet prompts) {
        validate(prompts, Gpt2Tokenizer.bundled(), GPT2_CONTEXT);
    }

    private static void validate(PromptSet prompts, Gpt2Tokenizer tokenizer, int context) {
        try (tokenizer) {
            PromptSetValidator.validate(prompts, text -> tokenizer.encode(text).length, context);
        }
    }
}
