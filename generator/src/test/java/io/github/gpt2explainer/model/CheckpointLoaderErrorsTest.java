package io.github.gpt2explainer.model;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

import static io.github.gpt2explainer.model.HfCheckpointWriter.Options;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Directory-level problems: each names the file and the tensor (or key) and says what was expected. */
class CheckpointLoaderErrorsTest {

    private static final Checkpoint ORIGINAL = RandomCheckpoint.create(TestFiles.tinyConfig(), 3);

    @TempDir
    Path dir;

    private Path weights;

    @BeforeEach
    void writeGoodCheckpoint() {
        HfCheckpointWriter.write(ORIGINAL, dir, Options.defaults());
        weights = dir.resolve("model.safetensors");
    }

    /** Rewrites model.safetensors with every parameter (except the tied head), after {@code edit} adds/changes some. */
    private void rewriteWeights(String skip, Consumer<SafetensorsWriter> edit) {
        SafetensorsWriter w = SafetensorsWriter.create();
        for (String name : Gpt2TensorLayout.expectedShapes(ORIGINAL.config()).keySet()) {
            if (!name.equals(skip) && !name.equals("lm_head.weight")) {
                w.add(ORIGINAL.tensor(name), SafetensorsDtype.F32);
            }
        }
        edit.accept(w);
        w.write(weights);
    }

    private void assertLoadFails(String... fragments) {
        assertThatThrownBy(() -> CheckpointLoader.load(dir)).isExactlyInstanceOf(CheckpointException.class)
                .hasMessageContainingAll(fragments);
    }

    @Test
    void missingTensor() {
        rewriteWeights("h.1.mlp.c_fc.bias", w -> { });
        assertLoadFails(weights.toString(), "missing 1 tensor(s)", "h.1.mlp.c_fc.bias [32]");
    }

    @Test
    void wrongShape() {
        rewriteWeights("ln_f.weight", w -> w.add("ln_f.weight", new long[] {9}, new float[9]));
        assertLoadFails(weights.toString(), "tensor 'ln_f.weight' has shape [9], expected [8]");
    }

    @Test
    void transposedConv1DWeight() {
        rewriteWeights("h.0.attn.c_attn.weight", w -> w.add("h.0.attn.c_attn.weight", new long[] {24, 8}, new float[192]));
        assertLoadFails(weights.toString(), "tensor 'h.0.attn.c_attn.weight' has shape [24, 8], expected [8, 24]");
    }

    @Test
    void extraUnknownTensor() {
        rewriteWeights("", w -> w.add("h.0.attn.rotary.inv_freq", new long[] {4}, new float[4])
                .add("h.2.ln_1.weight", new long[] {8}, new float[8]));
        assertLoadFails(weights.toString(), "2 unexpected tensor(s)", "h.0.attn.rotary.inv_freq", "h.2.ln_1.weight");
    }

    @Test
    void unsupportedDtypeForAModelTensor() {
        rewriteWeights("wpe.weight", w -> w.addRaw("wpe.weight", SafetensorsDtype.I32, new long[] {16, 8},
                ByteBuffer.allocate(16 * 8 * 4)));
        assertLoadFails(weights.toString(), "unsupported dtype I32 for tensor 'wpe.weight', expected F32/F16/BF16");
    }

    @Test
    void sameParameterWithAndWithoutPrefix() {
        rewriteWeights("", w -> w.add("transformer.ln_f.bias", new long[] {8}, new float[8]));
        assertLoadFails(weights.toString(), "'transformer.ln_f.bias' duplicates 'ln_f.bias'");
    }

    @Test
    void brokenSafetensorsHeaderInsideADirectory() throws Exception {
        Files.write(weights, new byte[] {42, 0, 0});
        assertLoadFails(weights.toString(), "at least 8 bytes");
    }

    @Test
    void missingShard() throws Exception {
        HfCheckpointWriter.write(ORIGINAL, dir, Options.defaults().withShards(3));
        Files.delete(dir.resolve("model-00002-of-00003.safetensors"));
        assertLoadFails("model.safetensors.index.json", "shard \"model-00002-of-00003.safetensors\"", "not found",
                "holding tensor '");
    }

    @Test
    void shardPathTraversal() throws Exception {
        HfCheckpointWriter.write(ORIGINAL, dir, Options.defaults().withShards(3));
        Path index = dir.resolve("model.safetensors.index.json");
        Files.writeString(index, Files.readString(index)
                .replaceFirst("\"model-00001-of-00003.safetensors\"", "\"../x.safetensors\""));
        assertLoadFails(index.toString(), "names shard \"../x.safetensors\"", "plain file name", "tensor '");
        Files.writeString(index, "{\"weight_map\":{\"wte.weight\":\"/etc/passwd\"}}");
        assertLoadFails(index.toString(), "tensor 'wte.weight'", "\"/etc/passwd\"", "plain file name");
    }

    @Test
    void indexListsATensorTheShardDoesNotHave() throws Exception {
        HfCheckpointWriter.write(ORIGINAL, dir, Options.defaults().withShards(3));
        Path index = dir.resolve("model.safetensors.index.json");
        Files.writeString(index, Files.readString(index).replace("\"weight_map\" : {",
                "\"weight_map\" : {\n    \"h.9.ln_1.weight\" : \"model-00001-of-00003.safetensors\","));
        assertLoadFails(index.toString(), "tensor 'h.9.ln_1.weight' is listed in shard \"model-00001-of-00003.safetensors\"",
                "has no such tensor");
    }

    @Test
    void shardHoldsATensorTheIndexPutsElsewhere() throws Exception {
        HfCheckpointWriter.write(ORIGINAL, dir, Options.defaults().withShards(3));
        Path index = dir.resolve("model.safetensors.index.json");
        Files.writeString(index, Files.readString(index).replace(
                "\"wte.weight\" : \"model-00001-of-00003.safetensors\"", "\"wte.weight\" : \"model-00002-of-00003.safetensors\""));
        assertLoadFails("model-00001-of-00003.safetensors", "tensor 'wte.weight' is in this shard",
                "says it is in \"model-00002-of-00003.safetensors\"");
    }

    @Test
    void indexWithoutWeightMap() throws Exception {
        Files.delete(weights);
        Files.writeString(dir.resolve("model.safetensors.index.json"), "{\"metadata\":{}}");
        assertLoadFails("model.safetensors.index.json", "\"weight_map\" object");
    }

    @Test
    void onlyPytorchBin() throws Exception {
        Files.delete(weights);
        Files.write(dir.resolve("pytorch_model.bin"), new byte[] {1, 2, 3});
        assertLoadFails(dir.toString(), "no model.safetensors", "found pytorch_model.bin",
                "Only safetensors checkpoints are supported", "save_pretrained", "safe_serialization=True");
    }

    @Test
    void notADirectory() {
        Path absent = dir.resolve("absent");
        assertThatThrownBy(() -> CheckpointLoader.load(absent)).isExactlyInstanceOf(CheckpointException.class)
                .hasMessageContainingAll(absent.toString(), "not a directory");
    }

    @Test
    void missingConfigJson() throws Exception {
        Files.delete(dir.resolve("config.json"));
        assertLoadFails(dir.resolve("config.json").toString(), "file not found");
    }

    @Test
    void missingConfigKey() throws Exception {
        Path config = dir.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("\"n_head\"", "\"n_heads_typo\""));
        assertLoadFails(config.toString(), "missing key \"n_head\"");
    }

    @Test
    void configDisagreesWithWeights() throws Exception {
        Path config = dir.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("\"n_layer\" : 2", "\"n_layer\" : 3"));
        assertLoadFails(weights.toString(), "missing 12 tensor(s)", "n_layer=3", "h.2.ln_1.weight");
    }
}
