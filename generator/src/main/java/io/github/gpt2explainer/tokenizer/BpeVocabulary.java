package io.github.gpt2explainer.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A GPT-2 vocabulary in its original two-file form, {@code vocab.json} (token string -> id) and
 * {@code merges.txt} (one BPE merge "a b" per line, ranked by line, after an optional {@code #version} line),
 * and its translation into a Hugging Face {@code tokenizer.json}.
 *
 * @param tokenIds vocabulary strings in GPT-2's byte-level alphabet, iterated in id order
 * @param merges   merges in rank order, each "left right"
 */
public record BpeVocabulary(Map<String, Integer> tokenIds, List<String> merges) {
    public static final String END_OF_TEXT = "<|endoftext|>";
    private static final ObjectMapper JSON = new ObjectMapper();

    public BpeVocabulary {
        tokenIds = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tokenIds));
        merges = List.copyOf(merges);
    }

    /**
     * Parses the two files. {@code vocabName} and {@code mergesName} (paths or resource names) appear in errors.
     *
     * @throws TokenizerException naming the file (and line for merges) if either is malformed
     */
    public static BpeVocabulary parse(byte[] vocabJson, String vocabName, byte[] mergesText, String mergesName) {
        Map<String, Integer> tokenIds = parseVocab(vocabJson, vocabName);
        List<String> merges = parseMerges(mergesText, mergesName, tokenIds, vocabName);
        return new BpeVocabulary(tokenIds, merges);
    }

    private static Map<String, Integer> parseVocab(byte[] vocabJson, String vocabName) {
        JsonNode root;
        try {
            root = JSON.readTree(vocabJson);
        } catch (IOException e) {
            throw new TokenizerException(vocabName + " is not valid JSON: " + describeJsonError(e), e);
        }
        if (root == null || !root.isObject()) {
            throw new TokenizerException(vocabName + ": expected a JSON object mapping token strings to ids, found "
                    + (root == null ? "nothing" : root.getNodeType()));
        }
        TreeMap<Integer, String> byId = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            JsonNode id = entry.getValue();
            if (!id.canConvertToInt() || !id.isIntegralNumber() || id.intValue() < 0) {
                throw new TokenizerException(vocabName + ": token \"" + entry.getKey()
                        + "\" should map to a non-negative integer id, found " + id);
            }
            String previous = byId.put(id.intValue(), entry.getKey());
            if (previous != null) {
                throw new TokenizerException(vocabName + ": id " + id.intValue() + " is used by both \"" + previous
                        + "\" and \"" + entry.getKey() + "\"");
            }
            checkByteLevel(entry.getKey(), id.intValue(), vocabName);
        }
        if (byId.isEmpty()) {
            throw new TokenizerException(vocabName + ": the vocabulary is empty");
        }
        Map<String, Integer> tokenIds = new LinkedHashMap<>();
        byId.forEach((id, token) -> tokenIds.put(token, id));
        if (!tokenIds.containsKey(END_OF_TEXT)) {
            throw new TokenizerException(vocabName + ": no " + END_OF_TEXT + " token; not a GPT-2 vocabulary");
        }
        return tokenIds;
    }

    /** Jackson's message without the echoed input, plus where the error is. */
    static String describeJsonError(IOException e) {
        if (e instanceof JsonProcessingException json && json.getLocation() != null) {
            return json.getOriginalMessage() + " (line " + json.getLocation().getLineNr() + ", column "
                    + json.getLocation().getColumnNr() + ")";
        }
        return e.getMessage();
    }

    static void checkByteLevel(String token, long id, String sourceName) {
        try {
            ByteLevelAlphabet.toBytes(token);
        } catch (IllegalArgumentException e) {
            throw new TokenizerException(sourceName + ": token id " + id + ": " + e.getMessage()
                    + "; only GPT-2 style byte-level BPE vocabularies are supported", e);
        }
    }

    private static List<String> parseMerges(
            byte[] mergesText, String mergesName, Map<String, Integer> tokenIds, String vocabName) {
        String[] lines = new String(mergesText, StandardCharsets.UTF_8).split("\n", -1);
        List<String> merges = new ArrayList<>(lines.length);
        for (int index = 0; index < lines.length; index++) {
            String line = lines[index].endsWith("\r") ? lines[index].substring(0, lines[index].length() - 1)
                    : lines[index];
            int lineNumber = index + 1;
            if (line.isEmpty() || (lineNumber == 1 && line.startsWith("#version"))) {
                continue;
            }
            String[] parts = line.split(" ", -1);
            if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
                throw new TokenizerException(mergesName + " line " + lineNumber
                        + ": expected two tokens separated by one space, found \"" + line + "\"");
            }
            for (String token : List.of(parts[0], parts[1], parts[0] + parts[1])) {
                if (!tokenIds.containsKey(token)) {
                    throw new TokenizerException(mergesName + " line " + lineNumber + ": token \"" + token
                            + "\" is not in " + vocabName);
                }
            }
            merges.add(line);
        }
        if (merges.isEmpty()) {
            throw new TokenizerException(mergesName + ": no merges found");
        }
        return merges;
    }

    /**
     * The equivalent Hugging Face {@code tokenizer.json} for GPT-2: BPE model, ByteLevel pre-tokenizer without
     * prefix space, ByteLevel decoder, {@code <|endoftext|>} as special added token, no truncation or padding.
     * Deterministic: same vocabulary, same bytes.
     */
    public byte[] toTokenizerJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ObjectNode endOfText = root.putArray("added_tokens").addObject();
        endOfText.put("id", tokenIds.get(END_OF_TEXT));
        endOfText.put("content", END_OF_TEXT);
        endOfText.put("single_word", false);
        endOfText.put("lstrip", false);
        endOfText.put("rstrip", false);
        endOfText.put("normalized", true);
        endOfText.put("special", true);
        root.putNull("normalizer");
        root.set("pre_tokenizer", byteLevel());
        root.set("post_processor", byteLevel().put("trim_offsets", false));
        root.set("decoder", byteLevel());

        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.put("continuing_subword_prefix", "");
        model.put("end_of_word_suffix", "");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        ObjectNode vocab = model.putObject("vocab");
        tokenIds.forEach(vocab::put);
        ArrayNode mergeArray = model.putArray("merges");
        merges.forEach(mergeArray::add);
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise an in-memory JSON tree", e);
        }
    }

    private static ObjectNode byteLevel() {
        ObjectNode node = JSON.createObjectNode();
        node.put("type", "ByteLevel");
        node.put("add_prefix_space", false);
        node.put("trim_offsets", true);
        node.put("use_regex", true);
        return node;
    }
}
