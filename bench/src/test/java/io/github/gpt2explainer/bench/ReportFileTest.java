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

    @Test
    void eachGeneratedBlockIsReplacedByItsOwnMarkersAndLeavesTheOtherAlone() {
        String doc = "# B\n" + ReportFile.BEGIN + "\nengine\n" + ReportFile.END + "\n## Shapes\n"
                + ShapeTable.BEGIN + "\nold shapes\n" + ShapeTable.END + "\n## After\n";
        String shapes = ReportFile.splice(doc, "new shapes", ShapeTable.BEGIN, ShapeTable.END);
        assertThat(shapes).isEqualTo(doc.replace("old shapes", "new shapes"));
        String engine = ReportFile.splice(shapes, "new engine");
        assertThat(engine).isEqualTo(shapes.replace("\nengine\n", "\nnew engine\n"));
        // A shapes block appended to a file that has only the engine block keeps that block as it was.
        String appended = ReportFile.splice("# B\n" + ReportFile.BEGIN + "\ne\n" + ReportFile.END + "\n", "s",
                ShapeTable.BEGIN, ShapeTable.END);
        assertThat(appended).isEqualTo("# B\n" + ReportFile.BEGIN + "\ne\n" + ReportFile.END + "\n\n"
                + ShapeTable.BEGIN + "\ns\n" + ShapeTable.END + "\n");
    }

    @Test
    void anEndMarkerBeforeTheBeginMarkerIsNotTakenForTheBlocksEnd() {
        String doc = ShapeTable.END + "\n" + ShapeTable.BEGIN + "\nold\n" + ShapeTable.END + "\ntail\n";
        assertThat(ReportFile.splice(doc, "new", ShapeTable.BEGIN, ShapeTable.END))
                .isEqualTo(ShapeTable.END + "\n" + ShapeTable.BEGIN + "\nnew\n" + ShapeTable.END + "\ntail\n");
    }
}
