package io.github.gpt2explainer.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HubOptionsTest {

    @TempDir
    Path tmp;

    @Test
    void cacheDirectoryFollowsHuggingFaceHubPrecedence() {
        Path home = Path.of(System.getProperty("user.home"));
        assertThat(HubOptions.fromEnvironment(Map.of(), false).cacheDir())
                .isEqualTo(home.resolve(".cache/huggingface/hub"));
        assertThat(HubOptions.fromEnvironment(Map.of("XDG_CACHE_HOME", "/x"), false).cacheDir())
                .isEqualTo(Path.of("/x/huggingface/hub"));
        assertThat(HubOptions.fromEnvironment(Map.of("XDG_CACHE_HOME", "/x", "HF_HOME", "/h"), false).cacheDir())
                .isEqualTo(Path.of("/h/hub"));
        assertThat(HubOptions.fromEnvironment(Map.of("HF_HOME", "/h", "HF_HUB_CACHE", "/c"), false).cacheDir())
                .isEqualTo(Path.of("/c"));
        assertThat(HubOptions.fromEnvironment(Map.of("HF_HOME", "~/hf"), false).cacheDir())
                .isEqualTo(home.resolve("hf/hub"));
    }

    @Test
    void endpointDefaultsToTheHubAndLosesItsTrailingSlash() {
        assertThat(HubOptions.fromEnvironment(Map.of(), false).endpoint()).isEqualTo("https://huggingface.co");
        assertThat(HubOptions.fromEnvironment(Map.of("HF_ENDPOINT", "https://hf-mirror.com/"), false).endpoint())
                .isEqualTo("https://hf-mirror.com");
        assertThatThrownBy(() -> HubOptions.fromEnvironment(Map.of("HF_ENDPOINT", "hf-mirror.com"), false))
                .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.getMessage()).contains("HF_ENDPOINT", "http"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "true", "TRUE", "yes", "on", "On"})
    void offlineIsOnForPythonsTrueValues(String value) {
        assertThat(HubOptions.fromEnvironment(Map.of("HF_HUB_OFFLINE", value), false).offline()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "false", "no", "off", ""})
    void offlineIsOffOtherwiseUnlessTheFlagIsGiven(String value) {
        assertThat(HubOptions.fromEnvironment(Map.of("HF_HUB_OFFLINE", value), false).offline()).isFalse();
        assertThat(HubOptions.fromEnvironment(Map.of("HF_HUB_OFFLINE", value), true).offline()).isTrue();
    }

    @Test
    void tokenComesFromHfTokenThenTheOldNameThenTheTokenFile() throws IOException {
        Path hfHome = Files.createDirectories(tmp.resolve("hf"));
        Files.writeString(hfHome.resolve("token"), "hf_from_file\n");
        Map<String, String> env = new HashMap<>(Map.of("HF_HOME", hfHome.toString()));
        assertThat(HubOptions.fromEnvironment(env, false).token()).isEqualTo("hf_from_file");
        env.put("HUGGING_FACE_HUB_TOKEN", "hf_old");
        assertThat(HubOptions.fromEnvironment(env, false).token()).isEqualTo("hf_old");
        env.put("HF_TOKEN", "hf_new");
        HubOptions options = HubOptions.fromEnvironment(env, false);
        assertThat(options.token()).isEqualTo("hf_new");
        assertThat(options.toString()).doesNotContain("hf_new").contains("token=***");
        assertThat(HubOptions.fromEnvironment(Map.of("HF_HOME", tmp.resolve("none").toString()), false).token()).isNull();
    }
}
