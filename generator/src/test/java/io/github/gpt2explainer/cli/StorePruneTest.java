package io.github.gpt2explainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run} and {@code build} delete trace store entries only with {@code --prune}. */
class StorePruneTest {

    @TempDir
    Path temp;

    private Cli.Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Cli.Result(code, out.toString(), err.toString());
    }

    private static Path promptSet(Path dir, String... ids) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("site.yaml"), String.join("\n", "title:", "  en: Test", "languages: [en]",
                "temperatures: [0]", "max_new_tokens: 2", "seed: 5", ""));
        for (String id : ids) {
            Files.writeString(dir.resolve(id + ".md"), String.join("\n", "---", "id: " + id,
                    "text: \"The prompt called " + id + "\"", "title: " + id, "---", "<!-- lang: en -->", "A note.", ""));
        }
        return dir;
    }

    private static long entries(Path store) throws IOException {
        try (Stream<Path> runs = Files.list(store.resolve("runs"))) {
            return runs.count();
        }
    }

    @Test
    void aRunOfAnotherPromptSetKeepsTheFirstSetsEntriesUnlessPruneIsGiven() throws IOException {
        Path first = promptSet(temp.resolve("first"), "one", "two");
        Path second = promptSet(temp.resolve("second"), "three");
        String store = temp.resolve("store").toString();

        assertThat(run("run", "--model", "demo", "--prompts", first.toString(), "--store", store).code()).isZero();
        Cli.Result other = run("run", "--model", "demo", "--prompts", second.toString(), "--store", store);

        assertThat(other.code()).as(other.toString()).isZero();
        assertThat(entries(Path.of(store))).as("one, two and three").isEqualTo(3);
        Cli.Result again = run("run", "--model", "demo", "--prompts", first.toString(), "--store", store);
        assertThat(again.out()).isEqualTo("2 prompts: 2 cached, nothing to run" + System.lineSeparator());

        Cli.Result pruning = run("run", "--model", "demo", "--prompts", second.toString(), "--store", store, "--prune");

        assertThat(pruning.code()).as(pruning.toString()).isZero();
        assertThat(pruning.err()).contains("Pruned 2 entries no prompt of this set needs from " + store);
        assertThat(entries(Path.of(store))).isEqualTo(1);
    }
}
