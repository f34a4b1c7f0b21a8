package io.github.gpt2explainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.gpt2explainer.build.StandardPipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17: a chapter link to a layer the model lacks used to land silently on the last layer (the prompt page
 * clamps it). Now `build` stops with invalid input (exit 3), naming the chapter file and line, and leaves no site.
 */
class ChapterLinkBuildTest {

    @TempDir
    Path tmp;

    private static Path repositoryTemplates() {
        Path here = Path.of("").toAbsolutePath();
        return (Files.isDirectory(here.resolve("templates")) ? here : here.getParent()).resolve("templates");
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    @Test
    void aChapterLinkingToLayer40FailsTheBuildWithFileAndLine() throws IOException {
        Path prompts = tmp.resolve("prompts");
        TestSite.write(prompts.resolve("site.yaml"), String.join("\n", "title: {en: Test, zh: 测试}", "languages: [en, zh]",
                "temperatures: [0]", "max_new_tokens: 1", "seed: 7", ""));
        TestSite.write(prompts.resolve("eiffel-tower.md"), String.join("\n", "---", "id: eiffel-tower", "text: \"The Eiffel Tower is in\"",
                "title: {en: Eiffel, zh: 埃菲尔}", "---", "<!-- lang: en -->", "A note.", "<!-- lang: zh -->", "注释。", ""));
        Path templates = tmp.resolve("templates");
        copy(repositoryTemplates(), templates);
        Path chapter = templates.resolve("prose/en/chapters/04-attention.md");
        String text = Files.readString(chapter);
        Files.writeString(chapter, text + "\nThe answer is in [layer 40, head 1](prompt:eiffel-tower#view=attention&layer=40&head=1).\n");
        int line = (int) text.lines().count() + 2;
        Path out = tmp.resolve("site-out");

        Cli.Result result = Cli.run(new Wiring(Cli.emptyHubEnvironment(tmp), new StandardPipeline()), "build", "-q",
                "--model", "demo", "--prompts", prompts.toString(), "--templates", templates.toString(),
                "--out", out.toString(), "--store", tmp.resolve("store").toString());

        assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(result.err()).as(result.toString())
                .contains("error: " + chapter + ":" + line + ": link 'prompt:eiffel-tower#view=attention&layer=40&head=1'"
                        + " names layer 40, but the model has 4 layers (0 to 3)")
                .doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(out).as("no half-written site").doesNotExist();
    }
}
