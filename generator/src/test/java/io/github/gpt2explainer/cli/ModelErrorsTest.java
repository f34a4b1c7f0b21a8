package io.github.gpt2explainer.cli;

import io.github.gpt2explainer.build.FakePipeline;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every model-related exit code through the real command line (no network: an empty, offline cache). */
class ModelErrorsTest {

    @TempDir
    Path tmp;

    private Wiring wiring() {
        return new Wiring(Cli.emptyHubEnvironment(tmp), FakePipeline.rendering((context, dir) -> {
            throw new AssertionError("not reached");
        }));
    }

    @Test
    void aModelDirectoryThatDoesNotExistIsInvalidInput() {
        Cli.Result result = Cli.run(wiring(), "trace", "--model", "/nonexistent/dir", "--prompt", "hi",
                "--out", tmp.resolve("t.safetensors").toString());

        assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.INVALID_INPUT).isEqualTo(3);
        assertThat(result.err()).contains("/nonexistent/dir").doesNotContain("\tat ");
    }

    @Test
    void anUncachedHubModelOfflineIsUnavailable() {
        Cli.Result result = Cli.run(wiring(), "download", "--model", "some-org/missing", "--offline");

        assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.MODEL_UNAVAILABLE).isEqualTo(4);
        assertThat(result.err()).contains("some-org/missing").doesNotContain("\tat ");
        assertThat(result.errLines().stream().filter(l -> l.startsWith("error: "))).hasSize(1);
    }

    @Test
    void buildWithAnUncachedModelOfflineIsUnavailableBeforeAnyRendering() {
        TestSite site = new TestSite(tmp.resolve("p"));
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(site.args("build", "--offline")));
        args.set(args.indexOf("demo"), "some-org/missing");

        Cli.Result result = Cli.run(wiring(), args.toArray(String[]::new));

        assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.MODEL_UNAVAILABLE);
        assertThat(site.out).doesNotExist();
    }

    @Test
    void theOfflineEnvironmentVariableCountsLikeTheFlag() {
        Map<String, String> env = new HashMap<>(Cli.emptyHubEnvironment(tmp));
        env.put("HF_HUB_OFFLINE", "true");

        Cli.Result result = Cli.run(wiring().withEnvironment(env), "download", "--model", "some-org/missing");

        assertThat(result.code()).isEqualTo(ExitCode.MODEL_UNAVAILABLE);
        assertThat(result.err()).contains("Hub: offline (cache only), cache " + tmp.resolve("hf-cache"));
    }

    @Test
    void aMalformedEndpointIsInvalidInput() {
        Map<String, String> env = new HashMap<>(Cli.emptyHubEnvironment(tmp));
        env.put("HF_ENDPOINT", "ftp://mirror");

        Cli.Result result = Cli.run(wiring().withEnvironment(env), "download");

        assertThat(result.code()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(result.err()).contains("HF_ENDPOINT 'ftp://mirror'");
    }

    @Test
    void downloadingALocalDirectoryIsInvalidInput() {
        Cli.Result result = Cli.run(wiring(), "download", "--model", tmp.toString());

        assertThat(result.code()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(result.err()).contains("Only a Hub model can be downloaded");
    }

    @Test
    void aBrokenCheckpointNamesTheFile() throws IOException {
        Path model = BrokenModels.garbageWeights(tmp.resolve("broken"));

        Cli.Result result = Cli.run(wiring(), "trace", "--model", model.toString(), "--prompt", "hi",
                "--out", tmp.resolve("t.safetensors").toString());

        assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.BROKEN_CHECKPOINT).isEqualTo(5);
        assertThat(result.err()).contains(model.resolve("model.safetensors").toString()).doesNotContain("\tat ");
    }

    @Test
    void aBrokenConfigNamesTheFileAndLineOfTheJson() throws IOException {
        Path model = BrokenModels.garbageWeights(tmp.resolve("broken"));
        java.nio.file.Files.writeString(model.resolve("config.json"), "{\"n_layer\": 1,");

        Cli.Result result = Cli.run(wiring(), "trace", "--model", model.toString(), "--prompt", "hi",
                "--out", tmp.resolve("t.safetensors").toString());

        assertThat(result.code()).isEqualTo(ExitCode.BROKEN_CHECKPOINT);
        assertThat(result.err()).contains(model.resolve("config.json").toString()).contains("not valid JSON");
    }

    @Test
    void traceOutThatIsADirectoryIsInvalidInput() {
        Cli.Result result = Cli.run(wiring(), "trace", "--model", "demo", "--prompt", "hi", "--out", tmp.toString());

        assertThat(result.code()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(result.err()).contains("is a directory");
    }
}
