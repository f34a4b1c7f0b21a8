package io.github.gpt2explainer.live;

import io.github.gpt2explainer.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code serve --model demo} started in-process on a small prompt set in English and Chinese, with its own trace
 * store and output, for the live explainer's tests; stopped (interrupted) by {@link #close()}.
 */
public final class ServedSite implements AutoCloseable {

    public final Path prompts;
    public final Path store;
    public final Path out;
    public final URI uri;
    private final StringWriter stdout = new StringWriter();
    private final StringWriter stderr = new StringWriter();
    private final Thread serving;
    private final AtomicInteger code = new AtomicInteger(-1);

    public ServedSite(Path dir) throws IOException, InterruptedException {
        prompts = Files.createDirectories(dir.resolve("prompts"));
        store = dir.resolve("store");
        out = dir.resolve("site");
        Files.writeString(prompts.resolve("site.yaml"), String.join("\n", "title:", "  en: Live", "  zh: 实时",
                "languages: [en, zh]", "temperatures: [0, 0.8, 1.2]", "max_new_tokens: 4", "seed: 7", ""));
        Files.writeString(prompts.resolve("alpha.md"), String.join("\n", "---", "id: alpha",
                "text: \"The Eiffel Tower is in\"", "title: {en: Alpha, zh: 甲}", "---", "<!-- lang: en -->", "Look.",
                "<!-- lang: zh -->", "看。", ""));
        serving = new Thread(() -> code.set(Main.run(new PrintWriter(stdout, true), new PrintWriter(stderr, true),
                "serve", "--model", "demo", "--prompts", prompts.toString(), "--store", store.toString(),
                "--out", out.toString(), "--port", "0")), "served-site");
        serving.start();
        long deadline = System.nanoTime() + 120_000_000_000L;
        Matcher m = Pattern.compile("at (http://\\S+/)[ ,]").matcher("");
        while (!m.reset(stdout.toString()).find()) {
            if (System.nanoTime() > deadline || !serving.isAlive()) {
                throw new IllegalStateException("serve did not start: " + log());
            }
            Thread.sleep(50);
        }
        uri = URI.create(m.group(1));
    }

    /** What serve printed so far. */
    public String log() {
        return "--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }

    /**
     * How many trace store entries (runs) prompt {@code id} has. Counted per id: serve re-runs other prompts in the
     * background when the prompt set changes (a kept prompt).
     */
    public long storedRuns(String id) throws IOException {
        Path runs = store.resolve("runs");
        if (!Files.isDirectory(runs)) {
            return 0;
        }
        try (var list = Files.list(runs)) {
            return list.filter(p -> p.getFileName().toString().matches(Pattern.quote(id) + "-[0-9a-f]{16}")).count();
        }
    }

    /** Stops serve, after any re-render an edit started (it writes into the directories the test removes). */
    @Override
    public void close() throws InterruptedException {
        long deadline = System.nanoTime() + 180_000_000_000L;
        while (System.nanoTime() < deadline && count("Changed: ") > count("(re-render, ") + count("The re-render failed")) {
            Thread.sleep(100);
        }
        serving.interrupt();
        serving.join(20_000);
    }

    private int count(String what) {
        String err = stderr.toString();
        int n = 0;
        for (int at = err.indexOf(what); at >= 0; at = err.indexOf(what, at + 1)) {
            n++;
        }
        return n;
    }
}
