package io.github.gpt2explainer.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** The files of a GPT-2 checkpoint this tool fetches, and how to read the sharded-weights index. */
public final class ModelFiles {

    public static final String CONFIG = "config.json";
    public static final String WEIGHTS = "model.safetensors";
    public static final String WEIGHTS_INDEX = "model.safetensors.index.json";
    /** Fetched when present; a 404 is recorded in {@code .no_exist} and is not an error. */
    public static final List<String> OPTIONAL = List.of(
            "tokenizer.json", "vocab.json", "merges.txt", "tokenizer_config.json", "generation_config.json");

    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelFiles() {
    }

    /**
     * Shard file names listed in {@code weight_map} of a {@code model.safetensors.index.json}, sorted and
     * de-duplicated. Each must be a plain relative name inside the snapshot.
     */
    public static List<String> shardsOf(Path indexFile) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(indexFile));
        } catch (IOException e) {
            throw new HubException(HubException.Reason.PROTOCOL,
                    "Cannot read the sharded-weights index " + indexFile + ": " + e.getMessage(), e);
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject() || map.isEmpty()) {
            throw new HubException(HubException.Reason.PROTOCOL, "The sharded-weights index " + indexFile
                    + " has no \"weight_map\" object mapping tensor names to shard files");
        }
        TreeSet<String> shards = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String shard = entry.getValue().asText("");
            if (!isSafeRelativeName(shard)) {
                throw new HubException(HubException.Reason.PROTOCOL, "The sharded-weights index " + indexFile
                        + " maps tensor '" + entry.getKey() + "' to '" + shard
                        + "', which is not a file name inside the repository");
            }
            shards.add(shard);
        }
        return new ArrayList<>(shards);
    }

    static boolean isSafeRelativeName(String name) {
        if (name == null || name.isEmpty() || name.startsWith("/") || name.contains("\\") || name.contains("\0")) {
            return false;
        }
        for (String part : name.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                return false;
            }
        }
        return true;
    }
}
