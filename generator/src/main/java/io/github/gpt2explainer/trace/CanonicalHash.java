package io.github.gpt2explainer.trace;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A SHA-256 over named fields in an unambiguous encoding: a header line, then each field as
 * {@code name=<UTF-8 byte length>:value\n}. Used for every content hash the cache keys on (prompt
 * content, render inputs, model fingerprint, store keys), so equal inputs hash equally on any machine.
 */
public final class CanonicalHash {
    private final StringBuilder text = new StringBuilder();

    /** @param header names what is hashed and its version, e.g. {@code gpt2-explainer/prompt-content/v1} */
    public CanonicalHash(String header) {
        text.append(header).append('\n');
    }

    public CanonicalHash field(String name, String value) {
        text.append(name).append('=').append(value.getBytes(StandardCharsets.UTF_8).length).append(':')
                .append(value).append('\n');
        return this;
    }

    /** Lowercase hex SHA-256 of everything added so far. */
    public String sha256() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime must provide SHA-256", e);
        }
    }
}
