package io.github.gpt2explainer.prompts;

import static io.github.gpt2explainer.prompts.PromptDirs.prompt;
import static io.github.gpt2explainer.prompts.PromptDirs.site;
import static io.github.gpt2explainer.prompts.PromptDirs.valid;
import static io.github.gpt2explainer.prompts.PromptDirs.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptSetValidatorTest {

    @TempDir
    Path dir;

    /** A stand-in tokenizer: one token per character. */
    private static final ToIntFunction<String> CHARS = String::length;

    @Test
    void promptsThatFitPass() {
        site(dir);
        prompt(dir, "a", valid("a")); // 12 characters + 16 new tokens = 28
        PromptSet set = PromptSetLoader.load(dir);
        assertThatCode(() -> PromptSetValidator.validate(set, CHARS, 28)).doesNotThrowAnyException();
    }

    @Test
    void everyPromptLongerThanTheContextIsReportedAtItsTextLine() {
        site(dir);
        Path a = prompt(dir, "a", valid("a"));                                    // 12 + 16 = 28
        Path b = prompt(dir, "b", with(valid("b"), "max_new_tokens: 2"));       // 12 + 2 = 14, fits
        Path c = prompt(dir, "c", "id: c", "title: {en: C, zh: 丙}", "text: \"Hello, world!!\""); // 14 + 16
        PromptSet set = PromptSetLoader.load(dir);
        PromptSetException e = catchThrowableOfType(PromptSetException.class,
                () -> PromptSetValidator.validate(set, CHARS, 27));
        assertThat(e.problems()).containsExactly(
                new Problem(a, 3, "too long for the model: the text is 12 tokens and max_new_tokens is 16, "
                        + "28 in all, but the context holds 27 positions"),
                new Problem(c, 4, "too long for the model: the text is 14 tokens and max_new_tokens is 16, "
                        + "30 in all, but the context holds 27 positions"));
        assertThat(b).exists();
    }

    @Test
    void aTextThatEncodesToNothingIsReported() {
        site(dir);
        Path a = prompt(dir, "a", valid("a"));
        PromptSet set = PromptSetLoader.load(dir);
        PromptSetException e = catchThrowableOfType(PromptSetException.class,
                () -> PromptSetValidator.validate(set, text -> 0, 1024));
        assertThat(e.problems()).containsExactly(new Problem(a, 3, "the text encodes to no tokens"));
    }
}
