package io.github.gpt2explainer.runs;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.gpt2explainer.model.ModelSource;
import io.github.gpt2explainer.trace.PromptRun;
import io.github.gpt2explainer.trace.StoreKey;
import io.github.gpt2explainer.trace.TraceStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Builds of different prompt sets and models sharing one trace store keep each other's entries. */
class SharedStoreTest {

    @TempDir
    Path temp;

    /** Two prompts that the four of {@link StoreFixture#promptSet} do not have. */
    private Path otherPromptSet(Path dir) {
        StoreFixture.site(dir, "[0, 0.8]");
        StoreFixture.prompt(dir, "echo", "A different story of echo", "About echo", "Look at echo.");
        StoreFixture.prompt(dir, "foxtrot", "A different story of foxtrot", "About foxtrot", "Look at foxtrot.");
        return dir;
    }

    /** What a build does with the store: bring it up to date, then read every run back (as the renderer does). */
    private static List<String> buildAndReadBack(Path prompts, Path store, ModelSource model, RunProgress progress) {
        TraceStore traceStore = TraceStore.open(store);
        RunReport report = new BuildRunner(traceStore, progress).run(StoreFixture.load(prompts), model);
        List<String> read = new ArrayList<>();
        for (StoreKey key : report.keys()) {
            try (PromptRun run = traceStore.load(key)) {
                read.add(run.promptId());
            }
        }
        return read;
    }

    @Test
    void twoConcurrentBuildsOfDifferentPromptSetsBothSucceedAndNeitherLosesItsEntries() throws Exception {
        Path setA = StoreFixture.promptSet(temp.resolve("a"));
        Path setB = otherPromptSet(temp.resolve("b"));
        Path store = temp.resolve("store");
        StoreFixture.CountingModel modelA = new StoreFixture.CountingModel(1);
        StoreFixture.CountingModel modelB = new StoreFixture.CountingModel(1);
        CountDownLatch bFinished = new CountDownLatch(1);
        // A stores its first prompt, then waits until B has run and read back its whole set: the moment at which a
        // build that prunes whatever it does not need deletes the other's work.
        RunProgress pauseAfterFirst = new RunProgress() {
            @Override
            public void promptDone(String promptId, int index, int count, double seconds) {
                if (index == 0) {
                    try {
                        bFinished.await(120, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (ModelSource a = modelA.source; ModelSource b = modelB.source) {
            Future<List<String>> buildA = pool.submit(() -> buildAndReadBack(setA, store, a, pauseAfterFirst));
            Future<List<String>> buildB = pool.submit(() -> {
                try {
                    return buildAndReadBack(setB, store, b, RunProgress.none());
                } finally {
                    bFinished.countDown();
                }
            });

            assertThat(buildB.get(180, TimeUnit.SECONDS)).containsExactly("echo", "foxtrot");
            assertThat(buildA.get(180, TimeUnit.SECONDS)).containsExactly(StoreFixture.IDS);
        } finally {
            pool.shutdownNow();
        }

        try (ModelSource check = new StoreFixture.CountingModel(1).source) {
            RunReport both = new BuildRunner(TraceStore.open(store), RunProgress.none())
                    .run(StoreFixture.load(setA), check);
            assertThat(both.cached()).as("set A still stored").containsExactly(StoreFixture.IDS);
            assertThat(new BuildRunner(TraceStore.open(store), RunProgress.none()).run(StoreFixture.load(setB), check)
                    .cached()).as("set B still stored").containsExactly("echo", "foxtrot");
        }
    }

    @Test
    void pruneDeletesNothingWhileAnotherBuildIsUsingTheStore() {
        Path setA = StoreFixture.promptSet(temp.resolve("a"));
        Path setB = otherPromptSet(temp.resolve("b"));
        Path store = temp.resolve("store");
        try (ModelSource model = new StoreFixture.CountingModel(1).source) {
            TraceStore storeOfA = TraceStore.open(store);
            RunReport pruned;
            try (TraceStore.Use buildA = storeOfA.use()) {
                new BuildRunner(storeOfA, RunProgress.none()).run(StoreFixture.load(setA), model);

                RunReport skipped = new BuildRunner(TraceStore.open(store), RunProgress.none())
                        .run(StoreFixture.load(setB), model, true);

                assertThat(skipped.pruned()).isZero();
                assertThat(skipped.notices()).contains("nothing pruned: another build is using trace store " + store
                        + "; give --prune again when it has finished");
                assertThat(buildAndReadBack(setA, store, model, RunProgress.none())).containsExactly(StoreFixture.IDS);
            }
            pruned = new BuildRunner(TraceStore.open(store), RunProgress.none()).run(StoreFixture.load(setB), model, true);
            assertThat(pruned.pruned()).as("A has finished").isEqualTo(StoreFixture.IDS.length);
        }
    }

    @Test
    void aBuildWithAnotherModelKeepsTheFirstModelsEntriesUnlessAskedToPrune() {
        Path prompts = StoreFixture.promptSet(temp.resolve("prompts"));
        Path store = temp.resolve("store");
        try (ModelSource gpt2 = new StoreFixture.CountingModel(1).source;
             ModelSource demo = new StoreFixture.CountingModel(2).source) {
            new BuildRunner(TraceStore.open(store), RunProgress.none()).run(StoreFixture.load(prompts), gpt2);

            RunReport demoBuild = new BuildRunner(TraceStore.open(store), RunProgress.none())
                    .run(StoreFixture.load(prompts), demo);

            assertThat(demoBuild.pruned()).isZero();
            RunReport backToFirst = new BuildRunner(TraceStore.open(store), RunProgress.none())
                    .run(StoreFixture.load(prompts), gpt2);
            assertThat(backToFirst.ran()).as("the first model's runs were kept").isEmpty();

            RunReport pruning = new BuildRunner(TraceStore.open(store), RunProgress.none())
                    .run(StoreFixture.load(prompts), demo, true);
            assertThat(pruning.pruned()).as("with --prune the first model's entries go").isEqualTo(StoreFixture.IDS.length);
            assertThat(new BuildRunner(TraceStore.open(store), RunProgress.none()).run(StoreFixture.load(prompts), gpt2)
                    .ran()).containsExactly(StoreFixture.IDS);
        }
    }
}
