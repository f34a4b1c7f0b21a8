package io.github.gpt2explainer.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * GPT-2's byte-level BPE tokenizer, backed by Hugging Face tokenizers through DJL. Never truncates (DJL's
 * default would silently cut at 512 tokens), never pads, never adds special tokens; {@code <|endoftext|>}
 * written in the text is still recognised as the special token, as Hugging Face GPT-2 does.
 *
 * <p>Holds a native handle: close it. Loading reads only local files and the bundled native library.
 */
public final class Gpt2Tokenizer implements AutoCloseable {
    static final String BUNDLED_RESOURCE_DIR = "/io/github/gpt2explainer/tokenizer/gpt2/";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> NO_TRUNCATION_NO_PADDING_NO_SPECIALS =
            Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false");

    private final HuggingFaceTokenizer tokenizer;
    private final VocabularyTable vocabulary;
    private final String sha256;
    private final String source;

    private Gpt2Tokenizer(byte[] tokenizerJson, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(tokenizerJson);
        } catch (IOException e) {
            throw new TokenizerException(source + " is not valid JSON: " + BpeVocabulary.describeJsonError(e), e);
        }
        this.vocabulary = VocabularyTable.fromTokenizerJson(root, source);
        this.tokenizer = loadNative(tokenizerJson, source);
        this.sha256 = sha256Hex(tokenizerJson);
        this.source = source;
    }

    /**
     * The tokenizer of a checkpoint directory: its {@code tokenizer.json} if present, else its
     * {@code vocab.json} + {@code merges.txt}, else the bundled GPT-2 vocabulary.
     *
     * @throws TokenizerException if the directory does not exist, only one of vocab.json/merges.txt exists,
     *                            or a tokenizer file is malformed (the message names the file)
     */
    public static Gpt2Tokenizer forCheckpoint(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new TokenizerException("checkpoint directory " + dir + " does not exist or is not a directory");
        }
        Path tokenizerJson = dir.resolve("tokenizer.json");
        if (Files.isRegularFile(tokenizerJson)) {
            return fromTokenizerJson(tokenizerJson);
        }
        Path vocab = dir.resolve("vocab.json");
        Path merges = dir.resolve("merges.txt");
        boolean hasVocab = Files.isRegularFile(vocab);
        boolean hasMerges = Files.isRegularFile(merges);
        if (hasVocab && hasMerges) {
            return fromVocabAndMerges(vocab, merges);
        }
        if (hasVocab || hasMerges) {
            throw new TokenizerException("checkpoint directory " + dir + " has " + (hasVocab ? vocab : merges)
                    + " but not " + (hasVocab ? merges : vocab) + "; both are needed");
        }
        return bundled();
    }

    /** Loads a Hugging Face {@code tokenizer.json} of a GPT-2 style byte-level BPE. */
    public static Gpt2Tokenizer fromTokenizerJson(Path file) {
        return new Gpt2Tokenizer(readFile(file), file.toString());
    }

    /** Builds the tokenizer from GPT-2's original {@code vocab.json} (encoder.json) and {@code merges.txt}. */
    public static Gpt2Tokenizer fromVocabAndMerges(Path vocabJson, Path mergesTxt) {
        BpeVocabulary vocabulary = BpeVocabulary.parse(
                readFile(vocabJson), vocabJson.toString(), readFile(mergesTxt), mergesTxt.toString());
        return new Gpt2Tokenizer(vocabulary.toTokenizerJson(), "vocab.json+merges.txt from " + vocabJson.getParent());
    }

    /** The GPT-2 vocabulary shipped with this program (OpenAI's encoder.json + vocab.bpe). */
    public static Gpt2Tokenizer bundled() {
        return new Gpt2Tokenizer(BundledJson.BYTES, "bundled GPT-2 vocabulary");
    }

    /** Generated once: parsing 50k merges takes a noticeable fraction of a second. */
    private static final class BundledJson {
        static final byte[] BYTES = BpeVocabulary.parse(
                        readResource("encoder.json"), resourceName("encoder.json"),
                        readResource("vocab.bpe"), resourceName("vocab.bpe"))
                .toTokenizerJson();
    }

    /** Token ids of {@code text}, exactly as many as the text needs (no truncation, no added tokens). */
    public long[] encode(String text) {
        Objects.requireNonNull(text, "text");
        return tokenizer.encode(text).getIds();
    }

    /**
     * The exact text of {@code ids}, special tokens included. A sequence that ends in the middle of a
     * character decodes that fragment to U+FFFD; use {@link #pieces} to show such tokens truthfully.
     *
     * @throws IllegalArgumentException if an id is not in the vocabulary
     */
    public String decode(long[] ids) {
        requireKnown(ids);
        return tokenizer.decode(ids, false);
    }

    /** One more than the highest token id (50257 for GPT-2). */
    public int vocabSize() {
        return vocabulary.size();
    }

    /** The id of {@code <|endoftext|>} (50256 for GPT-2). */
    public long endOfTextId() {
        return vocabulary.endOfTextId();
    }

    /**
     * Lowercase hex SHA-256 of the tokenizer.json bytes in use: the file's bytes when loaded from a
     * tokenizer.json, otherwise the tokenizer.json generated from the vocabulary and merges (so the bundled
     * vocabulary and an identical vocab.json + merges.txt hash the same).
     */
    public String sha256() {
        return sha256;
    }

    /** Where the tokenizer came from (a path or "bundled GPT-2 vocabulary"), for logs and the site. */
    public String source() {
        return source;
    }

    /** @throws IllegalArgumentException if the id is not in the vocabulary */
    public TokenPiece piece(long id) {
        return vocabulary.piece(id);
    }

    /**
     * One piece per id, in order; their bytes concatenate to the UTF-8 of {@code decode(ids)} whenever that
     * text is complete. Combine with {@link CharacterSpan#of} to show which partial tokens form a character.
     *
     * @throws IllegalArgumentException if an id is not in the vocabulary
     */
    public List<TokenPiece> pieces(long[] ids) {
        List<TokenPiece> pieces = new ArrayList<>(ids.length);
        for (long id : ids) {
            pieces.add(vocabulary.piece(id));
        }
        return pieces;
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    private void requireKnown(long[] ids) {
        for (int i = 0; i < ids.length; i++) {
            if (!vocabulary.contains(ids[i])) {
                throw new IllegalArgumentException("token id " + ids[i] + " at position " + i
                        + " is not in the vocabulary (ids 0.." + (vocabulary.size() - 1) + ")");
            }
        }
    }

    private static HuggingFaceTokenizer loadNative(byte[] tokenizerJson, String source) {
        try (InputStream in = new ByteArrayInputStream(tokenizerJson)) {
            return HuggingFaceTokenizer.newInstance(in, NO_TRUNCATION_NO_PADDING_NO_SPECIALS);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen for an in-memory stream
        } catch (RuntimeException e) {
            throw new TokenizerException(source + " was rejected by Hugging Face tokenizers: " + e.getMessage(), e);
        }
    }

    private static byte[] readFile(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new TokenizerException("cannot read tokenizer file " + file + ": " + e, e);
        }
    }

    private static String resourceName(String name) {
        return "classpath:" + BUNDLED_RESOURCE_DIR + name;
    }

    static byte[] readResource(String name) {
        try (InputStream in = Gpt2Tokenizer.class.getResourceAsStream(BUNDLED_RESOURCE_DIR + name)) {
            if (in == null) {
                throw new TokenizerException("bundled tokenizer resource " + resourceName(name) + " is missing");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new TokenizerException("cannot read bundled tokenizer resource " + resourceName(name), e);
        }
    }

    private static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }
}
