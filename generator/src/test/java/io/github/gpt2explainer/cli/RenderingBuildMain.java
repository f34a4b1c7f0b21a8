package io.github.gpt2explainer.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A child JVM running the real command line with {@link TestSite.RenderingPipeline} (no model work), for tests
 * that need their own working directory.
 */
public final class RenderingBuildMain {
    private RenderingBuildMain() {
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        Wiring wiring = new Wiring(Map.of("HF_HUB_OFFLINE", "1"), new TestSite.RenderingPipeline());
        System.exit(Main.run(wiring, out, err, args));
    }
}
