package io.github.gpt2explainer.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReportTest {

    @Test
    void rendersSectionsAsTablesAndTargetsWithTheirVerdict() {
        Report report = new Report();
        report.preamble("## Results");
        report.time("Forward", "16 tokens | fast", Samples.of(50, 40, 60, 45, 55), "320 tokens/s");
        report.ratios("Pairs", "capture / fast", Samples.of(1.1, 1.5, 1.2, 1.3, 1.25), "medians 50 and 40 ms");
        report.target(new Report.Target("capture overhead", "1.20x", "<= 1.30x", true, ""));
        report.target(new Report.Target("Jlama ratio", "2.00x", ">= 3x", false, "memory-bound"));
        report.target(new Report.Target("site build", "-", "<= 90 s", null, "no build command"));

        String md = report.toMarkdown();
        assertThat(md).startsWith("## Results\n");
        assertThat(md).contains("### Forward\n\n| quantity | median |");
        assertThat(md).contains("| 16 tokens \\| fast | 50.0 ms | 40.0-60.0 (45.0-55.0), n=5 | 320 tokens/s |");
        assertThat(md).contains("| capture / fast | 1.25x | 1.10-1.50 (1.20-1.30), n=5 | medians 50 and 40 ms |");
        assertThat(md).contains("| capture overhead | 1.20x | <= 1.30x | yes |");
        assertThat(md).contains("| Jlama ratio | 2.00x | >= 3x | **no**: memory-bound |");
        assertThat(md).contains("| site build | - | <= 90 s | not measured: no build command |");
    }
}
