package io.github.gpt2explainer.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTest {

    @Test
    void logLinesComeAtEachTenthAndAtTheEndWithoutCarriageReturns() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong clock = new AtomicLong();
        LogLineProgress progress = new LogLineProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), clock::get);

        progress.start("model.safetensors", 1000 * 1024);
        for (int i = 0; i < 100; i++) {
            clock.addAndGet(10_000_000L); // 10 ms per 10 KiB: 1 MiB/s
            progress.advance(10 * 1024);
        }
        progress.done();

        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).doesNotContain("\r");
        String[] lines = out.split("\\R");
        assertThat(lines[0]).isEqualTo("Downloading model.safetensors (1000.0 KiB)");
        assertThat(lines).hasSize(1 + 9 + 1); // start, 10%..90%, done
        assertThat(lines[5]).isEqualTo("model.safetensors: 50% (500.0 KiB of 1000.0 KiB) at 1000.0 KiB/s, about 0:01 left");
        assertThat(lines[10]).isEqualTo("model.safetensors: 1000.0 KiB in 0:01");
    }

    @Test
    void logLinesAlsoComeEveryTenSecondsOnASlowDownload() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong clock = new AtomicLong();
        LogLineProgress progress = new LogLineProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), clock::get);
        progress.start("big", 1_000_000_000L);
        for (int i = 0; i < 30; i++) {
            clock.addAndGet(1_000_000_000L);
            progress.advance(1_000_000);
        }
        assertThat(bytes.toString(StandardCharsets.UTF_8).split("\\R")).hasSize(1 + 3);
    }

    @Test
    void terminalBarShowsBytesRateAndTimeLeft() {
        AtomicLong clock = new AtomicLong();
        TerminalProgressBar bar = new TerminalProgressBar(new PrintStream(new ByteArrayOutputStream()), clock::get);
        bar.start("model.safetensors", 4L * 1024 * 1024);
        clock.set(2_000_000_000L);
        bar.advance(1024 * 1024);
        assertThat(bar.render(clock.get())).isEqualTo(
                "model.safetensors [========>" + " ".repeat(21) + "]  25% 1.0 MiB/4.0 MiB 512.0 KiB/s 0:06 left");
    }
}
