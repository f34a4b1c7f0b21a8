package io.github.gpt2explainer.insight;

import io.github.gpt2explainer.sampling.Rng;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * The input that reveals head roles: {@code <|endoftext|>}, then n seeded random token ids, then the same
 * n ids again, n = min(50, (context − 1) / 2). Positions: 0 the end-of-text token, 1 .. n the first copy,
 * n + 1 .. 2n the second; the token at n + i repeats the one at i.
 *
 * <p>The ids are distinct and never the end-of-text id, so each token of the second copy has exactly one
 * earlier occurrence. They are drawn with {@link Rng}{@code (seed)}: id = floor(u × V) for each uniform
 * draw u, skipping the end-of-text id and ids already drawn.
 *
 * @param ids  the probe, [2n + 1]
 * @param n    the length of one copy
 * @param seed the seed of the draw
 */
public record HeadRoleProbe(long[] ids, int n, long seed) {

    /** The seed of the probe's ids when none is given: the {@code heads} command's default and the site's. */
    public static final long DEFAULT_SEED = 20240601L;

    /** The longest copy used, as in the literature's induction probes. */
    public static final int MAX_COPY = 50;

    public HeadRoleProbe {
        ids = ids.clone();
        if (ids.length != 2 * n + 1) {
            throw new IllegalArgumentException("a probe of copies of " + n + " tokens has " + (2 * n + 1)
                    + " ids, got " + ids.length);
        }
    }

    @Override
    public long[] ids() {
        return ids.clone();
    }

    /** The probe for a model with {@code vocab} ids, a context of {@code context} positions and the given end-of-text id. */
    public static HeadRoleProbe of(long seed, int vocab, int context, long endOfText) {
        int n = Math.min(MAX_COPY, (context - 1) / 2);
        if (n < 1) {
            throw new IllegalArgumentException("the head-role probe needs a context of at least 3 positions, the model has "
                    + context);
        }
        if (vocab - 1 < n) {
            throw new IllegalArgumentException("the head-role probe needs " + n + " distinct ids besides <|endoftext|>, "
                    + "the vocabulary has " + vocab);
        }
        Rng rng = new Rng(seed);
        Set<Long> drawn = new HashSet<>();
        long[] ids = new long[2 * n + 1];
        ids[0] = endOfText;
        for (int i = 1; i <= n; i++) {
            long id;
            do {
                id = (long) Math.floor(rng.nextDouble() * vocab);
            } while (id == endOfText || !drawn.add(id));
            ids[i] = id;
            ids[n + i] = id;
        }
        return new HeadRoleProbe(ids, n, seed);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof HeadRoleProbe p && p.n == n && p.seed == seed && Arrays.equals(p.ids, ids);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ids) * 31 + Long.hashCode(seed);
    }

    @Override
    public String toString() {
        return "HeadRoleProbe[n=" + n + ", seed=" + seed + ", ids=" + Arrays.toString(ids) + "]";
    }
}
