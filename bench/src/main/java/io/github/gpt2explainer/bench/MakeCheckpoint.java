package io.github.gpt2explainer.bench;

import java.nio.file.Path;

/**
 * Writes (or finds cached) a benchmark checkpoint and prints its directory:
 * {@code MakeCheckpoint <cacheRoot> [seed] [shape]}, shape one of small (default), medium, large, xl.
 * The weights are built in direct buffers before they are written, so a large shape needs
 * {@code -XX:MaxDirectMemorySize} above its F32 bytes ({@link ShapeBench} sets it).
 */
public final class MakeCheckpoint {
    private MakeCheckpoint() {
    }

    public static void main(String[] args) {
        Path root = Path.of(args.length > 0 ? args[0] : "target/bench");
        long seed = args.length > 1 ? Long.parseLong(args[1]) : BenchMain.SEED;
        ModelShape shape = args.length > 2 ? ModelShape.parseList(args[2]).get(0) : ModelShape.SMALL;
        System.out.println(BenchCheckpoint.ensure(root, shape.config(), seed).toAbsolutePath());
    }
}
