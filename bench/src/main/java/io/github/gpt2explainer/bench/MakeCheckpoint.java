package io.github.gpt2explainer.bench;

import java.nio.file.Path;

/** Writes (or finds cached) the benchmark checkpoint and prints its directory: {@code MakeCheckpoint <cacheRoot> [seed]}. */
public final class MakeCheckpoint {
    private MakeCheckpoint() {
    }

    public static void main(String[] args) {
        Path root = Path.of(args.length > 0 ? args[0] : "target/bench");
        long seed = args.length > 1 ? Long.parseLong(args[1]) : BenchMain.SEED;
        System.out.println(BenchCheckpoint.ensure(root, BenchCheckpoint.GPT2_SMALL, seed).toAbsolutePath());
    }
}
