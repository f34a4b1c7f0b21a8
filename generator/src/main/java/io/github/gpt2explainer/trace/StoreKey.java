package io.github.gpt2explainer.trace;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The cache key of one prompt's stored run.
 *
 * <p>{@code hash} is SHA-256 (hex) over, one per line as {@code name=<UTF-8 length>:value}: the header
 * {@code gpt2-explainer/trace-key}, the store schema, the {@linkplain #modelFingerprint model fingerprint}
 * and the prompt's content hash (its text and every generation setting). A change to any of them gives a
 * new key, so the prompt is recomputed; titles and notes are not part of it.
 *
 * @param promptId the prompt's id (also names the entry directory, for people browsing the store)
 * @param hash     64 lowercase hex digits
 */
public record StoreKey(String promptId, String hash) {

    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    public StoreKey {
        Objects.requireNonNull(promptId, "promptId");
        if (!HEX64.matcher(hash).matches()) {
            throw new IllegalArgumentException("a store key hash is 64 lowercase hex digits, got '" + hash + "'");
        }
    }

    public static StoreKey of(int schema, ModelInfo model, String promptId, String contentHash) {
        CanonicalHash c = new CanonicalHash("gpt2-explainer/trace-key");
        c.field("schema", Integer.toString(schema));
        c.field("model", modelFingerprint(model));
        c.field("prompt", contentHash);
        return new StoreKey(promptId, c.sha256());
    }

    /**
     * What identifies the computation a model performs: its weights' SHA-256, its configuration and its
     * tokenizer's SHA-256. The {@code --model} spelling, the Hub revision name and commit are not part of
     * it: the same bytes give the same traces (a new commit that changes the weights changes their hash).
     */
    public static String modelFingerprint(ModelInfo model) {
        CanonicalHash c = new CanonicalHash("gpt2-explainer/model");
        c.field("weights_sha256", model.weightsSha256());
        c.field("tokenizer_sha256", model.tokenizerSha256());
        c.field("config", model.config().toString());
        return c.sha256();
    }

    /** The entry's directory name inside {@code runs/}: the prompt id and the first 16 hex digits of the hash. */
    public String directoryName() {
        return promptId + "-" + hash.substring(0, 16);
    }
}
