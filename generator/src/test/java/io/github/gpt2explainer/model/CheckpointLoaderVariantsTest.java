package io.github.gpt2explainer.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.stream.Stream;

import static io.github.gpt2explainer.model.HfCheckpointWriter.Options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Every layout variation real GPT-2 directories show loads to the same parameters. */
class CheckpointLoaderVariantsTest {

    private static final Checkpoint ORIGINAL = RandomCheckpoint.create(TestFiles.tinyConfig(), 42);

    @TempDir
    Path tmp;

    static Stream<Arguments> variants() {
        Options d = Options.defaults();
        return Stream.of(
                Arguments.of("plain", d),
                Arguments.of("transformer. prefix", d.withTransformerPrefix(true)),
                Arguments.of("legacy attn buffers", d.withLegacyAttentionBuffers(true)),
                Arguments.of("prefix + legacy buffers", d.withTransformerPrefix(true).withLegacyAttentionBuffers(true)),
                Arguments.of("explicit lm_head", d.withTiedHead(false)),
                Arguments.of("F16", d.withDtype(SafetensorsDtype.F16)),
                Arguments.of("BF16", d.withDtype(SafetensorsDtype.BF16)),
                Arguments.of("3 shards", d.withShards(3)),
                Arguments.of("3 shards, F16, prefix, buffers, explicit head", d.withShards(3)
                        .withDtype(SafetensorsDtype.F16).withTransformerPrefix(true)
                        .withLegacyAttentionBuffers(true).withTiedHead(false)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void loadsToTheSameParameters(String label, Options options) {
        HfCheckpointWriter.write(ORIGINAL, tmp, options);
        Checkpoint loaded = CheckpointLoader.load(tmp);

        assertThat(loaded.config()).isEqualTo(ORIGINAL.config());
        assertThat(loaded.source()).isEqualTo(tmp.toString());
        assertThat(loaded.parameters().keySet()).isEqualTo(ORIGINAL.parameters().keySet());
        for (String name : ORIGINAL.parameters().keySet()) {
            FloatTensor want = ORIGINAL.tensor(name);
            FloatTensor got = loaded.tensor(name);
            assertThat(got.name()).isEqualTo(name);
            assertThat(got.shape()).as(name).containsExactly(want.shape());
            assertThat(got.data().isDirect()).as(name + " stays off-heap").isTrue();
            assertClose(name, options.dtype(), TestFiles.toArray(want.data()), TestFiles.toArray(got.data()));
        }
    }

    private static void assertClose(String name, SafetensorsDtype dtype, float[] want, float[] got) {
        assertThat(got).as(name).hasSameSizeAs(want);
        if (dtype == SafetensorsDtype.F32) {
            assertThat(got).as(name).containsExactly(want);
            return;
        }
        float relative = dtype == SafetensorsDtype.F16 ? 0x1p-11f : 0x1p-8f; // half of one unit in the last place
        for (int i = 0; i < want.length; i++) {
            assertThat(got[i]).as("%s[%d]", name, i).isCloseTo(want[i], within(Math.abs(want[i]) * relative + 0x1p-24f));
        }
    }

    @Test
    void shardedLayoutHasThreeShardsAndAnIndex() throws Exception {
        HfCheckpointWriter.write(ORIGINAL, tmp, Options.defaults().withShards(3));
        assertThat(tmp.resolve("model.safetensors")).doesNotExist();
        assertThat(tmp.resolve("model-00001-of-00003.safetensors")).exists();
        assertThat(tmp.resolve("model-00003-of-00003.safetensors")).exists();
        assertThat(Files.readString(tmp.resolve("model.safetensors.index.json"))).contains("\"weight_map\"");
        CheckpointFiles files = CheckpointFiles.locate(tmp);
        assertThat(files.sharded()).isTrue();
        assertThat(files.weightFiles()).hasSize(3);
    }

    @Test
    void tiedHeadSharesTheEmbeddingAndExplicitHeadIsReadFromTheFile() {
        HfCheckpointWriter.write(ORIGINAL, tmp, Options.defaults());
        try (SafetensorsFile f = SafetensorsFile.open(tmp.resolve("model.safetensors"))) {
            assertThat(f.names()).doesNotContain("lm_head.weight").contains("wte.weight");
        }
        Checkpoint tied = CheckpointLoader.load(tmp);
        // The head is the embedding's stored bytes under the head's name, not a second tensor.
        assertThat(((StoredTensor) tied.values("lm_head.weight")).entry())
                .isEqualTo(((StoredTensor) tied.values("wte.weight")).entry());
        assertThat(tied.values("lm_head.weight").name()).isEqualTo("lm_head.weight");

        HfCheckpointWriter.write(ORIGINAL, tmp, Options.defaults().withTiedHead(false));
        try (SafetensorsFile f = SafetensorsFile.open(tmp.resolve("model.safetensors"))) {
            assertThat(f.names()).contains("lm_head.weight");
        }
        Checkpoint explicit = CheckpointLoader.load(tmp);
        assertThat(((StoredTensor) explicit.values("lm_head.weight")).entry().name()).isEqualTo("lm_head.weight");
    }

    @Test
    void legacyBuffersAreTheCausalMaskAndTheMaskedBiasScalar() {
        HfCheckpointWriter.write(ORIGINAL, tmp, Options.defaults().withLegacyAttentionBuffers(true).withTransformerPrefix(true));
        int p = ORIGINAL.config().contextLength();
        try (SafetensorsFile f = SafetensorsFile.open(tmp.resolve("model.safetensors"))) {
            assertThat(f.entry("transformer.h.1.attn.bias").shape()).containsExactly(1, 1, p, p);
            FloatBuffer mask = f.floats("transformer.h.1.attn.bias");
            assertThat(mask.get(0 * p + 0)).isEqualTo(1f);
            assertThat(mask.get(0 * p + 1)).isEqualTo(0f);   // position 0 cannot see position 1
            assertThat(mask.get(5 * p + 3)).isEqualTo(1f);
            assertThat(mask.get(p * p - 1)).isEqualTo(1f);
            assertThat(f.entry("transformer.h.0.attn.masked_bias").shape()).isEmpty();
            assertThat(f.floats("transformer.h.0.attn.masked_bias").get(0)).isEqualTo(-1e4f);
        }
    }

    @Test
    void configJsonIsAHuggingFaceGpt2Config() throws Exception {
        HfCheckpointWriter.write(ORIGINAL, tmp, Options.defaults().withDtype(SafetensorsDtype.BF16));
        String json = Files.readString(tmp.resolve("config.json"));
        assertThat(json).contains("\"model_type\" : \"gpt2\"", "\"n_layer\" : 2", "\"n_embd\" : 8",
                "\"vocab_size\" : 32", "\"n_positions\" : 16", "\"torch_dtype\" : \"bfloat16\"",
                "\"activation_function\" : \"gelu_new\"");
        try (SafetensorsFile f = SafetensorsFile.open(tmp.resolve("model.safetensors"))) {
            assertThat(f.metadata()).containsEntry("format", "pt");
            assertThat(f.entry("h.0.mlp.c_fc.weight").dtype()).isEqualTo(SafetensorsDtype.BF16);
        }
    }

    @Test
    void sha256OfASingleFileIsTheFileChecksum() throws Exception {
        HfCheckpointWriter.write(ORIGINAL, tmp, Options.defaults());
        byte[] expected = java.security.MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(tmp.resolve("model.safetensors")));
        CheckpointFiles files = CheckpointFiles.locate(tmp);
        assertThat(files.sha256()).isEqualTo(HexFormat.of().formatHex(expected)).hasSize(64);
        assertThat(files.sha256PerFile()).containsOnlyKeys("model.safetensors")
                .containsValue(HexFormat.of().formatHex(expected));
    }

    @Test
    void sha256OfShardsCoversEveryShardInNameOrder() throws Exception {
        HfCheckpointWriter.write(ORIGINAL, tmp, Options.defaults().withShards(3));
        java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
        for (int k = 1; k <= 3; k++) {
            digest.update(Files.readAllBytes(tmp.resolve("model-0000" + k + "-of-00003.safetensors")));
        }
        assertThat(CheckpointFiles.locate(tmp).sha256()).isEqualTo(HexFormat.of().formatHex(digest.digest()));
        assertThat(CheckpointFiles.locate(tmp).sha256PerFile()).hasSize(3);
    }

    @Test
    void rewritingWithAnotherLayoutLeavesOnlyTheNewWeights() {
        HfCheckpointWriter.write(ORIGINAL, tmp, Options.defaults().withShards(3));
        HfCheckpointWriter.write(ORIGINAL, tmp, Options.defaults().withDtype(SafetensorsDtype.F16));
        assertThat(tmp.resolve("model.safetensors.index.json")).doesNotExist();
        assertThat(tmp.resolve("model-00001-of-00003.safetensors")).doesNotExist();
        assertThat(CheckpointLoader.load(tmp).tensor("wte.weight").shape()).containsExactly(32, 8);
    }
}
