package io.github.gpt2explainer.sampling;

/**
 * SplitMix64 (Steele, Lea and Flood, 2014), transcribed from Vigna's reference {@code splitmix64.c}:
 *
 * <pre>
 *   z  = (x += 0x9e3779b97f4a7c15);
 *   z  = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9;
 *   z  = (z ^ (z >>> 27)) * 0x94d049bb133111eb;
 *   return z ^ (z >>> 31);
 * </pre>
 *
 * Used only to expand one 64-bit seed into the 256-bit state of {@link Rng}, as the xoshiro authors
 * recommend. Java's {@code long} arithmetic wraps modulo 2^64 exactly like C's {@code uint64_t}, and
 * {@code >>>} is the unsigned shift, so the outputs are bit-identical on every JVM.
 */
public final class SplitMix64 {

    private long state;

    public SplitMix64(long seed) {
        this.state = seed;
    }

    /** The next 64-bit output (read as unsigned when compared with published values). */
    public long next() {
        state += 0x9e3779b97f4a7c15L;
        long z = state;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
