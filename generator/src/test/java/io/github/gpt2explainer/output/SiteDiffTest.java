package io.github.gpt2explainer.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SiteDiffTest {

    @TempDir
    Path tmp;

    private Path write(String path, String text) throws IOException {
        Path file = tmp.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    @Test
    void identicalTreesHaveNoDifferences() throws IOException {
        write("a/index.html", "x");
        write("a/js/app.js", "y");
        write("b/index.html", "x");
        write("b/js/app.js", "y");
        Files.createDirectories(tmp.resolve("b/empty")); // empty directories do not count (git drops them)

        SiteDiff diff = SiteDiff.compare(tmp.resolve("a"), tmp.resolve("b"));

        assertThat(diff.identical()).isTrue();
        assertThat(diff.describe()).isEmpty();
    }

    @Test
    void addedRemovedAndChangedFilesAreSortedByPath() throws IOException {
        write("committed/index.html", "old");
        write("committed/z-stale.json", "gone");
        write("committed/same.css", "same");
        write("fresh/index.html", "new");
        write("fresh/a-new/page.html", "added");
        write("fresh/same.css", "same");

        SiteDiff diff = SiteDiff.compare(tmp.resolve("committed"), tmp.resolve("fresh"));

        assertThat(diff.added()).containsExactly("a-new/page.html");
        assertThat(diff.removed()).containsExactly("z-stale.json");
        assertThat(diff.changed()).containsExactly("index.html");
        assertThat(diff.describe()).containsExactly(
                "  missing  a-new/page.html",
                "  changed  index.html",
                "  extra    z-stale.json");
    }

    @Test
    void aSingleByteDifferenceAtTheEndCounts() throws IOException {
        byte[] data = new byte[100_000];
        Files.createDirectories(tmp.resolve("a"));
        Files.createDirectories(tmp.resolve("b"));
        Files.write(tmp.resolve("a/data.bin"), data);
        data[data.length - 1] = 1;
        Files.write(tmp.resolve("b/data.bin"), data);

        assertThat(SiteDiff.compare(tmp.resolve("a"), tmp.resolve("b")).changed()).containsExactly("data.bin");
    }

    @Test
    void aMissingCommittedSiteMeansEveryFileIsMissing() throws IOException {
        write("fresh/index.html", "x");

        SiteDiff diff = SiteDiff.compare(tmp.resolve("nothing"), tmp.resolve("fresh"));

        assertThat(diff.added()).containsExactly("index.html");
    }

    @Test
    void longListsAreCappedWithACount() throws IOException {
        for (int i = 0; i < 75; i++) {
            write(String.format("fresh/page-%03d.html", i), "x");
        }
        Files.createDirectories(tmp.resolve("committed"));

        var lines = SiteDiff.compare(tmp.resolve("committed"), tmp.resolve("fresh")).describe();

        assertThat(lines).hasSize(SiteDiff.MAX_LINES + 1);
        assertThat(lines.get(0)).isEqualTo("  missing  page-000.html");
        assertThat(lines.get(49)).isEqualTo("  missing  page-049.html");
        assertThat(lines.get(50)).isEqualTo("  ... and 25 more");
    }
}
