package io.github.gpt2explainer.runs;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.github.gpt2explainer.forward.Gpt2Model;
import io.github.gpt2explainer.insight.HeadRole;
import io.github.gpt2explainer.insight.HeadRoleProbe;
import io.github.gpt2explainer.insight.HeadRoles;
import io.github.gpt2explainer.trace.HeadRoleStore;
import io.github.gpt2explainer.trace.TraceStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The head-role step of a build: measured once per model and probe, then read from the trace store. */
class HeadRoleRunnerTest {

    private static final long SEED = 7;

    private static StoreFixture.CountingModel model;

    @TempDir
    Path temp;

    @BeforeAll
    static void createModel() {
        model = new StoreFixture.CountingModel(3);
    }

    @AfterAll
    static void closeModel() {
        model.source.close();
    }

    @Test
    void aBuildLoadsTheWeightsOnceForItsPromptsAndTheHeadRoles() {
        Path store = temp.resolve("store");
        StoreFixture.CountingModel fresh = new StoreFixture.CountingModel(4);
        try (LoadedModel weights = new LoadedModel(fresh.source)) {
            RunReport report = new BuildRunner(TraceStore.open(store), RunProgress.none())
                    .run(StoreFixture.load(StoreFixture.promptSet(temp.resolve("prompts"))), weights, false);
            HeadRoleRunner.Result heads = HeadRoleRunner.ensure(TraceStore.open(store), weights, SEED);

            assertThat(report.ran()).isNotEmpty();
            assertThat(heads.computed()).isTrue();
            assertThat(fresh.loads.get()).as("checkpoint loads for the prompts and the head roles together").isEqualTo(1);
        } finally {
            fresh.source.close();
        }
    }

    @Test
    void aSecondBuildReadsTheStoredScoresWithoutLoadingTheWeights() {
        Path store = temp.resolve("store");
        HeadRoleRunner.Result first = HeadRoleRunner.ensure(TraceStore.open(store), model.source, SEED);
        int loads = model.loads.get();

        HeadRoleRunner.Result second = HeadRoleRunner.ensure(TraceStore.open(store), model.source, SEED);

        assertThat(first.computed()).isTrue();
        assertThat(second.computed()).isFalse();
        assertThat(model.loads.get()).as("weights loaded when the store holds the head roles").isEqualTo(loads);
        assertThat(second.summary()).isEqualTo("Head roles: 2 x 4 heads from the trace store (no model work)");
        for (HeadRole role : HeadRole.values()) {
            for (int l = 0; l < 2; l++) {
                for (int h = 0; h < 4; h++) {
                    assertThat(second.roles().roles().score(role, l, h)).isEqualTo(first.roles().roles().score(role, l, h));
                }
            }
        }
        assertThat(second.roles().probe()).isEqualTo(first.roles().probe());
    }

    @Test
    void theStoredScoresAreTheModelsScoresOnTheProbeRoundedToF32() {
        HeadRoleRunner.Result stored = HeadRoleRunner.ensure(TraceStore.open(temp.resolve("store")), model.source, SEED);

        HeadRoleProbe probe = HeadRoleProbe.of(SEED, 50257, 64, model.source.tokenizer().endOfTextId());
        HeadRoles direct;
        try (NDManager manager = NDManager.newBaseManager("PyTorch");
             Gpt2Model gpt2 = Gpt2Model.load(model.source.loadCheckpoint(), manager)) {
            direct = HeadRoles.measure(gpt2, probe);
        }
        assertThat(stored.roles().probe()).isEqualTo(probe);
        assertThat(stored.roles().probe().n()).isEqualTo(31); // min(50, (64 - 1) / 2)
        for (HeadRole role : HeadRole.values()) {
            for (int l = 0; l < 2; l++) {
                for (int h = 0; h < 4; h++) {
                    assertThat(stored.roles().roles().score(role, l, h)).isEqualTo((float) direct.score(role, l, h));
                }
            }
        }
    }

    @Test
    void anotherSeedOrADamagedEntryIsMeasuredAgain() throws IOException {
        Path store = temp.resolve("store");
        HeadRoleRunner.ensure(TraceStore.open(store), model.source, SEED);

        assertThat(HeadRoleRunner.ensure(TraceStore.open(store), model.source, SEED + 1).computed()).isTrue();

        Path file = HeadRoleStore.of(TraceStore.open(store)).file(HeadRoleStore.key(model.source.info(), SEED, 31));
        assertThat(file).exists();
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2)); // truncated
        HeadRoleRunner.Result again = HeadRoleRunner.ensure(TraceStore.open(store), model.source, SEED);
        assertThat(again.computed()).isTrue();
        assertThat(Files.readAllBytes(file)).isEqualTo(bytes);
        assertThat(HeadRoleRunner.ensure(TraceStore.open(store), model.source, SEED).computed()).isFalse();
    }
}
