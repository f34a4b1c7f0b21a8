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
        assertThat(SiteMarker.isMarked(out())).as("the output carries the marker").isTrue();
        assertThat(names()).containsExactly("site-out", "site-out.lock");
    }

    @Test
    void commitReplacesTheWholeOutput() throws IOException {
        Files.createDirectories(out().resolve("old-only"));
        SiteMarker.write(out()); // written by an earlier build
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
        SiteMarker.write(out());
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
        Path old = marked(tmp.resolve("site-out.old-1a2b3c4d5e6f"));
        Files.writeString(old.resolve("index.html"), "previous");
        Path staged = marked(tmp.resolve("site-out.tmp-4d5e6f7a8b9c"));
        Files.writeString(staged.resolve("index.html"), "complete but never swapped in");

        try (SafeOutput staging = SafeOutput.begin(out())) {
            assertThat(staging.recovered()).containsExactly(
                    "restored site-out from site-out.old-1a2b3c4d5e6f (a build was killed while swapping it in)",
                    "deleted site-out.tmp-4d5e6f7a8b9c (staging directory of an interrupted build)");
            assertThat(Files.readString(out().resolve("index.html"))).isEqualTo("previous");
        }
        assertThat(names()).containsExactly("site-out", "site-out.lock");
    }

    @Test
    void leftoversBesideAnIntactOutputAreDeleted() throws IOException {
        marked(out());
        Files.writeString(out().resolve("index.html"), "current");
        Files.createDirectories(marked(tmp.resolve("site-out.old-aaaaaaaaaaaa")).resolve("sub"));
        Files.createDirectories(marked(tmp.resolve("site-out.tmp-bbbbbbbbbbbb")).resolve("sub"));
        Files.createDirectories(tmp.resolve("site-outside")); // same prefix, not ours

        try (SafeOutput staging = SafeOutput.begin(out())) {
            assertThat(staging.recovered()).hasSize(2);
        }

        assertThat(Files.readString(out().resolve("index.html"))).isEqualTo("current");
        assertThat(names()).containsExactly("site-out", "site-out.lock", "site-outside");
    }

    @Test
    void aDirectoryWithAUsersFileIsRefusedBeforeAnythingIsCreatedAndKeepsTheFile() throws IOException {
        Path userDir = tmp.resolve("userdir");
        Files.createDirectories(userDir);
        Files.writeString(userDir.resolve("thesis.txt"), "precious");

        assertThatThrownBy(() -> SafeOutput.begin(userDir)).isInstanceOf(ForeignOutputException.class)
                .hasMessageContaining("the output directory " + userDir + " is not empty and was not written by "
                        + "gpt2-explainer")
                .hasMessageContaining("nothing was deleted")
                .hasMessageContaining("choose a new or empty directory with --out, or remove " + userDir + " yourself");

        assertThat(userDir.resolve("thesis.txt")).hasContent("precious");
        assertThat(names()).containsExactly("userdir"); // no lock file, no staging directory
    }

    @Test
    void aUsersFileNamedLikeTheLockIsNotOverwritten() throws IOException {
        Files.writeString(tmp.resolve("site-out.lock"), "my notes about locks");

        assertThatThrownBy(() -> SafeOutput.begin(out())).isInstanceOf(ForeignOutputException.class)
                .hasMessageStartingWith(tmp.resolve("site-out.lock") + " is not a lock file of gpt2-explainer");

        assertThat(tmp.resolve("site-out.lock")).hasContent("my notes about locks");
        assertThat(names()).containsExactly("site-out.lock");
    }

    @Test
    void anEmptyDirectoryIsReplaced() throws IOException {
        Files.createDirectories(out());
        try (SafeOutput staging = SafeOutput.begin(out())) {
            Files.writeString(staging.dir().resolve("index.html"), "new");
            staging.commit();
        }
        assertThat(out().resolve("index.html")).hasContent("new");
    }

    @Test
    void aFileAddedToTheOutputDuringTheBuildStopsTheSwap() throws IOException {
        Files.createDirectories(out()); // empty: accepted at begin
        try (SafeOutput staging = SafeOutput.begin(out())) {
            Files.writeString(out().resolve("notes.txt"), "written by the user meanwhile");
            assertThatThrownBy(staging::commit).isInstanceOf(ForeignOutputException.class);
        }
        assertThat(out().resolve("notes.txt")).hasContent("written by the user meanwhile");
        assertThat(names()).containsExactly("site-out", "site-out.lock");
    }

    @Test
    void recoveryLeavesSiblingsThatOnlyShareAPrefixOrLackTheMarker() throws IOException {
        Path report = tmp.resolve("report");
        Files.writeString(tmp.resolve("report.notes"), "notes");
        Files.writeString(tmp.resolve("report.tmp-notes"), "more notes");
        Files.createDirectories(tmp.resolve("report.old-draft"));
        Files.writeString(tmp.resolve("report.old-draft/chapter1.md"), "draft");
        Path lookalike = Files.createDirectories(tmp.resolve("report.old-0123456789ab")); // our pattern, no marker
        Files.writeString(lookalike.resolve("keep.txt"), "not ours");

        try (SafeOutput staging = SafeOutput.begin(report)) {
            assertThat(staging.recovered()).isEmpty();
            assertThat(report).doesNotExist(); // a same-pattern directory without the marker is not restored either
            staging.commit();
        }

        assertThat(tmp.resolve("report.notes")).hasContent("notes");
        assertThat(tmp.resolve("report.tmp-notes")).hasContent("more notes");
        assertThat(tmp.resolve("report.old-draft/chapter1.md")).hasContent("draft");
        assertThat(lookalike.resolve("keep.txt")).hasContent("not ours");
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

    private static Path marked(Path dir) throws IOException {
        Files.createDirectories(dir);
        SiteMarker.write(dir);
        return dir;
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
