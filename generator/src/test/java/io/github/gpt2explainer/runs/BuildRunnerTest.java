package io.github.gpt2explainer.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.gpt2explainer.forward.CaptureNames;
import io.github.gpt2explainer.model.ModelSource;
import io.github.gpt2explainer.trace.GenerationRun;
import io.github.gpt2explainer.trace.PromptRun;
import io.github.gpt2explainer.trace.StoreKey;
import io.github.gpt2explainer.trace.TraceStore;
import io.github.gpt2explainer.trace.TraceStoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The incremental cache: what runs, what is reused, and what a store looks like after failures. */
class BuildRunnerTest {

    private static StoreFixture.CountingModel model;

    @TempDir
    Path temp;

    @BeforeAll
    static void createModel() {
        model = new StoreFixture.CountingModel(1);
    }

    @AfterAll
    static void closeModel() {
        model.source.close();
    }

    private RunReport run(Path prompts, Path store) {
        return run(prompts, TraceStore.open(store), model.source, RunProgress.none());
    }

    private static RunReport run(Path prompts, TraceStore store, ModelSource source, RunProgress progress) {
        return new BuildRunner(store, progress).run(StoreFixture.load(prompts), source);
    }

    /** A clean run of the prompts as they are now into a fresh store: the reference bytes. */
    private Map<String, String> cleanTree(Path prompts) throws IOException {
        Path store = Files.createTempDirectory(temp, "clean");
        run(prompts, store);
        return StoreFixture.tree(store);
    }

    @Test
    void twoRunsIntoFreshStoresAreByteIdentical() {
        Path prompts = StoreFixture.promptSet(temp.resolve("prompts"));
        run(prompts, temp.resolve("a"));
        run(prompts, temp.resolve("b"));
        Map<String, String> a = StoreFixture.tree(temp.resolve("a"));
        assertThat(a).hasSize(1 + 4 * StoreFixture.IDS.length);
        assertThat(StoreFixture.tree(temp.resolve("b"))).isEqualTo(a);
    }

    @Test
    void invalidationMatrix() throws IOException {
        Path prompts = StoreFixture.promptSet(temp.resolve("prompts"));
        Path store = temp.resolve("store");

        RunReport first = run(prompts, store);
        assertThat(first.ran()).containsExactly(StoreFixture.IDS);
        assertThat(first.summary()).startsWith("4 prompts: 0 cached, 4 run in ");

        int loads = model.loads.get();
        RunReport nothingChanged = run(prompts, store);
        assertThat(nothingChanged.ran()).isEmpty();
        assertThat(nothingChanged.modelLoaded()).isFalse();
        assertThat(model.loads.get()).as("weights loaded when nothing changed").isEqualTo(loads);
        assertThat(nothingChanged.summary()).isEqualTo("4 prompts: 4 cached, nothing to run");

        StoreFixture.prompt(prompts, "bravo", "A different text for bravo", "About bravo", "Look at bravo.");
        RunReport textChanged = run(prompts, store);
        assertThat(textChanged.ran()).containsExactly("bravo");
        assertThat(textChanged.cached()).containsExactly("alpha", "charlie", "delta");
        assertThat(textChanged.pruned()).as("nothing is deleted without --prune").isZero();

        StoreFixture.prompt(prompts, "charlie", "The story of charlie begins", "A new title", "A new note.");
        assertThat(run(prompts, store).ran()).as("title and note only change the pages").isEmpty();

        StoreFixture.site(prompts, "[0, 1.2]");
        assertThat(run(prompts, store).ran()).as("site temperatures changed").containsExactly(StoreFixture.IDS);

        StoreFixture.CountingModel other = new StoreFixture.CountingModel(2);
        try (ModelSource source = other.source) {
            RunReport modelChanged = run(prompts, TraceStore.open(store), source, RunProgress.none());
            assertThat(modelChanged.ran()).as("another model").containsExactly(StoreFixture.IDS);
            assertThat(modelChanged.pruned()).as("the first model's entries stay without --prune").isZero();
            RunReport pruning = new BuildRunner(TraceStore.open(store), RunProgress.none())
                    .run(StoreFixture.load(prompts), source, true);
            assertThat(pruning.ran()).isEmpty();
            assertThat(pruning.pruned()).as("bravo's old entry, 4 of the old temperatures, 4 of the first model")
                    .isEqualTo(9);
        }
        assertThat(StoreFixture.tree(store)).hasSize(1 + 4 * 4);
    }

    @Test
    void aStoreFromAnOlderSchemaIsUpgradedByRecomputingEverything() throws IOException {
        Path prompts = StoreFixture.promptSet(temp.resolve("prompts"));
        Path store = temp.resolve("store");
        run(prompts, TraceStore.open(store, TraceStore.SCHEMA - 1), model.source, RunProgress.none());

        TraceStore upgraded = TraceStore.open(store);
        assertThat(upgraded.notices()).singleElement().asString()
                .contains("written with schema " + (TraceStore.SCHEMA - 1))
                .contains("every prompt is recomputed");
        RunReport report = new BuildRunner(upgraded, RunProgress.none())
                .run(StoreFixture.load(prompts), model.source, true);
        assertThat(report.ran()).containsExactly(StoreFixture.IDS);
        assertThat(report.pruned()).as("the old schema's entries, with --prune").isEqualTo(4);
        assertThat(StoreFixture.tree(store)).isEqualTo(cleanTree(prompts));
    }

    @Test
    void aStoreFromANewerSchemaIsRefusedWithAClearMessageAndLeftAlone() {
        Path prompts = StoreFixture.promptSet(temp.resolve("prompts"));
        Path store = temp.resolve("store");
        run(prompts, TraceStore.open(store, TraceStore.SCHEMA + 1), model.source, RunProgress.none());
        Map<String, String> before = StoreFixture.tree(store);

        assertThatThrownBy(() -> TraceStore.open(store))
                .isInstanceOf(TraceStoreException.class)
                .hasMessageContaining("was written by a newer gpt2-explainer (schema " + (TraceStore.SCHEMA + 1) + ")")
                .hasMessageContaining("this version reads schema " + TraceStore.SCHEMA)
                .hasMessageContaining("pass --store elsewhere");
        assertThat(StoreFixture.tree(store)).isEqualTo(before);
    }

    @Test
    void aDirectoryThatIsNotAStoreIsNeverTouched() throws IOException {
        Path notAStore = Files.createDirectories(temp.resolve("documents"));
        Files.writeString(notAStore.resolve("thesis.txt"), "precious");
        assertThatThrownBy(() -> TraceStore.open(notAStore))
                .isInstanceOf(TraceStoreException.class)
                .hasMessageContaining("is not empty and has no store.json");
        assertThat(Files.readString(notAStore.resolve("thesis.txt"))).isEqualTo("precious");

        Path broken = Files.createDirectories(temp.resolve("broken"));
        Files.writeString(broken.resolve("store.json"), "{\"format\": ");
        assertThatThrownBy(() -> TraceStore.open(broken))
                .isInstanceOf(TraceStoreException.class)
                .hasMessageContaining("store.json is not valid JSON");
    }

    @Test
    void aRunInterruptedHalfwayIsCompletedByTheNextRun() throws IOException {
        Path prompts = StoreFixture.promptSet(temp.resolve("prompts"));
        Path store = temp.resolve("store");
        RunProgress failAfterTwo = new RunProgress() {
            @Override
            public void promptDone(String promptId, int index, int count, double seconds) {
                if (index == 1) {
                    throw new IllegalStateException("interrupted");
                }
            }
        };
        assertThatThrownBy(() -> run(prompts, TraceStore.open(store), model.source, failAfterTwo))
                .hasMessage("interrupted");
        // An entry being written when the process died:
        Path leftover = Files.createDirectories(store.resolve(".tmp-charlie-0123456789abcdef-999"));
        Files.writeString(leftover.resolve("prefill.safetensors"), "half a file");

        TraceStore reopened = TraceStore.open(store);
        assertThat(reopened.notices()).containsExactly("removed 1 unfinished entry left by an interrupted run");
        RunReport report = run(prompts, reopened, model.source, RunProgress.none());
        assertThat(report.cached()).containsExactly("alpha", "bravo");
        assertThat(report.ran()).containsExactly("charlie", "delta");
        assertThat(StoreFixture.tree(store)).isEqualTo(cleanTree(prompts));
    }

    @Test
    void damagedEntriesAreRecomputedWithANotice() throws IOException {
        Path prompts = StoreFixture.promptSet(temp.resolve("prompts"));
        Path store = temp.resolve("store");
        run(prompts, store);
        Path runs = store.resolve("runs");
        Path alpha = entry(runs, "alpha");
        Path bravo = entry(runs, "bravo");
        byte[] prefill = Files.readAllBytes(alpha.resolve("prefill.safetensors"));
        Files.write(alpha.resolve("prefill.safetensors"), java.util.Arrays.copyOf(prefill, prefill.length / 2));
        Files.writeString(bravo.resolve("manifest.json"), "{ not json");

        RunReport report = run(prompts, store);
        assertThat(report.ran()).containsExactly("alpha", "bravo");
        assertThat(report.notices()).hasSize(2);
        assertThat(report.notices().get(0)).startsWith("recomputing alpha: its stored entry is damaged")
                .contains("prefill.safetensors has " + prefill.length / 2 + " bytes");
        assertThat(report.notices().get(1)).startsWith("recomputing bravo: its stored entry is damaged")
                .contains("manifest.json is not a valid manifest");
        assertThat(StoreFixture.tree(store)).isEqualTo(cleanTree(prompts));
    }

    @Test
    void storedRunsLoadBackOneAtATime() {
        Path prompts = StoreFixture.promptSet(temp.resolve("prompts"));
        TraceStore store = TraceStore.open(temp.resolve("store"));
        RunReport report = run(prompts, store, model.source, RunProgress.none());
        assertThat(report.keys()).extracting(StoreKey::promptId).containsExactly(StoreFixture.IDS);
        for (StoreKey key : report.keys()) {
            PromptRun run = store.load(key);
            long[] tokens = model.source.tokenizer().encode("The story of " + key.promptId() + " begins");
            assertThat(run.prefill().tokens()).containsExactly(tokens);
            assertThat(run.prefill().names()).containsExactlyElementsOf(CaptureNames.all(2));
            assertThat(run.generations()).extracting(GenerationRun::temperature).containsExactly(0.0, 0.8);
            assertThat(run.lens().layers()).isEqualTo(2);
            assertThat(run.lens().positions()).isEqualTo(tokens.length);
            assertThat(run.model()).isEqualTo(model.source.info());
            for (GenerationRun g : run.generations()) {
                g.steps().forEach(step -> {
                    assertThat(run.vocabulary()).containsKey(step.tokenId());
                    step.candidates().forEach(c -> assertThat(run.vocabulary()).containsKey(c.tokenId()));
                });
            }
            for (long token : tokens) {
                assertThat(run.vocabulary().get((int) token)).isEqualTo(model.source.tokenizer().piece(token));
            }
        }
    }

    private static Path entry(Path runs, String id) throws IOException {
        try (Stream<Path> list = Files.list(runs)) {
            return list.filter(p -> p.getFileName().toString().startsWith(id + "-")).findFirst().orElseThrow();
        }
    }
}
