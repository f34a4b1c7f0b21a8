package io.github.gpt2explainer.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The files of a Hugging Face GPT-2 directory: {@code config.json} and either {@code model.safetensors} or
 * a {@code model.safetensors.index.json} with its shards. Shard names from the index must be plain file
 * names inside the directory and must exist.
 *
 * @param directory   the checkpoint directory
 * @param config      its config.json (not checked for existence here)
 * @param index       the shard index, or null for a single model.safetensors
 * @param weightFiles the safetensors files, single file or shards sorted by name
 * @param weightMap   tensor name (as in the file) to shard file name; empty for a single file
 */
public record CheckpointFiles(Path directory, Path config, Path index, List<Path> weightFiles,
                              Map<String, String> weightMap) {

    public static final String CONFIG = "config.json";
    public static final String SINGLE = "model.safetensors";
    public static final String INDEX = "model.safetensors.index.json";

    private static final List<String> OTHER_FORMATS = List.of("pytorch_model.bin", "pytorch_model.bin.index.json",
            "tf_model.h5", "flax_model.msgpack", "model.ckpt.index");
    private static final long MAX_INDEX_BYTES = 100L * 1024 * 1024;
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

    public CheckpointFiles {
        weightFiles = List.copyOf(weightFiles);
        weightMap = Collections.unmodifiableMap(new LinkedHashMap<>(weightMap));
    }

    /** Finds the weight files of {@code dir}; fails with a clear message if there are none or the index is bad. */
    public static CheckpointFiles locate(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new CheckpointException(dir + ": not a directory; expected a Hugging Face GPT-2 checkpoint directory"
                    + " with config.json and model.safetensors");
        }
        Path config = dir.resolve(CONFIG);
        Path single = dir.resolve(SINGLE);
        if (Files.exists(single)) {
            return new CheckpointFiles(dir, config, null, List.of(single), Map.of());
        }
        Path index = dir.resolve(INDEX);
        if (Files.exists(index)) {
            return fromIndex(dir, config, index);
        }
        List<String> others = OTHER_FORMATS.stream().filter(name -> Files.exists(dir.resolve(name))).toList();
        throw new CheckpointException(dir + ": no " + SINGLE + " or " + INDEX
                + (others.isEmpty() ? "" : "; found " + String.join(", ", others))
                + ". Only safetensors checkpoints are supported (they are validated and read without code execution, no pickle)."
                + " Convert with: python -c \"from transformers import GPT2LMHeadModel; "
                + "GPT2LMHeadModel.from_pretrained('" + dir + "').save_pretrained('" + dir + "', safe_serialization=True)\"");
    }

    private static CheckpointFiles fromIndex(Path dir, Path config, Path index) {
        JsonNode root;
        if (!Files.isRegularFile(index)) {
            throw new CheckpointException(index + ": expected a regular file, found a directory or special file");
        }
        try {
            if (Files.size(index) > MAX_INDEX_BYTES) {
                throw new CheckpointException(index + ": larger than " + MAX_INDEX_BYTES + " bytes; not a shard index");
            }
            root = JSON.readTree(Files.readAllBytes(index));
        } catch (IOException e) {
            throw new CheckpointException(index + ": not readable JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject() || !root.path("weight_map").isObject()) {
            throw new CheckpointException(index + ": expected a JSON object with a \"weight_map\" object"
                    + " {tensor name: shard file name}");
        }
        Map<String, String> weightMap = new LinkedHashMap<>();
        TreeSet<String> shardNames = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.get("weight_map").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode shard = e.getValue();
            if (!shard.isTextual()) {
                throw new CheckpointException(index + ": weight_map entry for tensor '" + e.getKey()
                        + "' must be a shard file name string, found " + shard);
            }
            String name = shard.textValue();
            if (!isPlainFileName(name)) {
                throw new CheckpointException(index + ": weight_map entry for tensor '" + e.getKey()
                        + "' names shard \"" + name + "\"; expected a plain file name inside " + dir
                        + " (no directories, no ..)");
            }
            weightMap.put(e.getKey(), name);
            shardNames.add(name);
        }
        if (weightMap.isEmpty()) {
            throw new CheckpointException(index + ": weight_map is empty; expected at least one tensor");
        }
        List<Path> shards = new ArrayList<>();
        for (String name : shardNames) {
            Path shard = dir.resolve(name);
            if (!Files.isRegularFile(shard)) {
                String tensor = weightMap.entrySet().stream().filter(x -> x.getValue().equals(name))
                        .map(Map.Entry::getKey).findFirst().orElse("?");
                throw new CheckpointException(index + ": shard \"" + name + "\" (holding tensor '" + tensor
                        + "') not found in " + dir);
            }
            shards.add(shard);
        }
        return new CheckpointFiles(dir, config, index, shards, weightMap);
    }

    static boolean isPlainFileName(String name) {
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('\0') >= 0
                || name.indexOf('/') >= 0 || name.indexOf('\\') >= 0) {
            return false;
        }
        try {
            Path p = Path.of(name);
            return !p.isAbsolute() && p.getNameCount() == 1 && p.getFileName().toString().equals(name);
        } catch (InvalidPathException e) {
            return false;
        }
    }

    public boolean sharded() {
        return index != null;
    }

    /**
     * SHA-256 (lower-case hex) of the weight files' bytes, streamed in {@link #weightFiles()} order. For a single
     * model.safetensors this equals {@code sha256sum model.safetensors} (and the Hub's LFS checksum).
     */
    public String sha256() {
        MessageDigest digest = newDigest();
        for (Path file : weightFiles) {
            update(digest, file);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** SHA-256 of each weight file on its own, by file name, in {@link #weightFiles()} order. */
    public Map<String, String> sha256PerFile() {
        Map<String, String> sums = new LinkedHashMap<>();
        for (Path file : weightFiles) {
            MessageDigest digest = newDigest();
            update(digest, file);
            sums.put(file.getFileName().toString(), HexFormat.of().formatHex(digest.digest()));
        }
        return Collections.unmodifiableMap(sums);
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
    }

    private static void update(MessageDigest digest, Path file) {
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new CheckpointException(file + ": cannot read for checksum: " + e);
        }
    }
}
