package io.github.gpt2explainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run --model demo}: the whole store step from the command line, twice, then after an edit. */
class RunCommandTest {

    @TempDir
    Path temp;

    private record Outcome(int code, String out, String err) {
    }

    private Outcome run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Outcome(code, out.toString(), err.toString());
    }

    /** A prompt directory with a site.yaml for English only, seed 5. */
    private Path promptSet(String temperatures, int maxNewTokens) throws IOException {
        Path prompts = Files.createDirectories(temp.resolve("prompts"));
        Files.writeString(prompts.resolve("site.yaml"), String.join("\n", "title:", "  en: Test", "languages: [en]",
                "temperatures: [" + temperatures + "]", "max_new_tokens: " + maxNewTokens, "seed: 5", ""));
        return prompts;
    }

    private static void prompt(Path dir, String id, String text) throws IOException {
        Files.writeString(dir.resolve(id + ".md"), String.join("\n", "---", "id: " + id, "text: \"" + text + "\"",
                "title: " + id, "---", "<!-- lang: en -->", "A note.", ""));
    }

    @Test
    void aSecondRunDoesNoModelWorkAndAnEditedPromptRunsAlone() throws IOException {
        Path prompts = promptSet("0, 1.0", 3);
        prompt(prompts, "one", "The first prompt");
        prompt(prompts, "two", "The second prompt");
        String store = temp.resolve("store").toString();

        Outcome first = run("run", "--model", "demo", "--prompts", prompts.toString(), "--store", store);
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).startsWith("2 prompts: 0 cached, 2 run in ");
        assertThat(first.err()).contains("demo (untrained").contains("2 prompts: 0 cached, 2 to run")
                .contains("[1/2] one").contains("[2/2] two");

        Outcome second = run("run", "--model", "demo", "--prompts", prompts.toString(), "--store", store);
        assertThat(second.code()).isZero();
        assertThat(second.out()).isEqualTo("2 prompts: 2 cached, nothing to run" + System.lineSeparator());

        prompt(prompts, "two", "The second prompt, edited");
        Outcome third = run("run", "--model", "demo", "--prompts", prompts.toString(), "--store", store);
        assertThat(third.out()).startsWith("2 prompts: 1 cached, 1 run in ");
        assertThat(third.err()).contains("[1/1] two").doesNotContain("] one");
    }

    @Test
    void aPromptTooLongForTheModelIsInvalidInputAndNothingRuns() throws IOException {
        Path prompts = promptSet("0", 2);
        prompt(prompts, "one", "The first prompt");
        prompt(prompts, "long", "word ".repeat(1100).strip());
        Path store = temp.resolve("store");

        Outcome outcome = run("run", "--model", "demo", "--prompts", prompts.toString(), "--store", store.toString());
        assertThat(outcome.code()).as(outcome.err()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(outcome.err()).contains(prompts.resolve("long.md") + ":3: too long for the model")
                .doesNotContain("to run");
        assertThat(store.resolve("runs")).isEmptyDirectory(); // no prompt ran, not even "one"
    }

    @Test
    void aForeignStoreDirectoryIsAnErrorWithAnExplanation() throws IOException {
        Path prompts = promptSet("0", 2);
        prompt(prompts, "one", "The first prompt");
        Path foreign = Files.createDirectories(temp.resolve("foreign"));
        Files.writeString(foreign.resolve("notes.txt"), "mine");

        Outcome outcome = run("run", "--model", "demo", "--prompts", prompts.toString(), "--store", foreign.toString());
        assertThat(outcome.code()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(outcome.err()).contains("error: trace store " + foreign + " is not empty and has no store.json");
        assertThat(Files.readString(foreign.resolve("notes.txt"))).isEqualTo("mine");
    }
}
