package io.github.gpt2explainer.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeOutputTest {

    @TempDir
    Path tmp;

    private Path out() {
        return tmp.resolve("site-out");
    }

    private List<String> names() throws IOException {
        try (Stream<Path> list = Files.list(tmp)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aFirstBuildCreatesTheOutput() throws IOException {
        try (SafeOutput staging = SafeOutput.begin(out())) {
            assertThat(staging.dir().getParent()).isEqualTo(tmp);
            assertThat(staging.dir().getFileName().toString()).startsWith("site-out.tmp-");
            Files.writeString(staging.dir().resolve("index.html"), "new");
            assertThat(out()).doesNotExist();
            staging.commit();
        }

        assertThat(Files.readString(out().resolve("index.html"))).isEqualTo("new");
        assertThat(names()).containsExactly("site-out", "site-out.lock");
    }

    @Test
    void commitReplacesTheWholeOutput() throws IOException {
        Files.createDirectories(out().resolve("old-only"));
        Files.writeString(out().resolve("index.html"), "old");
        Files.writeString(out().resolve("old-only/a.txt"), "old");

        try (SafeOutput staging = SafeOutput.begin(out())) {
            Files.writeString(staging.dir().resolve("index.html"), "new");
            staging.commit();
        }

        assertThat(Files.readString(out().resolve("index.html"))).isEqualTo("new");
        assertThat(out().resolve("old-only")).doesNotExist();
        assertThat(names()).containsExactly("site-out", "site-out.lock");
    }

    @Test
    void withoutCommitTheOutputIsUntouchedAndStagingIsDeleted() throws IOException {
        Files.createDirectories(out());
        Files.writeString(out().resolve("index.html"), "old");

        assertThatThrownBy(() -> {
            try (SafeOutput staging = SafeOutput.begin(out())) {
                Files.writeString(staging.dir().resolve("index.html"), "half");
                throw new IOException("renderer failed");
            }
        }).hasMessage("renderer failed");

        assertThat(Files.readString(out().resolve("index.html"))).isEqualTo("old");
        assertThat(names()).containsExactly("site-out", "site-out.lock");
    }

    @Test
    void theCommittedDirectoryHasOrdinaryPermissionsNotATempDirectorysPrivateOnes() throws IOException {
        Path reference = Files.createDirectory(tmp.resolve("reference"));
        try (SafeOutput staging = SafeOutput.begin(out())) {
            staging.commit();
        }

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out())))
                .isEqualTo(PosixFilePermissions.toString(Files.getPosixFilePermissions(reference)));
    }

    @Test
    void aSecondBeginIsLockedOutUntilTheFirstCloses() throws IOException {
        try (SafeOutput first = SafeOutput.begin(out())) {
            assertThatThrownBy(() -> SafeOutput.begin(out()))
                    .isInstanceOf(OutputLockedException.class)
                    .hasMessageContaining("another build is writing " + out())
                    .hasMessageContaining("pid " + ProcessHandle.current().pid() + " since ")
                    .hasMessageContaining("delete " + tmp.resolve("site-out.lock") + " if no build is running");
            assertThat(first.dir()).isDirectory();
        }
        try (SafeOutput again = SafeOutput.begin(out())) {
            again.commit();
        }
        assertThat(out()).isDirectory();
    }

    @Test
    void theLockIsPerOutputDirectory() throws IOException {
        try (SafeOutput a = SafeOutput.begin(out()); SafeOutput b = SafeOutput.begin(tmp.resolve("other-out"))) {
            a.commit();
            b.commit();
        }
        assertThat(out()).isDirectory();
        assertThat(tmp.resolve("other-out")).isDirectory();
    }

    @Test
    void anOutputLostBetweenTheTwoRenamesIsRestored() throws IOException {
        Path old = tmp.resolve("site-out.old-1a2b3c");
        Files.createDirectories(old);
        Files.writeString(old.resolve("index.html"), "previous");
        Path staged = tmp.resolve("site-out.tmp-4d5e6f");
        Files.createDirectories(staged);
        Files.writeString(staged.resolve("index.html"), "complete but never swapped in");

        try (SafeOutput staging = SafeOutput.begin(out())) {
            assertThat(staging.recovered()).containsExactly(
                    "restored site-out from site-out.old-1a2b3c (a build was killed while swapping it in)",
                    "deleted site-out.tmp-4d5e6f (staging directory of an interrupted build)");
            assertThat(Files.readString(out().resolve("index.html"))).isEqualTo("previous");
        }
        assertThat(names()).containsExactly("site-out", "site-out.lock");
    }

    @Test
    void leftoversBesideAnIntactOutputAreDeleted() throws IOException {
        Files.createDirectories(out());
        Files.writeString(out().resolve("index.html"), "current");
        Files.createDirectories(tmp.resolve("site-out.old-aaaa/sub"));
        Files.createDirectories(tmp.resolve("site-out.tmp-bbbb/sub"));
        Files.createDirectories(tmp.resolve("site-outside")); // same prefix, not ours

        try (SafeOutput staging = SafeOutput.begin(out())) {
            assertThat(staging.recovered()).hasSize(2);
        }

        assertThat(Files.readString(out().resolve("index.html"))).isEqualTo("current");
        assertThat(names()).containsExactly("site-out", "site-out.lock", "site-outside");
    }

    @Test
    void anOutputThatIsAFileIsRefused() throws IOException {
        Files.writeString(out(), "a file");

        assertThatThrownBy(() -> SafeOutput.begin(out())).isInstanceOf(NotDirectoryException.class)
                .hasMessageContaining(out().toString());
        // and the lock is not left held
        Files.delete(out());
        try (SafeOutput staging = SafeOutput.begin(out())) {
            staging.commit();
        }
    }

    @Test
    void commitTwiceIsABug() throws IOException {
        try (SafeOutput staging = SafeOutput.begin(out())) {
            staging.commit();
            assertThatThrownBy(staging::commit).isInstanceOf(IllegalStateException.class).hasMessageContaining("committed");
        }
    }

    @Test
    void theParentDirectoryIsCreated() throws IOException {
        Path nested = tmp.resolve("a/b/site");
        try (SafeOutput staging = SafeOutput.begin(nested)) {
            Files.writeString(staging.dir().resolve("x"), "x");
            staging.commit();
        }
        assertThat(nested.resolve("x")).hasContent("x");
    }
}
