package io.github.gpt2explainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.gpt2explainer.output.SafeOutput;
import io.github.gpt2explainer.output.SiteMarker;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code build} and {@code serve} never replace a directory the tool did not write, nor one holding an input. */
class OutputSafetyTest {

    @TempDir
    Path tmp;

    TestSite site;
    TestSite.RenderingPipeline pipeline;
    Wiring wiring;

    @BeforeEach
    void setUp() {
        site = new TestSite(tmp.resolve("project"));
        pipeline = new TestSite.RenderingPipeline();
        wiring = new Wiring(Cli.emptyHubEnvironment(tmp), pipeline);
    }

    private String[] buildInto(Path out, String... more) {
        List<String> args = new ArrayList<>(List.of(site.args("build", more)));
        args.set(args.indexOf("--out") + 1, out.toString());
        return args.toArray(String[]::new);
    }

    @Test
    void aDirectoryWithAUsersFileSurvivesBuildOut() throws IOException {
        Path userDir = tmp.resolve("userdir");
        TestSite.write(userDir.resolve("thesis.txt"), "precious");

        Cli.Result result = Cli.run(wiring, buildInto(userDir));

        assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(result.err()).contains("error: the output directory " + userDir + " is not empty and was not "
                + "written by gpt2-explainer").contains("nothing was deleted").contains("choose a new or empty directory")
                .doesNotContain("\tat ");
        assertThat(userDir.resolve("thesis.txt")).hasContent("precious");
        try (Stream<Path> files = Files.list(userDir)) {
            assertThat(files).containsExactly(userDir.resolve("thesis.txt"));
        }
        assertThat(SafeOutput.lockFileOf(userDir)).doesNotExist();
        assertThat(pipeline.builds.get()).isZero();
    }

    @Test
    void aSiteTheToolBuiltIsReplacedAndCarriesTheMarker() {
        assertThat(Cli.run(wiring, site.args("build")).code()).isEqualTo(ExitCode.OK);
        assertThat(SiteMarker.isMarked(site.out)).isTrue();
        site.prompt("alpha", "Edited text");

        Cli.Result again = Cli.run(wiring, site.args("build"));

        assertThat(again.code()).as(again.toString()).isEqualTo(ExitCode.OK);
        assertThat(TestSite.read(site.out.resolve("index.html"))).contains("alpha: Edited text");
        assertThat(Cli.run(wiring, site.args("build", "--check")).code()).as("--check expects the marker too")
                .isEqualTo(ExitCode.OK);
    }

    @Test
    void serveRefusesADirectoryWithAUsersFile() throws Exception {
        Path userDir = tmp.resolve("userdir");
        TestSite.write(userDir.resolve("thesis.txt"), "precious");
        List<String> args = new ArrayList<>(List.of(site.args("serve", "--port", "0")));
        args.set(args.indexOf("--out") + 1, userDir.toString());
        StringWriter err = new StringWriter();
        AtomicInteger code = new AtomicInteger(-1);
        Thread serving = new Thread(() -> code.set(Main.run(wiring, new PrintWriter(new StringWriter(), true),
                new PrintWriter(err, true), args.toArray(String[]::new))));
        serving.start();
        serving.join(30_000);
        boolean stillServing = serving.isAlive();
        serving.interrupt();
        serving.join(10_000);

        assertThat(stillServing).as("serve should refuse at once, stderr: " + err).isFalse();
        assertThat(code.get()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(err.toString()).contains("is not empty and was not written by gpt2-explainer");
        assertThat(userDir.resolve("thesis.txt")).hasContent("precious");
        assertThat(pipeline.builds.get()).isZero();
    }

    @Test
    void outThatIsThePromptsDirectoryIsRefusedAndThePromptsSurvive() throws IOException {
        Cli.Result result = Cli.run(wiring, buildInto(site.prompts, "-q"));

        assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(result.errLines()).singleElement().asString()
                .startsWith("error: --out " + site.prompts + " is the prompts directory " + site.prompts.toRealPath());
        assertThat(site.prompts.resolve("alpha.md")).exists();
        assertThat(site.prompts.resolve("site.yaml")).exists();
        assertThat(SafeOutput.lockFileOf(site.prompts)).doesNotExist();
    }

    @Test
    void outThatContainsTheTemplatesOrLiesInsideTheStoreIsRefused() throws IOException {
        Files.createDirectories(site.store);

        Cli.Result containing = Cli.run(wiring, buildInto(site.root, "-q"));
        Cli.Result inside = Cli.run(wiring, buildInto(site.store.resolve("site"), "-q"));

        assertThat(containing.code()).as(containing.toString()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(containing.err()).contains("--out " + site.root + " contains the prompts directory");
        assertThat(inside.code()).as(inside.toString()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(inside.err()).contains("is inside the trace store directory");
        assertThat(site.templates.resolve("page.ftlh")).exists();
        assertThat(pipeline.builds.get()).isZero();
    }

    @Test
    void outDotIsRefusedAndTheWorkingDirectoryKeepsItsFiles() throws Exception {
        TestSite.write(site.root.resolve("thesis.txt"), "precious");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), RenderingBuildMain.class.getName(),
                "build", "--model", "demo", "--prompts", "prompts", "--templates", "templates", "--out", ".",
                "--store", tmp.resolve("store").toString()));
        Path log = tmp.resolve("child.log");
        Process child = new ProcessBuilder(command).directory(site.root.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();

        String output = Files.readString(log);
        assertThat(child.exitValue()).as(output).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(output).contains("error: --out . is the working directory " + site.root.toRealPath());
        assertThat(site.root.resolve("thesis.txt")).hasContent("precious");
        assertThat(site.prompts.resolve("alpha.md")).exists();
        try (Stream<Path> siblings = Files.list(tmp)) {
            assertThat(siblings.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("project", "child.log");
        }
    }

    @Test
    void aBuildThatFailsValidationCreatesNoLockAndNoStaging() throws IOException {
        TestSite.write(site.prompts.resolve("gamma.md"), "---\nid: gamma\ntext: 12\nbogus: true\n---\n");

        Cli.Result result = Cli.run(wiring, site.args("build"));

        assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.INVALID_INPUT);
        try (Stream<Path> siblings = Files.list(site.out.getParent())) {
            assertThat(siblings.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("prompts", "templates");
        }
    }
}
