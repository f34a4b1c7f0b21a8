package io.github.gpt2explainer.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class SiteBuildBenchTest {

    @TempDir
    Path site;

    @Test
    void theBuildsTimingTableIsReadLineByLineAndOtherOutputIsIgnored() {
        String output = "Site written to /tmp/x\n"
                + "timing | phase | calls | wall s | CPU s\n"
                + "timing | prompt: captured prefill | 20 | 1.25 | 2.40\n"
                + "timing | render: handouts, zh | 20 | 3.50 | 3.61\r\n"
                + "timing | prompt: captured prefill | 1 | 0.75 | 0.10\n"
                + "/tmp/x\n";

        var phases = SiteBuildBench.phases(output);

        assertThat(phases).containsExactly(
                new SiteBuildBench.Phase("prompt: captured prefill", 20, 1.25, 2.40),
                new SiteBuildBench.Phase("render: handouts, zh", 20, 3.50, 3.61),
                new SiteBuildBench.Phase("prompt: captured prefill", 1, 0.75, 0.10));
        var outcome = new SiteBuildBench.Outcome(null, 1, 1, 1, 1, new TreeMap<>(), 1, phases);
        assertThat(outcome.wallSeconds("prompt: captured prefill")).isEqualTo(2.0);
        assertThat(outcome.calls("prompt: captured prefill")).isEqualTo(21);
        assertThat(outcome.calls("swap in")).isZero();
    }

    @Test
    void initialTransferCountsThePageAndTheLocalFilesItReferencesOnceEach() throws IOException {
        byte[] script = randomBytes(5000, 1);   // incompressible: gzip adds a few bytes
        byte[] style = randomBytes(3000, 2);
        byte[] lazyData = randomBytes(100_000, 3);
        Files.createDirectories(site.resolve("assets"));
        Files.createDirectories(site.resolve("p"));
        Files.write(site.resolve("assets/app.js"), script);
        Files.write(site.resolve("assets/site.css"), style);
        Files.write(site.resolve("p/data.bin"), lazyData); // fetched later by script: not referenced
        String html = "<html><head><link rel=\"stylesheet\" href=\"../assets/site.css\">"
                + "<script src='/assets/app.js'></script><script src=\"../assets/app.js?v=2\"></script>"
                + "<script src=\"https://cdn.example/x.js\"></script></head>"
                + "<body><a href=\"../index.html\">home</a><a href=\"#top\">top</a></body></html>";
        Files.writeString(site.resolve("p/one.html"), html, StandardCharsets.UTF_8);

        long transfer = SiteBuildBench.initialTransferGzip(site, site.resolve("p/one.html"));
        long expected = SiteBuildBench.gzipSize(html.getBytes(StandardCharsets.UTF_8))
                + SiteBuildBench.gzipSize(script) + SiteBuildBench.gzipSize(style);
        assertThat(transfer).isEqualTo(expected);
        assertThat(transfer).isBetween(8000L, 9500L);
    }

    @Test
    void everyHtmlPageIsReportedAndBytesOnDiskCountsEveryFile() throws IOException {
        Files.writeString(site.resolve("index.html"), "<html>index</html>");
        Files.createDirectories(site.resolve("prompts"));
        Files.writeString(site.resolve("prompts/a.html"), "<html>a</html>");
        Files.write(site.resolve("prompts/a.bin"), new byte[1000]);

        TreeMap<String, Long> pages = SiteBuildBench.pageTransfers(site);
        assertThat(pages).containsOnlyKeys("index.html", "prompts/a.html");
        assertThat(SiteBuildBench.bytesOnDisk(site)).isEqualTo(18 + 14 + 1000);
    }

    private static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
