package io.github.gpt2explainer.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/** Token id -> raw bytes, read from a tokenizer.json, for showing tokens without decoding them. */
final class VocabularyTable {
    private final byte[][] bytesById;
    private final boolean[] specialById;
    private final long endOfTextId;

    private VocabularyTable(byte[][] bytesById, boolean[] specialById, long endOfTextId) {
        this.bytesById = bytesById;
        this.specialById = specialById;
        this.endOfTextId = endOfTextId;
    }

    /** @throws TokenizerException naming {@code source} if the JSON is not a byte-level BPE tokenizer */
    static VocabularyTable fromTokenizerJson(JsonNode root, String source) {
        if (root == null || !root.isObject()) {
            throw new TokenizerException(source + ": expected a JSON object at the top level");
        }
        JsonNode model = root.path("model");
        if (!model.isObject()) {
            throw new TokenizerException(source + ": missing the \"model\" object");
        }
        String type = model.path("type").asText("BPE");
        if (!type.equals("BPE")) {
            throw new TokenizerException(source + ": model.type is \"" + type + "\", expected \"BPE\"");
        }
        JsonNode vocab = model.path("vocab");
        if (!vocab.isObject() || vocab.isEmpty()) {
            throw new TokenizerException(source + ": model.vocab should be a non-empty object of token -> id");
        }
        TreeMap<Integer, byte[]> bytes = new TreeMap<>();
        TreeMap<Integer, Boolean> special = new TreeMap<>();
        Long endOfText = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            int id = requireId(entry.getValue(), source, "model.vocab[\"" + entry.getKey() + "\"]");
            BpeVocabulary.checkByteLevel(entry.getKey(), id, source);
            if (bytes.put(id, ByteLevelAlphabet.toBytes(entry.getKey())) != null) {
                throw new TokenizerException(source + ": id " + id + " appears twice in model.vocab");
            }
            if (entry.getKey().equals(BpeVocabulary.END_OF_TEXT)) {
                endOfText = (long) id;
            }
        }
        JsonNode added = root.path("added_tokens");
        for (int i = 0; i < added.size(); i++) {
            JsonNode token = added.get(i);
            int id = requireId(token.path("id"), source, "added_tokens[" + i + "].id");
            if (!token.path("content").isTextual()) {
                throw new TokenizerException(source + ": added_tokens[" + i + "].content should be a string");
            }
            String content = token.path("content").textValue();
            // Added tokens are matched verbatim in the text, so their bytes are their UTF-8, not byte-level.
            bytes.put(id, content.getBytes(StandardCharsets.UTF_8));
            special.put(id, token.path("special").asBoolean(false));
            if (content.equals(BpeVocabulary.END_OF_TEXT)) {
                endOfText = (long) id;
            }
        }
        if (endOfText == null) {
            throw new TokenizerException(source + ": no " + BpeVocabulary.END_OF_TEXT
                    + " token in model.vocab or added_tokens; not a GPT-2 tokenizer");
        }
        int size = bytes.lastKey() + 1;
        byte[][] bytesById = new byte[size][];
        boolean[] specialById = new boolean[size];
        bytes.forEach((id, value) -> bytesById[id] = value);
        special.forEach((id, value) -> specialById[id] = value);
        return new VocabularyTable(bytesById, specialById, endOfText);
    }

    private static int requireId(JsonNode id, String source, String where) {
        if (!id.isIntegralNumber() || !id.canConvertToInt() || id.intValue() < 0) {
            throw new TokenizerException(source + ": " + where + " should be a non-negative integer id, found " + id);
        }
        return id.intValue();
    }

    /** One more than the highest id. */
    int size() {
        return bytesById.length;
    }

    long endOfTextId() {
        return endOfTextId;
    }

    boolean contains(long id) {
        return id >= 0 && id < bytesById.length && bytesById[(int) id] != null;
    }

    /** @throws IllegalArgumentException for an id the vocabulary does not define */
    TokenPiece piece(long id) {
        if (!contains(id)) {
            throw new IllegalArgumentException(
                    "token id " + id + " is not in the vocabulary (ids 0.." + (bytesById.length - 1) + ")");
        }
        return TokenPiece.of(id, bytesById[(int) id], specialById[(int) id]);
    }
}
