package io.github.gpt2explainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16 item 7 from the command line, with the demo model and the real pipeline: {@code run --shard i/n} on
 * "two machines", {@code merge-stores}, then {@code build} with no model work gives the same site, byte for
 * byte, as one unsharded build.
 *
 * <p>Shares of the prompts below (first 8 bytes of SHA-256(id) mod 2, plus 1): alpha 1, beta 2, gamma 1.
 */
class ShardedBuildTest {

    /** The prompts and both shards' stores, computed once for the class (tests that change a store copy it). */
    @TempDir
    static Path shared;

    static Path prompts;

    @TempDir
    Path temp;

    private record Outcome(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private static Outcome cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Outcome(code, out.toString(), err.toString());
    }

    private static Outcome run(Path store, String... more) {
        String[] args = Stream.concat(Stream.of("run", "--model", "demo", "--prompts", prompts.toString(), "--store",
                store.toString()), Stream.of(more)).toArray(String[]::new);
        return cli(args);
    }

    private Outcome run(String store, String... more) {
        return run(temp.resolve(store), more);
    }

    private Outcome build(String store, String out) {
        return cli("build", "--model", "demo", "--prompts", prompts.toString(), "--store", temp.resolve(store).toString(),
                "--out", temp.resolve(out).toString());
    }

    private Outcome merge(String into, String... shards) {
        String[] args = Stream.concat(Stream.of("merge-stores", "--into", temp.resolve(into).toString()),
                Stream.of(shards).map(this::store).map(Path::toString)).toArray(String[]::new);
        return cli(args);
    }

    /** shard-1 and shard-2 are the class's shared shard stores; any other name is in this test's directory. */
    private Path store(String name) {
        return name.startsWith("shard-") ? shared.resolve(name) : temp.resolve(name);
    }

    @BeforeAll
    static void promptSetAndShards() throws IOException {
        prompts = Files.createDirectories(shared.resolve("prompts"));
        Files.writeString(prompts.resolve("site.yaml"), String.join("\n", "title:", "  en: Sharded", "languages: [en]",
                "temperatures: [0, 0.8]", "max_new_tokens: 3", "seed: 11", ""));
        prompt("alpha", "The Eiffel Tower is in");
        prompt("beta", "Once upon a time");
        prompt("gamma", "One, two, three,");
        Outcome first = run(shared.resolve("shard-1"), "--shard", "1/2");
        Outcome second = run(shared.resolve("shard-2"), "--shard", "2/2");
        assertThat(first.code()).as(first.toString()).isZero();
        assertThat(second.code()).as(second.toString()).isZero();
        assertThat(first.err()).contains("Shard 1/2: 2 of 3 prompts");
        assertThat(second.err()).contains("Shard 2/2: 1 of 3 prompts");
        assertThat(first.err()).contains("Head roles: 4 x 4 heads scored on a probe");   // shard 1 measures them
        assertThat(second.err()).doesNotContain("Head roles");
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Files.copy(p, to.resolve(from.relativize(p).toString()));
            }
        }
    }

    private static void prompt(String id, String text) throws IOException {
        Files.writeString(prompts.resolve(id + ".md"), String.join("\n", "---", "id: " + id, "text: \"" + text + "\"",
                "title: " + id, "---", "<!-- lang: en -->", "A note on " + id + ".", ""));
    }

    /** Every regular file under {@code root}, by relative path, with its bytes; a store's empty lock files are left out. */
    private static Map<String, byte[]> tree(Path root) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile)
                    .filter(p -> !p.equals(root.resolve("store.lock")) && !p.equals(root.resolve("users.lock"))).toList()) {
                files.put(root.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return files;
    }

    private static void assertSameTree(Path actual, Path expected) throws IOException {
        Map<String, byte[]> want = tree(expected);
        Map<String, byte[]> got = tree(actual);
        assertThat(got.keySet()).isEqualTo(want.keySet());
        want.forEach((name, bytes) -> assertThat(got.get(name)).as(name).isEqualTo(bytes));
    }

    private static String[] entries(Path store) throws IOException {
        try (Stream<Path> runs = Files.list(store.resolve("runs"))) {
            return runs.map(p -> p.getFileName().toString().replaceAll("-[0-9a-f]{16}$", "")).sorted().toArray(String[]::new);
        }
    }

    @Test
    @Tag("slow") // about 30 s on 2 busy cores: an unsharded build with model work, then a build from the merge
    void twoShardsMergedBuildTheSameSiteAsOneUnshardedBuild() throws IOException {
        Outcome whole = build("whole-store", "whole-site");
        assertThat(whole.code()).as(whole.toString()).isZero();
        assertThat(entries(store("shard-1"))).containsExactly("alpha", "gamma");
        assertThat(entries(store("shard-2"))).containsExactly("beta");

        Outcome merged = merge("merged", "shard-1", "shard-2");
        assertThat(merged.code()).as(merged.toString()).isZero();
        assertThat(merged.out()).contains("3 entries from 2 stores: 3 copied, 0 already there");
        // The merged store is the unsharded one, entry for entry and byte for byte.
        assertSameTree(temp.resolve("merged"), temp.resolve("whole-store"));

        Outcome site = build("merged", "sharded-site");
        assertThat(site.code()).as(site.toString()).isZero();
        assertThat(site.err()).contains("3 prompts: 3 cached, nothing to run (no model work)");
        // shard 1 measured the head roles and merge-stores copied them: the "meet the heads" page needs no model work
        assertThat(site.err()).contains("Head roles: 4 x 4 heads from the trace store (no model work)");
        assertThat(temp.resolve("sharded-site/index.html")).exists();
        assertSameTree(temp.resolve("sharded-site"), temp.resolve("whole-site"));

        // Merging the same shards again copies nothing.
        Outcome again = merge("merged", "shard-2", "shard-1");
        assertThat(again.code()).as(again.toString()).isZero();
        assertThat(again.out()).contains("3 entries from 2 stores: 0 copied, 3 already there");
    }

    @Test
    void aCorruptedShardEntryIsRefusedAndNothingIsMerged() throws IOException {
        copyTree(store("shard-2"), temp.resolve("damaged"));
        Path prefill;
        try (Stream<Path> runs = Files.list(temp.resolve("damaged/runs"))) {
            prefill = runs.findFirst().orElseThrow().resolve("prefill.safetensors");
        }
        byte[] bytes = Files.readAllBytes(prefill);
        bytes[bytes.length / 2] ^= 0x01; // one bit of one number: only the hash can tell
        Files.write(prefill, bytes);

        Outcome merged = merge("merged", "shard-1", "damaged");

        assertThat(merged.code()).as(merged.toString()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(merged.err()).contains("error: trace store " + temp.resolve("damaged") + " has a damaged entry: "
                + prefill + " has SHA-256 ").contains(", the manifest says ").contains("nothing was merged")
                .doesNotContain("\tat ");
        assertThat(temp.resolve("merged")).doesNotExist();
    }

    @Test
    void aDamagedHeadRoleFileInAShardIsRefusedAndNothingIsMerged() throws IOException {
        copyTree(store("shard-1"), temp.resolve("damaged"));
        Path heads;
        try (Stream<Path> files = Files.list(temp.resolve("damaged/heads"))) {
            heads = files.findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(heads);
        Files.write(heads, java.util.Arrays.copyOf(bytes, bytes.length - 7)); // truncated

        Outcome merged = merge("merged", "damaged", "shard-2");

        assertThat(merged.code()).as(merged.toString()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(merged.err()).contains("error: trace store " + temp.resolve("damaged") + " has a damaged head-role entry: "
                + heads).contains("nothing was merged").doesNotContain("\tat ");
        assertThat(temp.resolve("merged")).doesNotExist();
    }

    @Test
    void theSameKeyWithDifferentBytesIsAConflict() throws IOException {
        copyTree(store("shard-1"), temp.resolve("copy"));
        Path manifest;
        try (Stream<Path> runs = Files.list(temp.resolve("copy/runs"))) {
            manifest = runs.sorted().findFirst().orElseThrow().resolve("manifest.json");
        }
        // Still a valid manifest for the same key and files, but not the same bytes.
        Files.writeString(manifest, Files.readString(manifest, StandardCharsets.UTF_8).replaceFirst("\n", "\n "));

        Outcome merged = merge("merged", "shard-1", "copy");

        assertThat(merged.code()).as(merged.toString()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(merged.err()).contains("error: entry alpha-").contains(" differs between ")
                .contains("nothing was merged");
        assertThat(temp.resolve("merged")).doesNotExist();
    }

    /** The tensor files are intact, but the manifest does not agree with its entry's name or key. */
    @Test
    void anEntryWhoseManifestDisagreesWithItsKeyIsRefused() throws IOException {
        copyTree(store("shard-2"), temp.resolve("renamed"));
        Path entry;
        try (Stream<Path> runs = Files.list(temp.resolve("renamed/runs"))) {
            entry = runs.findFirst().orElseThrow();
        }
        Path moved = entry.resolveSibling("beta-0000000000000000");
        Files.move(entry, moved);

        Outcome renamed = merge("merged", "renamed");

        assertThat(renamed.code()).as(renamed.toString()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(renamed.err()).contains("error: trace store " + temp.resolve("renamed") + " has a damaged entry: "
                + moved + " holds the entry " + entry.getFileName() + " under another name");

        Files.move(moved, entry);
        Path manifest = entry.resolve("manifest.json");
        String text = Files.readString(manifest, StandardCharsets.UTF_8);
        String contentHash = text.replaceAll("(?s).*\"contentHash\" : \"([0-9a-f]+)\".*", "$1");
        assertThat(contentHash).matches("[0-9a-f]{64}");
        Files.writeString(manifest, text.replace(contentHash, "0".repeat(64)), StandardCharsets.UTF_8);

        Outcome rekeyed = merge("merged", "renamed");

        assertThat(rekeyed.code()).as(rekeyed.toString()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(rekeyed.err()).contains(manifest + " records key ").contains(" but its model and prompt content give ");
        assertThat(temp.resolve("merged")).doesNotExist();
    }

    @Test
    void aShardRunKeepsTheOtherSharesEntries() throws IOException {
        assertThat(merge("store", "shard-1", "shard-2").code()).isZero();
        assertThat(entries(temp.resolve("store"))).containsExactly("alpha", "beta", "gamma");

        Outcome shard = run("store", "--shard", "2/2");

        assertThat(shard.code()).as(shard.toString()).isZero();
        assertThat(shard.out()).contains("1 prompt: 1 cached, nothing to run");
        assertThat(entries(temp.resolve("store"))).containsExactly("alpha", "beta", "gamma");
    }

    @Test
    void aBadShardIsInvalidInputWithTheExpectedForm() {
        Outcome outcome = run("store", "--shard", "3/2");

        assertThat(outcome.code()).as(outcome.toString()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(outcome.err()).contains("error: --shard '3/2' is not a share: expected i/n with whole numbers 1 <= i <= n");
        assertThat(temp.resolve("store")).doesNotExist();
    }

    @Test
    void mergeIntoARequiresAStoreAsSource() throws IOException {
        Files.createDirectories(temp.resolve("not-a-store"));

        Outcome outcome = merge("merged", "not-a-store");

        assertThat(outcome.code()).as(outcome.toString()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(outcome.err()).contains("error: " + temp.resolve("not-a-store") + " is not a trace store (no store.json)");
    }

    @Test
    void mergeStoresHasHelpWithExamples() {
        Outcome help = cli("merge-stores", "--help");

        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("Usage: gpt2-explainer merge-stores").contains("--into=STORE")
                .contains("SHARD_STORE...").contains("./gpt2-explainer merge-stores").contains("Exit codes:");
    }
}
