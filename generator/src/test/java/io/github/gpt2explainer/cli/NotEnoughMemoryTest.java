package io.github.gpt2explainer.cli;

import io.github.gpt2explainer.build.FakePipeline;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.gpt2explainer.model.HfCheckpointWriter;
import io.github.gpt2explainer.model.RandomCheckpoint;
import io.github.gpt2explainer.model.Gpt2Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model that does not fit is refused before its weights are loaded, in one sentence with what it needs,
 * what is available and what to do, and exit code 8; the limit is forced through the environment.
 */
class NotEnoughMemoryTest {

    @TempDir
    Path tmp;

    private Cli.Result trace(String model, String availableMemory) {
        Map<String, String> env = new HashMap<>(Cli.emptyHubEnvironment(tmp));
        env.put("GPT2X_AVAILABLE_MEMORY", availableMemory);
        Wiring wiring = new Wiring(env, FakePipeline.rendering((context, dir) -> {
            throw new AssertionError("not reached");
        }));
        return Cli.run(wiring, "trace", "--model", model, "--prompt", "hello", "--out",
                tmp.resolve("t.safetensors").toString());
    }

    @Test
    void aCheckpointDirectoryLargerThanTheLimitIsRefusedBeforeLoading() {
        Gpt2Config config = new Gpt2Config(50257, 1024, 256, 4, 4, 1e-5); // 16.3 M parameters, 65 MB as float32
        Path model = tmp.resolve("model");
        HfCheckpointWriter.write(RandomCheckpoint.create(config, 3), model, HfCheckpointWriter.Options.defaults());

        Cli.Result result = trace(model.toString(), "300m");

        assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.NOT_ENOUGH_MEMORY).isEqualTo(8);
        assertThat(result.errLines()).filteredOn(line -> line.startsWith("error:")).singleElement().asString()
                .startsWith("error: not enough memory for " + model + ": it needs about ");
        assertThat(result.err())
                .contains("65 MB of weights as float32")
                .contains("but only 315 MB is available (GPT2X_AVAILABLE_MEMORY=300m)")
                .contains("a smaller model")
                .doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(Files.exists(tmp.resolve("t.safetensors"))).isFalse();
    }

    @Test
    void theSameModelRunsWhenTheLimitIsHighEnough() {
        Cli.Result result = trace("demo", "2g");
        assertThat(result.code()).as(result.toString()).isZero();
        assertThat(Files.exists(tmp.resolve("t.safetensors"))).isTrue();
    }

    @Test
    void theDemoIsCheckedToo() {
        Cli.Result result = trace("demo", "1m");
        assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.NOT_ENOUGH_MEMORY);
        assertThat(result.err()).contains("not enough memory for demo").contains("only 1 MB is available");
    }

    @Test
    void aLimitThatIsNotASizeIsAnInputError() {
        Cli.Result result = trace("demo", "lots");
        assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(result.err()).contains("GPT2X_AVAILABLE_MEMORY=\"lots\" is not a size");
    }
}
