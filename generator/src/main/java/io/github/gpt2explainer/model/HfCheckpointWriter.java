package io.github.gpt2explainer.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a {@link Checkpoint} as a Hugging Face GPT-2 directory: {@code config.json} plus
 * {@code model.safetensors}, or {@code model-0000k-of-0000N.safetensors} shards with
 * {@code model.safetensors.index.json}. The layout variations real checkpoints show are options, so tests
 * and benchmarks can produce each of them. Stale weight files of the other layout are removed first so the
 * directory holds exactly one checkpoint.
 */
public final class HfCheckpointWriter {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * @param dtype                  F32, F16 or BF16 for the parameters (legacy buffers are always F32)
     * @param transformerPrefix      name parameters {@code transformer.wte.weight} etc. ({@code lm_head.weight} never prefixed)
     * @param legacyAttentionBuffers also write {@code h.N.attn.bias} ([1,1,P,P] lower-triangular ones) and
     *                               {@code h.N.attn.masked_bias} (scalar -1e4), as older checkpoints do
     * @param tiedHead               omit {@code lm_head.weight} (it must then equal {@code wte.weight})
     * @param shards                 1 for a single model.safetensors, N > 1 for N shards plus an index
     */
    public record Options(SafetensorsDtype dtype, boolean transformerPrefix, boolean legacyAttentionBuffers,
                          boolean tiedHead, int shards) {

        public Options {
            if (!dtype.isFloatReadable()) {
                throw new IllegalArgumentException("checkpoint dtype must be F32, F16 or BF16, not " + dtype);
            }
            if (shards < 1) {
                throw new IllegalArgumentException("shards must be at least 1, got " + shards);
            }
        }

        /** F32, no prefix, no legacy buffers, tied head, one file: what {@code save_pretrained} writes today. */
        public static Options defaults() {
            return new Options(SafetensorsDtype.F32, false, false, true, 1);
        }

        public Options withDtype(SafetensorsDtype d) {
            return new Options(d, transformerPrefix, legacyAttentionBuffers, tiedHead, shards);
        }

        public Options withTransformerPrefix(boolean on) {
            return new Options(dtype, on, legacyAttentionBuffers, tiedHead, shards);
        }

        public Options withLegacyAttentionBuffers(boolean on) {
            return new Options(dtype, transformerPrefix, on, tiedHead, shards);
        }

        public Options withTiedHead(boolean on) {
            return new Options(dtype, transformerPrefix, legacyAttentionBuffers, on, shards);
        }

        public Options withShards(int n) {
            return new Options(dtype, transformerPrefix, legacyAttentionBuffers, tiedHead, n);
        }
    }

    private HfCheckpointWriter() {
    }

    /** One tensor as it will appear in a file. */
    private record Item(String fileName, SafetensorsDtype dtype, long[] shape, FloatBuffer data) {
        long byteLength() {
            return FloatTensor.elementCount(shape) * dtype.byteSize();
        }
    }

    public static void write(Checkpoint checkpoint, Path dir, Options options) {
        Gpt2Config config = checkpoint.config();
        boolean headEqualsEmbedding = checkpoint.tensor("lm_head.weight").view()
                .equals(checkpoint.tensor("wte.weight").view());
        if (options.tiedHead() && !headEqualsEmbedding) {
            throw new IllegalArgumentException(checkpoint.source() + ": lm_head.weight differs from wte.weight,"
                    + " so the head cannot be written tied");
        }
        List<Item> items = items(checkpoint, options);
        try {
            Files.createDirectories(dir);
            removeStaleWeights(dir);
            writeText(dir.resolve(CheckpointFiles.CONFIG), configJson(config, options, headEqualsEmbedding));
            if (options.shards() == 1) {
                writeShard(items, dir.resolve(CheckpointFiles.SINGLE));
                return;
            }
            if (options.shards() > items.size()) {
                throw new IllegalArgumentException("cannot split " + items.size() + " tensors into "
                        + options.shards() + " shards");
            }
            Map<String, String> weightMap = new TreeMap<>();
            long totalSize = 0;
            for (int k = 0; k < options.shards(); k++) {
                // Shard k gets a contiguous, nearly equal share of the tensors (by count), so none is empty.
                List<Item> part = items.subList(k * items.size() / options.shards(),
                        (k + 1) * items.size() / options.shards());
                String shardName = String.format("model-%05d-of-%05d.safetensors", k + 1, options.shards());
                writeShard(part, dir.resolve(shardName));
                for (Item item : part) {
                    weightMap.put(item.fileName(), shardName);
                    totalSize += item.byteLength();
                }
            }
            ObjectNode index = JSON.createObjectNode();
            index.putObject("metadata").put("total_size", totalSize);
            ObjectNode map = index.putObject("weight_map");
            weightMap.forEach(map::put);
            writeText(dir.resolve(CheckpointFiles.INDEX), JSON.writeValueAsString(index));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint to " + dir + ": " + e.getMessage(), e);
        }
    }

    private static List<Item> items(Checkpoint checkpoint, Options options) {
        Gpt2Config config = checkpoint.config();
        String prefix = options.transformerPrefix() ? "transformer." : "";
        List<Item> items = new ArrayList<>();
        for (String name : Gpt2TensorLayout.expectedShapes(config).keySet()) {
            FloatTensor t = checkpoint.tensor(name);
            if (name.equals("lm_head.weight")) {
                if (!options.tiedHead()) {
                    items.add(new Item(name, options.dtype(), t.shape(), t.view()));
                }
                continue;
            }
            items.add(new Item(prefix + name, options.dtype(), t.shape(), t.view()));
            if (options.legacyAttentionBuffers() && name.endsWith(".attn.c_proj.bias")) {
                String layer = prefix + name.substring(0, name.length() - "c_proj.bias".length());
                int p = config.contextLength();
                items.add(new Item(layer + "bias", SafetensorsDtype.F32, new long[] {1, 1, p, p}, causalMask(p)));
                items.add(new Item(layer + "masked_bias", SafetensorsDtype.F32, new long[] {},
                        FloatBuffer.wrap(new float[] {-1e4f})));
            }
        }
        return items;
    }

    /** [P, P] lower-triangular ones (row i may attend to columns 0..i), as GPT-2's old registered buffer. */
    private static FloatBuffer causalMask(int p) {
        FloatBuffer mask = ByteBuffer.allocateDirect(Math.multiplyExact(Math.multiplyExact(p, p), 4))
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < p; j++) {
                mask.put(j <= i ? 1f : 0f);
            }
        }
        return mask.flip();
    }

    private static void writeShard(List<Item> items, Path file) {
        SafetensorsWriter writer = SafetensorsWriter.create().metadata("format", "pt");
        for (Item item : items) {
            writer.add(item.fileName(), item.dtype(), item.shape(), item.data());
        }
        writer.write(file);
    }

    private static String configJson(Gpt2Config c, Options options, boolean tied) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("activation_function", "gelu_new");
        root.putArray("architectures").add("GPT2LMHeadModel");
        root.put("attn_pdrop", 0.1);
        root.put("bos_token_id", c.vocabSize() - 1);
        root.put("embd_pdrop", 0.1);
        root.put("eos_token_id", c.vocabSize() - 1);
        root.put("initializer_range", 0.02);
        root.put("layer_norm_epsilon", c.layerNormEpsilon());
        root.put("model_type", "gpt2");
        root.put("n_ctx", c.contextLength());
        root.put("n_embd", c.width());
        root.put("n_head", c.heads());
        root.putNull("n_inner");
        root.put("n_layer", c.layers());
        root.put("n_positions", c.contextLength());
        root.put("resid_pdrop", 0.1);
        root.put("scale_attn_weights", true);
        root.put("tie_word_embeddings", tied);
        root.put("torch_dtype", switch (options.dtype()) {
            case F16 -> "float16";
            case BF16 -> "bfloat16";
            default -> "float32";
        });
        root.put("vocab_size", c.vocabSize());
        return JSON.writeValueAsString(root) + "\n";
    }

    private static void removeStaleWeights(Path dir) throws IOException {
        Files.deleteIfExists(dir.resolve(CheckpointFiles.SINGLE));
        Files.deleteIfExists(dir.resolve(CheckpointFiles.INDEX));
        try (DirectoryStream<Path> shards = Files.newDirectoryStream(dir, "model-[0-9]*-of-[0-9]*.safetensors")) {
            for (Path shard : shards) {
                Files.delete(shard);
            }
        }
    }

    private static void writeText(Path file, String text) throws IOException {
        Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName(), ".tmp");
        try {
            Files.write(temp, text.getBytes(StandardCharsets.UTF_8));
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
