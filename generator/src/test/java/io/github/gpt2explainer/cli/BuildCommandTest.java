package io.github.gpt2explainer.cli;

import io.github.gpt2explainer.build.FakePipeline;
import io.github.gpt2explainer.build.StandardPipeline;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.gpt2explainer.output.SafeOutput;
import io.github.gpt2explainer.trace.TraceStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code build} and {@code build --check} in-process with a fake pipeline and the demo model. */
class BuildCommandTest {

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

    @Test
    void buildWritesTheSiteAndStatesWhatItResolved() {
        Cli.Result result = Cli.run(wiring, site.args("build"));

        assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.OK);
        assertThat(TestSite.read(site.out.resolve("index.html"))).contains("<h1>${title}</h1>")
                .contains("alpha: The Eiffel Tower is in").contains("beta: Once upon a time");
        assertThat(site.out.resolve("prompts/alpha.json")).exists();
        assertThat(result.err()).contains("Model: demo (untrained")
                .contains("Prompts: " + site.prompts + " (2 prompts, 4 runs (temperatures 0, 0.8), up to 4 new tokens each)")
                .contains("Templates: " + site.templates)
                .contains("Output: " + site.out)
                .contains("Trace store: " + site.store);
        assertThat(result.out().strip()).isEqualTo(site.out.toString());
        assertThat(siblingsOf(site.out)).containsExactlyInAnyOrder("site-out", "site-out.lock", "prompts", "templates");
    }

    @Test
    void quietBuildPrintsOnlyTheResult() {
        Cli.Result result = Cli.run(wiring, site.args("build", "-q"));

        assertThat(result.code()).isEqualTo(ExitCode.OK);
        assertThat(result.err()).isEmpty();
        assertThat(result.out().strip()).isEqualTo(site.out.toString());
    }

    @Test
    void aFailingPipelineLeavesThePreviousSiteAndExplainsInOneLine() throws IOException {
        assertThat(Cli.run(wiring, site.args("build")).code()).isEqualTo(ExitCode.OK);
        String before = TestSite.read(site.out.resolve("index.html"));
        Wiring failing = wiring.withPipeline(FakePipeline.rendering((context, dir) -> {
            TestSite.write(dir.resolve("index.html"), "half a site");
            throw new IOException("disk full while writing " + dir.resolve("big.json"));
        }));

        Cli.Result result = Cli.run(failing, site.args("build"));

        assertThat(result.code()).isEqualTo(ExitCode.FAILURE);
        assertThat(result.err()).contains("error: disk full while writing").contains("run again with -v");
        assertThat(result.err()).doesNotContain("\tat ");
        assertThat(TestSite.read(site.out.resolve("index.html"))).isEqualTo(before);
        assertThat(siblingsOf(site.out)).noneMatch(name -> name.contains(".tmp-") || name.contains(".old-"));
    }

    @Test
    void verboseShowsTheCauseChainAndStack() {
        Wiring failing = wiring.withPipeline(FakePipeline.rendering((context, dir) -> {
            throw new IllegalStateException("rendering page 3 failed", new IOException("template missing: page.ftlh"));
        }));

        Cli.Result quiet = Cli.run(failing, site.args("build"));
        Cli.Result verbose = Cli.run(failing, site.args("build", "-v"));

        assertThat(quiet.err()).contains("error: rendering page 3 failed").doesNotContain("caused by").doesNotContain("\tat ");
        assertThat(verbose.code()).isEqualTo(ExitCode.FAILURE);
        assertThat(verbose.err()).contains("error: rendering page 3 failed")
                .contains("caused by: java.io.IOException: template missing: page.ftlh").contains("\tat ");
    }

    @Test
    void invalidPromptsExitWithInvalidInputNamingFileAndLine() {
        TestSite.write(site.prompts.resolve("gamma.md"), "---\nid: gamma\ntext: 12\nbogus: true\n---\n");

        Cli.Result result = Cli.run(wiring, site.args("build"));

        assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(result.err()).contains(site.prompts.resolve("gamma.md") + ":4:");
        assertThat(result.err()).doesNotContain("\tat ");
        assertThat(pipeline.builds.get()).isZero();
        assertThat(site.out).doesNotExist();
    }

    @Test
    void aPromptTooLongForTheModelIsInvalidInput() {
        site.prompt("long", "word ".repeat(1100).strip());

        Cli.Result result = Cli.run(wiring, site.args("build"));

        assertThat(result.code()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(result.err()).contains(site.prompts.resolve("long.md") + ":3: too long for the model");
    }

    @Test
    void outThatIsAFileIsInvalidInput() throws IOException {
        Files.createDirectories(site.out.getParent());
        Files.writeString(site.out, "not a directory");

        Cli.Result result = Cli.run(wiring, site.args("build"));

        assertThat(result.code()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(result.err()).contains("--out " + site.out + " is a file");
    }

    // ---- --store: a directory the user chose wrongly is invalid input (3); a failing store is a failure (1).
    // These use the real pipeline, which opens the store before it loads the model.

    @Test
    void storeThatIsAFileIsInvalidInputNamingThePath() throws IOException {
        TestSite.write(site.store, "my notes");

        Cli.Result result = Cli.run(wiring.withPipeline(new StandardPipeline()), site.args("build", "-q"));

        assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(result.errLines()).containsExactly(
                "error: trace store " + site.store + " is a file, not a directory: pass --store elsewhere");
        assertThat(Files.readString(site.store)).isEqualTo("my notes");
        assertThat(site.out).doesNotExist();
    }

    @Test
    void storeThatIsAForeignNonEmptyDirectoryIsInvalidInputAndUntouched() throws IOException {
        TestSite.write(site.store.resolve("thesis.txt"), "precious");

        Cli.Result result = Cli.run(wiring.withPipeline(new StandardPipeline()), site.args("build", "-q"));

        assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(result.errLines()).singleElement().asString()
                .startsWith("error: trace store " + site.store + " is not empty and has no store.json")
                .endsWith("pass --store with a new or empty directory");
        try (Stream<Path> files = Files.list(site.store)) {
            assertThat(files).containsExactly(site.store.resolve("thesis.txt"));
        }
        assertThat(Files.readString(site.store.resolve("thesis.txt"))).isEqualTo("precious");
    }

    @Test
    void storeFromANewerSchemaIsInvalidInputAndUntouched() throws IOException {
        String newer = "{\"format\": \"gpt2-explainer trace store\", \"schema\": " + (TraceStore.SCHEMA + 1) + "}\n";
        TestSite.write(site.store.resolve("store.json"), newer);

        Cli.Result result = Cli.run(wiring.withPipeline(new StandardPipeline()), site.args("build", "-q"));

        assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(result.errLines()).singleElement().asString()
                .startsWith("error: trace store " + site.store + " was written by a newer gpt2-explainer (schema "
                        + (TraceStore.SCHEMA + 1) + ")")
                .contains("pass --store elsewhere");
        assertThat(Files.readString(site.store.resolve("store.json"))).isEqualTo(newer);
    }

    @Test
    void storeThatCannotBeWrittenIsAFailureNotInvalidInput() {
        // A valid store whose runs/ is a file: creating it fails with an I/O error, not because of the --store choice.
        TestSite.write(site.store.resolve("store.json"),
                "{\"format\": \"gpt2-explainer trace store\", \"schema\": " + TraceStore.SCHEMA + "}\n");
        TestSite.write(site.store.resolve("runs"), "in the way");

        Cli.Result result = Cli.run(wiring.withPipeline(new StandardPipeline()), site.args("build", "-q"));

        assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.FAILURE);
        assertThat(result.errLines()).containsExactly("error: cannot use trace store " + site.store
                + ": java.nio.file.FileAlreadyExistsException: " + site.store.resolve("runs"),
                "(run again with -v for the cause)");
    }

    @Test
    void missingTemplatesDirectoryIsInvalidInput() {
        Cli.Result result = Cli.run(wiring, "build", "--model", "demo", "--prompts", site.prompts.toString(),
                "--templates", tmp.resolve("nowhere").toString(), "--out", site.out.toString());

        assertThat(result.code()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(result.err()).contains("--templates " + tmp.resolve("nowhere") + " is not a directory");
    }

    @Test
    void checkOnAFreshSiteIsOkAndTouchesNothing() throws IOException {
        assertThat(Cli.run(wiring, site.args("build")).code()).isEqualTo(ExitCode.OK);
        Map<String, Long> before = modificationTimes(site.out);

        Cli.Result result = Cli.run(wiring, site.args("build", "--check"));

        assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.OK);
        assertThat(result.out()).contains("is up to date");
        assertThat(modificationTimes(site.out)).isEqualTo(before);
    }

    @Test
    void checkOnAStaleSiteListsWhatDiffersAndExitsStale() throws IOException {
        assertThat(Cli.run(wiring, site.args("build")).code()).isEqualTo(ExitCode.OK);
        site.prompt("beta", "Once upon a midnight dreary");
        site.prompt("gamma", "A new prompt");
        Files.delete(site.prompts.resolve("alpha.md"));
        String indexBefore = TestSite.read(site.out.resolve("index.html"));

        Cli.Result result = Cli.run(wiring, site.args("build", "--check"));

        assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.STALE_SITE).isEqualTo(6);
        assertThat(result.out().lines()).contains(
                "  changed  index.html",
                "  extra    prompts/alpha.json",
                "  changed  prompts/beta.json",
                "  missing  prompts/gamma.json");
        assertThat(result.err()).contains("error: " + site.out + " is stale: 4 files differ");
        assertThat(TestSite.read(site.out.resolve("index.html"))).isEqualTo(indexBefore);
        assertThat(site.out.resolve("prompts/gamma.json")).doesNotExist();
    }

    @Test
    void checkOnATamperedSiteExitsStale() throws IOException {
        assertThat(Cli.run(wiring, site.args("build")).code()).isEqualTo(ExitCode.OK);
        Files.writeString(site.out.resolve("style.css"), "body { margin: 1px }\n");
        Files.writeString(site.out.resolve("stray.html"), "left over");

        Cli.Result result = Cli.run(wiring, site.args("build", "--check"));

        assertThat(result.code()).isEqualTo(ExitCode.STALE_SITE);
        assertThat(result.out().lines()).containsSubsequence("  extra    stray.html", "  changed  style.css");
        assertThat(result.out()).doesNotContain("index.html");
        assertThat(Files.readString(site.out.resolve("style.css"))).isEqualTo("body { margin: 1px }\n");
    }

    @Test
    void checkWithoutAnyOutputExitsStale() {
        Cli.Result result = Cli.run(wiring, site.args("build", "--check"));

        assertThat(result.code()).isEqualTo(ExitCode.STALE_SITE);
        assertThat(result.out()).contains("  missing  index.html");
        assertThat(site.out).doesNotExist();
    }

    @Test
    void identicalInputsGiveByteIdenticalOutput() throws IOException {
        assertThat(Cli.run(wiring, site.args("build")).code()).isEqualTo(ExitCode.OK);
        Path first = tmp.resolve("first");
        Files.move(site.out, first);
        assertThat(Cli.run(wiring, site.args("build")).code()).isEqualTo(ExitCode.OK);

        assertThat(io.github.gpt2explainer.output.SiteDiff.compare(first, site.out).identical()).isTrue();
    }

    @Test
    void aSecondBuildOnTheSameOutputIsLockedOutWithAClearMessage() throws Exception {
        assertThat(Cli.run(wiring, site.args("build")).code()).isEqualTo(ExitCode.OK);
        String before = TestSite.read(site.out.resolve("index.html"));
        CountDownLatch insideFirst = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        Wiring slow = wiring.withPipeline(FakePipeline.rendering((context, dir) -> {
            insideFirst.countDown();
            try {
                releaseFirst.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            new TestSite.RenderingPipeline().render(context, dir);
        }));
        AtomicReference<Cli.Result> first = new AtomicReference<>();
        Thread thread = new Thread(() -> first.set(Cli.run(slow, site.args("build"))));
        thread.start();
        assertThat(insideFirst.await(30, TimeUnit.SECONDS)).isTrue();

        Cli.Result second = Cli.run(wiring, site.args("build", "-q")); // inputs are checked (and stated) before the lock

        releaseFirst.countDown();
        thread.join(30_000);
        assertThat(second.code()).as(second.toString()).isEqualTo(ExitCode.LOCKED).isEqualTo(7);
        assertThat(second.err()).contains("error: another build is writing " + site.out)
                .contains("lock held by pid " + ProcessHandle.current().pid() + " since ")
                .contains(SafeOutput.lockFileOf(site.out).toString()).contains("if no build is running");
        assertThat(second.errLines()).hasSize(1);
        assertThat(first.get().code()).as(first.get().toString()).isEqualTo(ExitCode.OK);
        assertThat(TestSite.read(site.out.resolve("index.html"))).isEqualTo(before);
    }

    @Test
    void brokenCheckpointLoadedByThePipelineExitsBrokenCheckpointNamingTheFile() throws IOException {
        Path model = BrokenModels.garbageWeights(tmp.resolve("broken-model"));
        Wiring loading = wiring.withPipeline(FakePipeline.rendering((context, dir) -> context.model().get().loadCheckpoint()));
        List<String> args = new java.util.ArrayList<>(List.of(site.args("build")));
        args.set(args.indexOf("demo"), model.toString());

        Cli.Result result = Cli.run(loading, args.toArray(String[]::new));

        assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.BROKEN_CHECKPOINT);
        assertThat(result.err()).contains("model.safetensors").doesNotContain("\tat ");
        assertThat(result.err()).contains("Model: " + model + " (local directory)");
    }

    @Test
    void modelWeightsAreNotLoadedWhenThePipelineDoesNotAskForThem() throws IOException {
        Path model = BrokenModels.garbageWeights(tmp.resolve("broken-model"));
        List<String> args = new java.util.ArrayList<>(List.of(site.args("build")));
        args.set(args.indexOf("demo"), model.toString());

        Cli.Result result = Cli.run(wiring, args.toArray(String[]::new));

        assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.OK);
    }

    private static List<String> siblingsOf(Path dir) {
        try (Stream<Path> list = Files.list(dir.getParent())) {
            return list.map(p -> p.getFileName().toString()).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Map<String, Long> modificationTimes(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.collect(java.util.stream.Collectors.toMap(p -> dir.relativize(p).toString(), p -> {
                try {
                    return Files.getLastModifiedTime(p).toMillis() ^ Files.size(p);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
        }
    }
}
