package io.github.gpt2explainer.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReportFileTest {

    @Test
    void replacesOnlyTheGeneratedBlockAndKeepsTheHandWrittenText() {
        String doc = "# Benchmarks\nintro\n" + ReportFile.BEGIN + "\nold table\n" + ReportFile.END + "\n## Analysis\nkept\n";
        String updated = ReportFile.splice(doc, "new table\n");
        assertThat(updated).isEqualTo("# Benchmarks\nintro\n" + ReportFile.BEGIN + "\nnew table\n" + ReportFile.END
                + "\n## Analysis\nkept\n");
        assertThat(ReportFile.splice(updated, "newer")).contains("\nnewer\n").doesNotContain("new table");
    }

    @Test
    void appendsTheBlockToAFileWithoutMarkers() {
        assertThat(ReportFile.splice("", "t")).isEqualTo(ReportFile.BEGIN + "\nt\n" + ReportFile.END + "\n");
        assertThat(ReportFile.splice("# B\n\n", "t")).isEqualTo("# B\n\n" + ReportFile.BEGIN + "\nt\n" + ReportFile.END + "\n");
    }
}
