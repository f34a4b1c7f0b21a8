package io.github.gpt2explainer.cli;

import io.github.gpt2explainer.build.FakePipeline;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.github.gpt2explainer.forward.Gpt2Model;
import io.github.gpt2explainer.insight.HeadRole;
import io.github.gpt2explainer.insight.HeadRoleProbe;
import io.github.gpt2explainer.insight.HeadRoles;
import io.github.gpt2explainer.model.Gpt2Config;
import io.github.gpt2explainer.model.SafetensorsDtype;
import io.github.gpt2explainer.model.SafetensorsFile;
import io.github.gpt2explainer.model.ModelSource;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code heads}: the four role tensors [L, H], the probe and its settings, from the command line. */
class HeadsCommandTest {

    private static final Wiring WIRING = new Wiring(Map.of(), FakePipeline.rendering((context, dir) -> {
        throw new AssertionError("heads never builds a site");
    }));

    @Test
    void writesEveryRoleAsLayersByHeadsWithTheProbeInTheMetadata(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("sub/heads.safetensors");

        Cli.Result result = Cli.run(WIRING, "heads", "--model", "demo", "--out", out.toString(), "--seed", "9");

        assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.OK);
        assertThat(result.out().strip()).isEqualTo(out.toString());
        try (ModelSource demo = ModelSource.demo();
             NDManager manager = NDManager.newBaseManager("PyTorch");
             Gpt2Model model = Gpt2Model.load(demo.loadCheckpoint(), manager);
             SafetensorsFile file = SafetensorsFile.open(out)) {
            Gpt2Config config = demo.config();
            HeadRoleProbe probe = HeadRoleProbe.of(9, config.vocabSize(), config.contextLength(),
                    demo.tokenizer().endOfTextId());
            assertThat(file.metadata()).containsEntry("seed", "9").containsEntry("n", "50")
                    .containsEntry("demo", "true").containsEntry("format", "gpt2-explainer heads v1");
            LongBuffer ids = file.longs("heads.probe");
            long[] written = new long[ids.remaining()];
            ids.get(written);
            assertThat(written).containsExactly(probe.ids());

            HeadRoles expected = HeadRoles.measure(model, probe);
            for (HeadRole role : HeadRole.values()) {
                assertThat(file.entry(role.tensorName()).dtype()).isEqualTo(SafetensorsDtype.F32);
                assertThat(file.entry(role.tensorName()).shape()).containsExactly(config.layers(), config.heads());
                FloatBuffer values = file.floats(role.tensorName());
                for (int l = 0; l < config.layers(); l++) {
                    for (int h = 0; h < config.heads(); h++) {
                        float v = values.get(l * config.heads() + h);
                        assertThat(v).as("%s %d.%d", role, l, h).isBetween(0f, 1f)
                                .isEqualTo((float) expected.score(role, l, h));
                    }
                }
            }
        }
    }

    @Test
    void theDefaultSeedIsWrittenAndAnotherSeedGivesAnotherProbe(@TempDir Path dir) {
        Path first = dir.resolve("a.safetensors");
        Path second = dir.resolve("b.safetensors");

        assertThat(Cli.run(WIRING, "heads", "--model", "demo", "--out", first.toString()).code()).isZero();
        assertThat(Cli.run(WIRING, "heads", "--model", "demo", "--out", second.toString(), "--seed", "1").code()).isZero();

        try (SafetensorsFile a = SafetensorsFile.open(first); SafetensorsFile b = SafetensorsFile.open(second)) {
            assertThat(a.metadata()).containsEntry("seed", Long.toString(HeadsCommand.DEFAULT_SEED));
            assertThat(b.metadata()).containsEntry("seed", "1");
            assertThat(a.longs("heads.probe")).isNotEqualTo(b.longs("heads.probe"));
        }
    }

    @Test
    void anOutputThatIsADirectoryIsInvalidInput(@TempDir Path dir) throws IOException {
        Path existing = Files.createDirectories(dir.resolve("out"));

        Cli.Result result = Cli.run(WIRING, "heads", "--model", "demo", "--out", existing.toString());

        assertThat(result.code()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(result.err()).contains("--out").contains("is a directory").doesNotContain("\tat ");
    }
}
