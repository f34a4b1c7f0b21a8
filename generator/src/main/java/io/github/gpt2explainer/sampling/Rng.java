package io.github.gpt2explainer.sampling;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * The program's own pseudo-random generator: xoshiro256** 1.0 (Blackman and Vigna, 2018), seeded by
 * {@link SplitMix64}. We do not use {@code java.util.Random} or {@code SplittableRandom} so the sampled
 * tokens are part of this program's definition, identical on every JVM and reproducible from the
 * documentation alone.
 *
 * <p>Step (reference {@code xoshiro256starstar.c}, all arithmetic modulo 2^64):
 * <pre>
 *   result = rotl(s1 * 5, 7) * 9
 *   t  = s1 << 17
 *   s2 ^= s0;  s3 ^= s1;  s1 ^= s2;  s0 ^= s3;  s2 ^= t;  s3 = rotl(s3, 45)
 * </pre>
 * Seeding: {@code new Rng(seed)} sets (s0, s1, s2, s3) to the first four outputs of SplitMix64(seed).
 * {@link #nextDouble()} takes the top 53 bits: {@code (next >>> 11) * 2^-53}, a multiple of 2^-53 in
 * [0, 1).
 *
 * <p>Not thread-safe: one instance per generation run.
 */
public final class Rng {

    private long s0;
    private long s1;
    private long s2;
    private long s3;

    /** A generator whose state is the first four SplitMix64 outputs for {@code seed}. */
    public Rng(long seed) {
        SplitMix64 seeder = new SplitMix64(seed);
        this.s0 = seeder.next();
        this.s1 = seeder.next();
        this.s2 = seeder.next();
        this.s3 = seeder.next();
        // SplitMix64 is a bijection per step, so four zero outputs cannot occur; checked anyway.
        requireNonZeroState();
    }

    private Rng(long s0, long s1, long s2, long s3) {
        this.s0 = s0;
        this.s1 = s1;
        this.s2 = s2;
        this.s3 = s3;
        requireNonZeroState();
    }

    /**
     * A generator with exactly this xoshiro256** state, e.g. to check published reference vectors.
     *
     * @throws IllegalArgumentException if all four words are zero (the generator would output 0 forever)
     */
    public static Rng fromState(long s0, long s1, long s2, long s3) {
        return new Rng(s0, s1, s2, s3);
    }

    private void requireNonZeroState() {
        if ((s0 | s1 | s2 | s3) == 0) {
            throw new IllegalArgumentException("xoshiro256** state must not be all zero");
        }
    }

    /** The next 64 random bits. */
    public long nextLong() {
        long result = Long.rotateLeft(s1 * 5, 7) * 9;
        long t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Long.rotateLeft(s3, 45);
        return result;
    }

    /** A uniform double in [0, 1) built from the top 53 bits of {@link #nextLong()}. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /**
     * Derives an independent seed from a base seed and a path of labels, e.g.
     * {@code derive(siteSeed, promptId, "0.8")} for one (prompt, temperature) run.
     *
     * <p>Definition: SHA-256 over the bytes
     * {@code seed as 8 bytes big-endian, then for each part: its UTF-8 length as 4 bytes big-endian
     * followed by its UTF-8 bytes}; the result is the first 8 bytes of the digest read big-endian.
     * The length prefix makes {@code ("ab", "c")} and {@code ("a", "bc")} different.
     */
    public static long derive(long seed, String... parts) {
        Objects.requireNonNull(parts, "parts");
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime must provide SHA-256", e);
        }
        sha256.update(ByteBuffer.allocate(Long.BYTES).putLong(seed).array());
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (part == null) {
                throw new NullPointerException("derive part " + i + " is null");
            }
            byte[] utf8 = part.getBytes(StandardCharsets.UTF_8);
            sha256.update(ByteBuffer.allocate(Integer.BYTES).putInt(utf8.length).array());
            sha256.update(utf8);
        }
        return ByteBuffer.wrap(sha256.digest()).getLong();
    }
}
