package io.github.gpt2explainer.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ShapeTableTest {

    private static TimedChild.Result build(double wallSeconds, long peakKiB, boolean timedOut) {
        return new TimedChild.Result(timedOut ? -1 : 0, timedOut, wallSeconds * 1000, timedOut ? -1 : 2 * wallSeconds,
                peakKiB, "mean 3.0, max 5.0", "", "Generating 1600 tokens\nGenerating: 8% (141 of 1600 tokens)\n");
    }

    private static ShapeTable.Row row(ModelShape shape, double wall, long peakKiB, long siteBytes, String when) {
        return new ShapeTable.Row(shape, 12.5, 1_700_000_000L, build(wall, peakKiB, false),
                new ShapeTable.Sizes(siteBytes, siteBytes / 2, siteBytes / 10, 300_000_000L), when);
    }

    @Test
    void aRunReplacesTheRowsOfItsShapesAndKeepsTheOthersInShapeOrder() {
        String first = ShapeTable.merge("", List.of(row(ModelShape.MEDIUM, 226, 3_500_000, 210_000_000L, "run 1"),
                row(ModelShape.SMALL, 51, 1_400_000, 110_000_000L, "run 1")));
        String second = ShapeTable.merge(first, List.of(row(ModelShape.XL, 800, 8_000_000, 650_000_000L, "run 2"),
                row(ModelShape.SMALL, 40, 1_400_000, 100_000_000L, "run 2")));

        List<String> rows = second.lines().filter(l -> ShapeTable.shapeOf(l) != null).toList();
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0)).startsWith("| small (12 x 768)").contains("100.0 MB").contains("run 2");
        assertThat(rows.get(1)).startsWith("| medium (24 x 1024)").contains("210.0 MB").contains("run 1");
        assertThat(rows.get(2)).startsWith("| xl (48 x 1600)").contains("run 2");
        assertThat(second).containsOnlyOnce(ShapeTable.HEADER);
        // Merging a block with itself and nothing new changes nothing.
        assertThat(ShapeTable.merge(second, List.of())).isEqualTo(second);
    }

    @Test
    void judgesTheIssuesLimitsForEachShape() {
        assertThat(row(ModelShape.SMALL, 51, 1_400_000, 120_000_001L, "t").targets())
                .isEqualTo("site <= 120 MB: **no**; site <= 1 GB (Pages): yes");
        assertThat(row(ModelShape.XL, 15 * 60 - 1, 8_700_000, 999_000_000L, "t").targets())
                .isEqualTo("site <= 1 GB (Pages): yes; build <= 15 min: yes; peak RSS <= 9 GB: yes");
        // 8,800,000 KiB = 9.01 GB: over the limit.
        assertThat(row(ModelShape.XL, 15 * 60 + 1, 8_800_000, 1_000_000_001L, "t").targets())
                .isEqualTo("site <= 1 GB (Pages): **no**; build <= 15 min: **no**; peak RSS <= 9 GB: **no**");
    }

    @Test
    void aBuildStoppedAtTheTimeLimitReportsThePeakSoFarAndMissesTheTimeTarget() {
        ShapeTable.Row stopped = new ShapeTable.Row(ModelShape.XL, 60, 6_500_000_000L, build(1800, 7_000_000, true),
                null, "t");
        assertThat(stopped.markdown()).contains("30 min 0 s, stopped at the time limit (Generating: 8% (141 of 1600 tokens))")
                .contains("7.17 GB (so far)");
        assertThat(stopped.targets()).isEqualTo(
                "site <= 1 GB (Pages): not measured; build <= 15 min: **no**; peak RSS <= 9 GB: not measured");
    }

    @Test
    void findsTheBlockBetweenItsMarkersOnly() {
        String doc = "intro\n" + ReportFile.BEGIN + "\n| small | main block |\n" + ReportFile.END + "\n"
                + ShapeTable.BEGIN + "\n| medium | x |\n" + ShapeTable.END + "\n";
        assertThat(ShapeTable.blockOf(doc)).isEqualTo("\n| medium | x |\n");
        assertThat(ShapeTable.blockOf("no markers")).isEmpty();
    }
}
