package io.github.gpt2explainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The generation progress renderer, driven by a fake clock. */
class GenerationProgressTest {

    private final AtomicLong clock = new AtomicLong();
    private final StringWriter text = new StringWriter();

    private GenerationProgress progress(GenerationProgress.Style style) {
        return new GenerationProgress(new PrintWriter(text, true), style, clock::get);
    }

    @Test
    void logLinesComeEveryTenPercentWithTimeLeftAndNoCarriageReturns() {
        GenerationProgress progress = progress(GenerationProgress.Style.LINES);
        progress.begin(40); // 2 prompts x 2 temperatures x 10 steps
        int done = 0;
        for (String prompt : new String[] {"alpha", "beta"}) {
            for (double t : new double[] {0.0, 0.8}) {
                for (int step = 1; step <= 10; step++) {
                    clock.addAndGet(500_000_000L); // 0.5 s per token
                    progress.step(prompt, t, step, 10);
                    done++;
                }
            }
        }
        progress.end();

        assertThat(text.toString()).doesNotContain("\r");
        var lines = text.toString().lines().toList();
        assertThat(lines.get(0)).isEqualTo("Generating 40 tokens");
        assertThat(lines).contains("Generating: 10% (4 of 40 tokens), at alpha T=0 step 4/10, about 0:18 left");
        assertThat(lines).contains("Generating: 50% (20 of 40 tokens), at alpha T=0.8 step 10/10, about 0:10 left");
        assertThat(lines).hasSize(1 + 9 + 1);
        assertThat(lines.get(lines.size() - 1)).isEqualTo("Generated 40 of 40 tokens in 0:20");
        assertThat(done).isEqualTo(40);
    }

    @Test
    void slowRunsStillPrintALineEveryTenSeconds() {
        GenerationProgress progress = progress(GenerationProgress.Style.LINES);
        progress.begin(1000);
        clock.addAndGet(11_000_000_000L);
        progress.step("alpha", 1.2, 1, 16);

        assertThat(text.toString().lines()).containsExactly("Generating 1000 tokens",
                "Generating: 0% (1 of 1000 tokens), at alpha T=1.2 step 1/16, about 3:03:09 left");
    }

    @Test
    void theBarIsRedrawnInPlaceAndEndsWithANewline() {
        GenerationProgress progress = progress(GenerationProgress.Style.BAR);
        progress.begin(20);
        for (int i = 1; i <= 9; i++) {
            clock.addAndGet(200_000_000L);
            progress.step("eiffel-tower", 0.8, i, 20);
        }

        assertThat(progress.bar(clock.get()))
                .isEqualTo("[" + "=".repeat(14) + ">" + " ".repeat(15) + "]  45% 9/20 steps  eiffel-tower T=0.8 step 9/20  0:03 left");
        progress.end();
        assertThat(text.toString()).startsWith("\r[").endsWith(System.lineSeparator()).doesNotContain("\n\r");
    }

    @Test
    void quietPrintsNothing() {
        GenerationProgress progress = progress(GenerationProgress.Style.NONE);
        progress.begin(3);
        progress.step("a", 0, 1, 3);
        progress.end();

        assertThat(text.toString()).isEmpty();
    }

    @Test
    void anUndercountedTotalNeverShowsMoreThanAllDone() {
        GenerationProgress progress = progress(GenerationProgress.Style.BAR);
        progress.begin(1);
        progress.step("a", 0, 1, 2);
        progress.step("a", 0, 2, 2);

        assertThat(progress.bar(clock.get())).contains("100% 2/2 steps");
    }

    @Test
    void temperaturesPrintWithoutTrailingZeros() {
        assertThat(GenerationProgress.formatTemperature(0.0)).isEqualTo("0");
        assertThat(GenerationProgress.formatTemperature(2.0)).isEqualTo("2");
        assertThat(GenerationProgress.formatTemperature(0.3)).isEqualTo("0.3");
    }
}
