package io.github.gpt2explainer.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code run --shard i/n}: which prompts a share holds. */
class ShardTest {

    /** The curated prompt ids (prompts/*.md) and a few hundred made-up ones. */
    private static List<String> ids() throws IOException {
        Path here = Path.of("").toAbsolutePath();
        Path prompts = Files.isDirectory(here.resolve("prompts")) ? here.resolve("prompts") : here.getParent().resolve("prompts");
        List<String> ids = new ArrayList<>();
        try (Stream<Path> files = Files.list(prompts)) {
            files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".md") && !n.equals("README.md"))
                    .map(n -> n.substring(0, n.length() - 3)).sorted().forEach(ids::add);
        }
        assertThat(ids).hasSizeGreaterThan(10);
        IntStream.range(0, 300).mapToObj(i -> "prompt-" + i).forEach(ids::add);
        return ids;
    }

    @Test
    void theSharesOfNHoldEveryPromptExactlyOnce() throws IOException {
        List<String> ids = ids();
        for (int n = 1; n <= 7; n++) {
            for (String id : ids) {
                int holders = 0;
                for (int i = 1; i <= n; i++) {
                    holders += new Shard(i, n).includes(id) ? 1 : 0;
                }
                assertThat(holders).as(id + " in the shares of " + n).isEqualTo(1);
            }
        }
    }

    @Test
    void everyShareGetsAFairPartOfManyPrompts() throws IOException {
        List<String> ids = ids();
        for (int i = 1; i <= 4; i++) {
            Shard shard = new Shard(i, 4);
            long count = ids.stream().filter(shard::includes).count();
            assertThat(count).as("share " + shard + " of " + ids.size()).isBetween(ids.size() / 4L - 30, ids.size() / 4L + 30);
        }
    }

    /** The share is (first 8 bytes of SHA-256(id), unsigned) mod n, plus 1: recomputed here with BigInteger. */
    @Test
    void theShareIsTheIdsHashModuloNCountedFromOne() throws Exception {
        for (String id : ids()) {
            BigInteger first8 = new BigInteger(1, Arrays.copyOf(sha256(id), 8));
            for (int n = 1; n <= 5; n++) {
                int expected = first8.mod(BigInteger.valueOf(n)).intValueExact() + 1;
                assertThat(new Shard(expected, n).includes(id)).as(id + " in " + expected + "/" + n).isTrue();
            }
        }
    }

    /** Pinned with {@code printf %s ID | sha256sum}: "alpha" starts 8ed3f6ad685b959e (top bit set: unsigned matters). */
    @Test
    void sharesArePinned() {
        assertThat(new Shard(3, 3).includes("alpha")).isTrue();      // 0x8ed3f6ad685b959e mod 3 = 2
        assertThat(new Shard(3, 4).includes("alpha")).isTrue();      // mod 4 = 2
        assertThat(new Shard(1, 3).includes("eiffel-tower")).isTrue(); // 0x008fbf52dc731631 mod 3 = 0
        assertThat(new Shard(4, 4).includes("once-upon-a-time")).isTrue(); // 0x3fb9e168481b13c3 mod 4 = 3
    }

    @Test
    void selectKeepsTheSettingsAndOnlyTheSharesPrompts(@TempDir Path dir) {
        PromptDirs.site(dir);
        Stream.of("alpha", "beta", "gamma", "delta").forEach(id -> PromptDirs.validPrompt(dir, id));
        PromptSet set = PromptSetLoader.load(dir);
        SiteSettings settings = set.settings();

        assertThat(new Shard(1, 2).select(set).ids()).containsExactly("alpha", "gamma");
        assertThat(new Shard(2, 2).select(set).ids()).containsExactly("beta", "delta");
        assertThat(new Shard(2, 2).select(set).settings()).isSameAs(settings);
    }

    @Test
    void parseReadsIOverN() {
        assertThat(Shard.parse("2/4")).isEqualTo(new Shard(2, 4));
        assertThat(Shard.parse("1/1")).isEqualTo(new Shard(1, 1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0/2", "3/2", "1/0", "2", "a/b", "-1/2", "1/-2", "1/2/3", "", "1 / 2", "99999999999/2"})
    void parseRefusesWhatIsNotAShareAndSaysWhatItExpects(String spec) {
        assertThatThrownBy(() -> Shard.parse(spec)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--shard '" + spec + "' is not a share: expected i/n with whole numbers 1 <= i <= n, "
                        + "e.g. --shard 1/4 ... --shard 4/4");
    }

    private static byte[] sha256(String text) throws NoSuchAlgorithmException {
        return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    }
}
