package io.github.gpt2explainer.cli;

import io.github.gpt2explainer.build.FakePipeline;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code check}: prompts, settings and templates, without the model or the network. */
class CheckCommandTest {

    @TempDir
    Path tmp;

    TestSite site;
    Wiring wiring;

    @BeforeEach
    void setUp() {
        site = new TestSite(tmp.resolve("project"));
        wiring = new Wiring(Cli.emptyHubEnvironment(tmp), FakePipeline.rendering((context, dir) -> {
            throw new AssertionError("check never builds");
        }));
    }

    private Cli.Result check(String... more) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("check", "--prompts",
                site.prompts.toString(), "--templates", site.templates.toString()));
        args.addAll(java.util.List.of(more));
        return Cli.run(wiring, args.toArray(String[]::new));
    }

    @Test
    void validInputsPass() {
        Cli.Result result = check();

        assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.OK);
        assertThat(result.out()).contains("OK");
        assertThat(result.err()).contains("Templates: " + site.templates + " (1 parsed)")
                .contains("context of 1024 (openai-community/gpt2 is not in the local cache)");
    }

    @Test
    void theCuratedPromptSetAndTemplatesOfTheRepositoryPass() {
        Path repo = Path.of("..").toAbsolutePath().normalize();
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("check", "--prompts",
                repo.resolve("prompts").toString()));
        if (Files.isDirectory(repo.resolve("templates"))) {
            args.addAll(java.util.List.of("--templates", repo.resolve("templates").toString()));
        }
        Cli.Result result = Cli.run(wiring, args.toArray(String[]::new));

        assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.OK);
    }

    @Test
    void everyProblemIsListedWithFileAndLine() throws IOException {
        TestSite.write(site.prompts.resolve("gamma.md"), "---\nid: gamma\ntext: \"x\"\nbogus: true\n---\n");
        TestSite.write(site.templates.resolve("broken.ftlh"), "<p>fine</p>\n<#if x>\n<p>never closed</p>\n");
        TestSite.write(site.templates.resolve("parts/bad-expr.ftlh"), "line one\n${ 1 + }\n");

        Cli.Result result = check();

        assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(result.err()).contains(site.prompts.resolve("gamma.md") + ":4:")
                .contains(site.templates.resolve("broken.ftlh") + ":")
                .contains(site.templates.resolve("parts/bad-expr.ftlh") + ":2:");
        assertThat(result.err()).doesNotContain("\tat ");
    }

    @Test
    void aPromptTooLongForGpt2IsReported() {
        site.prompt("long", "word ".repeat(1100).strip());

        Cli.Result result = check();

        assertThat(result.code()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(result.err()).contains(site.prompts.resolve("long.md") + ":3: too long for the model")
                .contains("the context holds 1024 positions");
    }

    @Test
    void aLocalModelsContextIsUsedWhenAvailable() throws IOException {
        Path model = BrokenModels.garbageWeights(tmp.resolve("small-context"));
        Files.writeString(model.resolve("config.json"), "{\"model_type\": \"gpt2\", \"vocab_size\": 50257, "
                + "\"n_positions\": 8, \"n_embd\": 64, \"n_layer\": 1, \"n_head\": 4}");

        Cli.Result result = check("--model", model.toString());

        assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(result.err()).contains("the context holds 8 positions");
    }

    @Test
    void aMissingPromptDirectoryIsReported() {
        Cli.Result result = Cli.run(wiring, "check", "--prompts", tmp.resolve("none").toString(),
                "--templates", site.templates.toString());

        assertThat(result.code()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(result.err()).contains(tmp.resolve("none") + ": the prompt directory does not exist");
    }

    @Test
    void aMissingTemplatesDirectoryIsReported() {
        Cli.Result result = Cli.run(wiring, "check", "--prompts", site.prompts.toString(),
                "--templates", tmp.resolve("none").toString());

        assertThat(result.code()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(result.err()).contains(tmp.resolve("none") + ": the templates directory does not exist");
    }

    @Test
    void aMalformedModelIdIsReported() {
        Cli.Result result = check("--model", "bad id with spaces");

        assertThat(result.code()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(result.err()).contains("model 'bad id with spaces'");
    }
}
