package io.github.gpt2explainer.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Gpt2ConfigReaderTest {

    private static final String GPT2_SMALL = """
            {"activation_function": "gelu_new", "architectures": ["GPT2LMHeadModel"], "attn_pdrop": 0.1,
             "bos_token_id": 50256, "embd_pdrop": 0.1, "eos_token_id": 50256, "initializer_range": 0.02,
             "layer_norm_epsilon": 1e-05, "model_type": "gpt2", "n_ctx": 1024, "n_embd": 768, "n_head": 12,
             "n_layer": 12, "n_positions": 1024, "resid_pdrop": 0.1, "vocab_size": 50257}
            """;

    private static Gpt2Config parse(String json) {
        return Gpt2ConfigReader.parse(json, "dir/config.json");
    }

    @Test
    void readsTheGpt2SmallConfig() {
        assertThat(parse(GPT2_SMALL)).isEqualTo(new Gpt2Config(50257, 1024, 768, 12, 12, 1e-5));
    }

    @Test
    void fallsBackToNCtxAndDefaultEpsilon() {
        Gpt2Config c = parse("{\"n_layer\":2,\"n_head\":2,\"n_embd\":8,\"n_ctx\":64,\"vocab_size\":10}");
        assertThat(c.contextLength()).isEqualTo(64);
        assertThat(c.layerNormEpsilon()).isEqualTo(1e-5);
    }

    @Test
    void missingOrInvalidKeysNameTheFileAndKey() {
        assertThatThrownBy(() -> parse("{\"n_layer\":2,\"n_head\":2,\"n_embd\":8,\"vocab_size\":10}"))
                .isInstanceOf(CheckpointException.class).hasMessage("dir/config.json: missing key \"n_ctx\" (expected a positive integer)");
        assertThatThrownBy(() -> parse(GPT2_SMALL.replace("\"n_head\": 12", "\"n_head\": \"12\"")))
                .isInstanceOf(CheckpointException.class)
                .hasMessage("dir/config.json: \"n_head\" must be a positive integer, found \"12\"");
        assertThatThrownBy(() -> parse(GPT2_SMALL.replace("\"n_layer\": 12", "\"n_layer\": 0")))
                .hasMessageContaining("\"n_layer\" must be a positive integer, found 0");
        assertThatThrownBy(() -> parse(GPT2_SMALL.replace("\"n_embd\": 768", "\"n_embd\": 770")))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("dir/config.json")
                .hasMessageContaining("770 is not divisible by n_head 12");
        assertThatThrownBy(() -> parse(GPT2_SMALL.replace("1e-05", "-1")))
                .hasMessageContaining("layer_norm_epsilon must be a positive number, found -1");
        assertThatThrownBy(() -> parse("[1]")).hasMessageContaining("dir/config.json: expected a JSON object");
        assertThatThrownBy(() -> parse("{nope")).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("dir/config.json: not valid JSON");
    }

    @Test
    void rejectsOtherModelTypesAndUnsupportedVariants() {
        assertThatThrownBy(() -> parse(GPT2_SMALL.replace("\"gpt2\"", "\"llama\"")))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("model_type is \"llama\", expected \"gpt2\"");
        assertThatThrownBy(() -> parse(GPT2_SMALL.replace("gelu_new", "relu")))
                .hasMessageContaining("activation_function is \"relu\", expected \"gelu_new\"");
        assertThatThrownBy(() -> parse(GPT2_SMALL.replace("\"n_layer\"", "\"n_inner\": 1000, \"n_layer\"")))
                .hasMessageContaining("n_inner must be null or 4 * n_embd = 3072");
        assertThat(parse(GPT2_SMALL.replace("\"n_layer\"", "\"n_inner\": 3072, \"n_layer\"")).width()).isEqualTo(768);
    }
}
