package io.github.gpt2explainer.cli;

import io.github.gpt2explainer.build.FakePipeline;
import io.github.gpt2explainer.build.SitePipeline;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;

/**
 * A child JVM for the kill -9 test: runs the real command line with a pipeline that writes part of a site,
 * marks the staging directory with READY, then never finishes.
 */
public final class SlowBuildMain {
    private SlowBuildMain() {
    }

    public static void main(String[] args) {
        SitePipeline slow = FakePipeline.rendering((context, dir) -> {
            TestSite.write(dir.resolve("index.html"), "<h1>half-written by a build that will be killed</h1>");
            TestSite.write(dir.resolve("prompts/alpha.json"), "{\"partial\": true}");
            Files.writeString(dir.resolve("READY"), "");
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        System.exit(Main.run(new Wiring(Map.of("HF_HUB_OFFLINE", "1"), slow), out, err, args));
    }
}
