package io.github.gpt2explainer.bench;

import io.github.gpt2explainer.tokenizer.Gpt2Tokenizer;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Serve's live explainer as a reader uses it (issue 15): {@code gpt2-explainer serve} on the benchmark checkpoint
 * in a child process, then, over HTTP as the browser does it, the time from posting a prompt to having its page:
 * a 16-token prompt, 16 new tokens, 5 temperatures. Each timed prompt is new (the model runs: prefill with every
 * intermediate captured, generation, logit lens, storing, rendering every file of the prompt); the first one,
 * which also loads the weights into the server, and a repeated one (the trace store holds it) are reported apart.
 */
public final class LivePageBench {

    /**
     * @param notMeasured why there is no measurement, or null
     * @param firstMs     the first prompt after the start: loads the weights, then runs
     * @param freshMs     new prompts, the model already in memory
     * @param repeatedMs  a prompt asked for again: no model work
     * @param freshCpuMs  CPU time the server used for each new prompt (user + system, every thread; null when
     *                    /proc is not readable): on a shared machine, what the page costs whatever the load
     * @param phasesMs    the server log's phases of the new prompts (prefill, generation, lens+insight, render,
     *                    store write, store wait), in the order the log gives them; empty if it gives none
     */
    public record Outcome(String notMeasured, double firstMs, Samples freshMs, Samples repeatedMs, Samples freshCpuMs,
                          Map<String, Samples> phasesMs) {
        static Outcome skipped(String why) {
            return new Outcome(why, 0, null, null, null, Map.of());
        }
    }

    /** 16 GPT-2 tokens each (checked before use): the same sentence with another last word. */
    static final String STEM = "The quick brown fox jumps over the lazy dog and then runs into the old";
    static final List<String> ENDINGS = List.of(" barn", " house", " field", " river", " city", " forest", " garden",
            " school", " church", " station", " market", " bridge", " park", " road", " hill", " lake", " shop", " hall",
            " farm", " yard", " tower", " wall", " gate", " town");
    static final int PROMPT_TOKENS = 16;

    private static final Pattern SERVING = Pattern.compile("at (http://\\S+/)[ ,]");
    private static final Pattern TOKEN = Pattern.compile("data-token=\"([A-Za-z0-9_-]+)\"");
    private static final Pattern PAGE = Pattern.compile("\"page\":\"([^\"]+)\"");
    /** The server's line for a prompt the model ran: {@code Live: <id> in N ms (model ran: prefill 12 ms, ...)}. */
    private static final Pattern RAN = Pattern.compile("^Live: \\S+ in \\d+ ms \\(model ran: (.*)\\)$", Pattern.MULTILINE);
    private static final Pattern PHASE = Pattern.compile("([a-z+ ]+) (\\d+) ms");

    private LivePageBench() {
    }

    public static Outcome run(Path repoRoot, Path checkpoint, Path work, int fresh) {
        List<String> prompts = prompts(fresh + 1);
        try (Server server = Server.start(repoRoot, checkpoint, work)) {
            double first = server.timeToPage(prompts.get(0));
            double[] freshMs = new double[fresh];
            double[] cpuMs = new double[fresh];
            boolean cpuKnown = true;
            for (int i = 0; i < fresh; i++) {
                double cpuBefore = cpuMs(server.process().pid());
                freshMs[i] = server.timeToPage(prompts.get(i + 1));
                cpuMs[i] = cpuMs(server.process().pid()) - cpuBefore;
                cpuKnown &= cpuBefore >= 0;
            }
            double[] repeatedMs = new double[Math.min(5, fresh)];
            for (int i = 0; i < repeatedMs.length; i++) {
                repeatedMs[i] = server.timeToPage(prompts.get(i + 1));
            }
            return new Outcome(null, first, Samples.of(freshMs), Samples.of(repeatedMs), cpuKnown ? Samples.of(cpuMs) : null,
                    phases(Files.readString(work.resolve("serve.err")), fresh));
        } catch (IOException | RuntimeException e) {
            return Outcome.skipped("not measured: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.skipped("not measured: interrupted");
        }
    }

    /**
     * A {@code gpt2-explainer serve} child of {@code repoRoot}'s launcher on the checkpoint, with a one-prompt site,
     * its store and its output under {@code work}; closing it stops the server.
     */
    record Server(Process process, URI uri, HttpClient client, String token) implements AutoCloseable {

        static Server start(Path repoRoot, Path checkpoint, Path work) throws IOException, InterruptedException {
            SiteBuildBench.deleteTree(work);
            Path promptsDir = Files.createDirectories(work.resolve("prompts"));
            Files.writeString(promptsDir.resolve("site.yaml"), String.join("\n", "title:", "  en: Live benchmark",
                    "languages: [en]", "temperatures: [0, 0.3, 0.8, 1.2, 2.0]", "max_new_tokens: 16", "seed: 42", ""));
            Files.writeString(promptsDir.resolve("start.md"), String.join("\n", "---", "id: start", "text: \"Hello\"",
                    "title: Start", "max_new_tokens: 1", "temperatures: [0]", "---", "<!-- lang: en -->", "The one prompt "
                            + "of the site the benchmark serves.", ""));
            Path log = work.resolve("serve.out");
            Process serve = new ProcessBuilder(repoRoot.resolve("gpt2-explainer").toString(), "serve", "--model",
                    checkpoint.toAbsolutePath().toString(), "--prompts", promptsDir.toString(), "--store",
                    work.resolve("store").toString(), "--out", work.resolve("site").toString(), "--port", "0", "--offline")
                    .directory(repoRoot.toFile()).redirectOutput(log.toFile())
                    .redirectError(work.resolve("serve.err").toFile()).start();
            try {
                URI uri = awaitServing(serve, log);
                HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
                return new Server(serve, uri, client, LivePageBench.token(client, uri));
            } catch (IOException | InterruptedException | RuntimeException e) {
                stop(serve);
                throw e;
            }
        }

        /** From posting the prompt to having its page's HTML, as the browser's progress page does it. */
        double timeToPage(String prompt) throws IOException, InterruptedException {
            return LivePageBench.timeToPage(client, uri, token, prompt);
        }

        @Override
        public void close() {
            stop(process);
        }

        private static void stop(Process serve) {
            serve.destroy(); // the server's shutdown hooks release the store and the output
            try {
                serve.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Each phase's times over the last {@code fresh} prompts the model ran (the first one, which also loaded the
     * weights, left out), from the server's log lines.
     */
    static Map<String, Samples> phases(String log, int fresh) {
        List<String> lines = new ArrayList<>();
        Matcher ran = RAN.matcher(log);
        while (ran.find()) {
            lines.add(ran.group(1));
        }
        Map<String, List<Double>> byPhase = new LinkedHashMap<>();
        for (String line : lines.subList(Math.max(0, lines.size() - fresh), lines.size())) {
            Matcher phase = PHASE.matcher(line);
            while (phase.find()) {
                byPhase.computeIfAbsent(phase.group(1).strip(), k -> new ArrayList<>()).add(Double.parseDouble(phase.group(2)));
            }
        }
        Map<String, Samples> samples = new LinkedHashMap<>();
        byPhase.forEach((name, ms) -> samples.put(name, Samples.of(ms.stream().mapToDouble(Double::doubleValue).toArray())));
        return samples;
    }

    /** The prompts, each checked to be {@value #PROMPT_TOKENS} tokens long. */
    static List<String> prompts(int count) {
        if (count > ENDINGS.size()) {
            throw new IllegalArgumentException("at most " + ENDINGS.size() + " distinct prompts, asked for " + count);
        }
        List<String> prompts = new ArrayList<>();
        try (Gpt2Tokenizer tokenizer = Gpt2Tokenizer.bundled()) {
            for (String ending : ENDINGS.subList(0, count)) {
                String text = STEM + ending;
                int tokens = tokenizer.encode(text).length;
                if (tokens != PROMPT_TOKENS) {
                    throw new IllegalStateException("\"" + text + "\" is " + tokens + " tokens, not " + PROMPT_TOKENS);
                }
                prompts.add(text);
            }
        }
        return prompts;
    }

    private static URI awaitServing(Process serve, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = SERVING.matcher(Files.readString(log));
            if (m.find()) {
                return URI.create(m.group(1));
            }
            if (!serve.isAlive()) {
                throw new IllegalStateException("serve exited with " + serve.exitValue());
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("serve did not start within 30 minutes");
    }

    private static String token(HttpClient client, URI uri) throws IOException, InterruptedException {
        String page = client.send(HttpRequest.newBuilder(uri.resolve("/live?prompt=x")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = TOKEN.matcher(page);
        if (!m.find()) {
            throw new IllegalStateException("the /live page has no token");
        }
        return m.group(1);
    }

    /** From posting the prompt to having its page's HTML, as the browser's progress page does it. */
    private static double timeToPage(HttpClient client, URI uri, String token, String prompt)
            throws IOException, InterruptedException {
        String form = "prompt=" + URLEncoder.encode(prompt, StandardCharsets.UTF_8) + "&token=" + token;
        long start = System.nanoTime();
        HttpResponse<String> run = client.send(HttpRequest.newBuilder(uri.resolve("/live/run"))
                .header("Origin", "http://" + uri.getAuthority())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        Matcher page = PAGE.matcher(run.body());
        if (run.statusCode() != 200 || !page.find()) {
            throw new IllegalStateException("no page for \"" + prompt + "\": " + run.statusCode() + " " + run.body());
        }
        HttpResponse<String> html = client.send(HttpRequest.newBuilder(uri.resolve(page.group(1))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (html.statusCode() != 200) {
            throw new IllegalStateException(page.group(1) + " answered " + html.statusCode());
        }
        return (System.nanoTime() - start) / 1e6;
    }

    /** User + system CPU time of a process so far, in ms (Linux /proc, 100 clock ticks a second); -1 if unknown. */
    static double cpuMs(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" "); // fields from the 3rd on
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10.0;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

}
