package io.github.gpt2explainer.runs;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One share of a prompt set, for running a large set on several machines ({@code run --shard i/n}).
 *
 * <p>Shares are numbered from 1: shard {@code i} of {@code n} holds every prompt whose id's SHA-256 (over its
 * UTF-8 bytes), first 8 bytes read as an unsigned big-endian number, is {@code i - 1} modulo {@code n}. A
 * prompt's share depends only on its id and {@code n}: adding, editing or removing other prompts never moves
 * it, so each machine's trace store stays valid for the next run, and the {@code n} shares together hold every
 * prompt exactly once.
 *
 * @param index which share, 1 to {@code count}
 * @param count how many shares, at least 1
 */
public record Shard(int index, int count) {

    private static final Pattern SPEC = Pattern.compile("([0-9]{1,9})/([0-9]{1,9})");

    public Shard {
        if (count < 1 || index < 1 || index > count) {
            throw new IllegalArgumentException("shard " + index + "/" + count + ": expected 1 <= i <= n");
        }
    }

    /**
     * Parses {@code i/n}, e.g. {@code 2/4}.
     *
     * @throws IllegalArgumentException with a message that says what was expected
     */
    public static Shard parse(String spec) {
        Matcher m = SPEC.matcher(spec.strip());
        if (m.matches()) {
            int index = Integer.parseInt(m.group(1));
            int count = Integer.parseInt(m.group(2));
            if (count >= 1 && index >= 1 && index <= count) {
                return new Shard(index, count);
            }
        }
        throw new IllegalArgumentException("--shard '" + spec + "' is not a share: expected i/n with whole numbers "
                + "1 <= i <= n, e.g. --shard 1/4 ... --shard 4/4");
    }

    /** Whether the prompt {@code id} belongs to this share. */
    public boolean includes(String id) {
        return Long.remainderUnsigned(hash64(id), count) == index - 1;
    }

    /** The prompts of {@code set} in this share, with the same settings. */
    public PromptSet select(PromptSet set) {
        List<PromptSpec> share = set.prompts().stream().filter(p -> includes(p.id())).toList();
        return new PromptSet(set.settings(), share);
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }

    /** The first 8 bytes of SHA-256(UTF-8 id), big-endian. */
    private static long hash64(String id) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest, 0, Long.BYTES).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime must provide SHA-256", e);
        }
    }
}
