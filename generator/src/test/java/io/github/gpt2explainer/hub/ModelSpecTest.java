package io.github.gpt2explainer.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ModelSpecTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource({
            "gpt2, openai-community/gpt2, main",
            "gpt2-medium, openai-community/gpt2-medium, main",
            "gpt2-large@v1, openai-community/gpt2-large, v1",
            "gpt2-xl, openai-community/gpt2-xl, main",
            "distilgpt2, distilbert/distilgpt2, main",
            "openai-community/gpt2, openai-community/gpt2, main",
            "someone/my.model_2@refs/pr/3, someone/my.model_2, refs/pr/3",
            "someone/tiny@0123456789abcdef0123456789abcdef01234567, someone/tiny, 0123456789abcdef0123456789abcdef01234567"})
    void hubIdsWithOptionalRevisionAndLegacyNames(String text, String repoId, String revision) {
        ModelSpec spec = ModelSpec.parse(text);
        assertThat(spec.kind()).isEqualTo(ModelSpec.Kind.HUB);
        assertThat(spec.repoId()).isEqualTo(repoId);
        assertThat(spec.revision()).isEqualTo(revision);
    }

    @Test
    void legacyIdsAreLookedUpUnderBothCacheFolders() {
        assertThat(ModelSpec.parse("gpt2").cacheRepoIds()).containsExactly("openai-community/gpt2", "gpt2");
        assertThat(ModelSpec.parse("openai-community/gpt2").cacheRepoIds()).containsExactly("openai-community/gpt2");
    }

    @Test
    void demoAndLocalDirectories() throws IOException {
        assertThat(ModelSpec.parse("demo").kind()).isEqualTo(ModelSpec.Kind.DEMO);
        Path dir = Files.createDirectories(tmp.resolve("my model"));
        ModelSpec local = ModelSpec.parse(dir.toString());
        assertThat(local.kind()).isEqualTo(ModelSpec.Kind.LOCAL_DIRECTORY);
        assertThat(local.localDirectory()).isEqualTo(dir);
        assertThatThrownBy(() -> ModelSpec.parse(tmp.resolve("absent").toString()))
                .isInstanceOfSatisfying(HubException.class, e -> {
                    assertThat(e.reason()).isEqualTo(HubException.Reason.INVALID_SPEC);
                    assertThat(e.getMessage()).contains("absent", "no such directory");
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " gpt2", "org/../x", "org--x/y", "org/na me", "-bad/x", "org/x@", "org/x@a..b",
            "org/x@/main", "@main", "org/x@feature//y", "org/x@a b"})
    void malformedSpecsAreRejectedWithTheirText(String text) {
        assertThatThrownBy(() -> ModelSpec.parse(text))
                .isInstanceOfSatisfying(HubException.class, e -> {
                    assertThat(e.reason()).isEqualTo(HubException.Reason.INVALID_SPEC);
                    assertThat(e.getMessage()).startsWith("Invalid --model '" + text + "'");
                });
    }

    @Test
    void resolverHandsBackDemoAndLocalDirectoriesWithoutTouchingTheCache() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("ckpt"));
        Files.writeString(dir.resolve("config.json"), "{}");
        Files.writeString(dir.resolve("model.safetensors"), "x");
        Files.writeString(dir.resolve("vocab.json"), "{}");
        HubOptions options = HubOptions.fromEnvironment(java.util.Map.of("HF_HUB_CACHE", tmp.resolve("cache").toString(),
                "HF_ENDPOINT", "http://127.0.0.1:9"), false);
        ModelResolver resolver = new ModelResolver(options, DownloadProgress.none());

        ResolvedModel local = resolver.resolve(dir.toString());
        assertThat(local.source()).isEqualTo(ResolvedModel.Source.LOCAL_DIRECTORY);
        assertThat(local.directory()).isEqualTo(dir);
        assertThat(local.commit()).isNull();
        assertThat(local.weightFiles()).containsExactly("model.safetensors");
        assertThat(local.missingOptionalFiles()).containsExactly("generation_config.json", "merges.txt",
                "tokenizer.json", "tokenizer_config.json");

        ResolvedModel demo = resolver.resolve("demo");
        assertThat(demo.isDemo()).isTrue();
        assertThat(demo.directory()).isNull();
        assertThat(tmp.resolve("cache")).doesNotExist();
        assertThatThrownBy(() -> resolver.download("demo")).isInstanceOf(HubException.class)
                .hasMessageContaining("Only a Hub model can be downloaded");
        assertThat(List.of(ModelSpec.DEFAULT_MODEL)).containsExactly("openai-community/gpt2");
    }
}
