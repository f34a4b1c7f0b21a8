package io.github.gpt2explainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RenderCommandTest {

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    private static Path prompts(Path dir) throws Exception {
        Path p = Files.createDirectories(dir.resolve("prompts"));
        Files.writeString(p.resolve("site.yaml"), """
                title: {en: "Tiny site", zh: "小网站"}
                languages: [en, zh]
                temperatures: [0, 1.0]
                max_new_tokens: 2
                seed: 5
                """);
        Files.writeString(p.resolve("hello.md"), """
                ---
                id: hello
                text: "Hello world"
                title: {en: "Hello", zh: "你好"}
                ---
                <!-- lang: en -->
                A note.

                <!-- lang: zh -->
                一条说明。
                """);
        return p;
    }

    @Test
    void rendersTheDemoSiteIntoTheOutputDirectory(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("site-out");
        Result r = run("render", "--model", "demo", "--prompts", prompts(dir).toString(), "--out", out.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.OK);
        assertThat(r.out()).contains(out.resolve("index.html").toString());
        assertThat(out.resolve("index.html")).isRegularFile();
        assertThat(out.resolve("zh/p/hello.html")).isRegularFile();
        assertThat(out.resolve("data/hello/main.js")).isRegularFile();
        assertThat(Files.readString(out.resolve("p/hello.html"))).contains("Hello world");
    }

    @Test
    void anOutputPathThatIsAFileIsInvalidInput(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("taken"), "x");
        Result r = run("render", "--model", "demo", "--prompts", prompts(dir).toString(), "--out", file.toString());
        assertThat(r.code()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(r.err()).contains("--out").contains("is a file");
    }

    @Test
    void aTemplatesDirectoryWithoutPagesIsInvalidInputNamingWhatIsMissing(@TempDir Path dir) throws Exception {
        Path templates = Files.createDirectories(dir.resolve("mine/assets"));
        Result r = run("render", "--model", "demo", "--prompts", prompts(dir).toString(), "--templates",
                templates.getParent().toString(), "--out", dir.resolve("o").toString());
        assertThat(r.code()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(r.err()).contains("no pages/ directory");
    }
}
