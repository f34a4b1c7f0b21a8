package io.github.gpt2explainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve}: answers on loopback and re-renders after a template or prompt edit. */
class ServeCommandTest {

    @TempDir
    Path tmp;

    private final HttpClient client = HttpClient.newHttpClient();

    private String get(URI uri) throws Exception {
        return client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static <T> T await(Supplier<T> value, java.util.function.Predicate<T> done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        T last = value.get();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; last value: " + last);
            }
            Thread.sleep(50);
            last = value.get();
        }
        return last;
    }

    @Test
    void servesOnLoopbackAndReflectsATemplateEditAndAPromptEdit() throws Exception {
        TestSite site = new TestSite(tmp.resolve("project"));
        TestSite.RenderingPipeline pipeline = new TestSite.RenderingPipeline();
        Wiring wiring = new Wiring(Cli.emptyHubEnvironment(tmp), pipeline);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        AtomicInteger code = new AtomicInteger(-1);
        Thread serving = new Thread(() -> code.set(Main.run(wiring, new PrintWriter(out, true), new PrintWriter(err, true),
                site.args("serve", "--port", "0"))));
        serving.start();
        try {
            String line = await(out::toString, s -> s.contains("Serving "), "the server to start, stderr: " + err);
            Matcher m = Pattern.compile("at (http://\\S+/) ").matcher(line);
            assertThat(m.find()).as(line).isTrue();
            URI uri = URI.create(m.group(1));
            assertThat(uri.getHost()).isEqualTo("127.0.0.1");
            assertThat(get(uri)).contains("<h1>${title}</h1>").contains("alpha: The Eiffel Tower is in");

            TestSite.write(site.templates.resolve("page.ftlh"), "<h1>Edited ${title}</h1>\n");
            await(() -> uncheckedGet(uri), body -> body.contains("<h1>Edited ${title}</h1>"), "the template edit");

            site.prompt("alpha", "The Colosseum is in");
            String body = await(() -> uncheckedGet(uri), b -> b.contains("alpha: The Colosseum is in"), "the prompt edit");
            assertThat(body).contains("<h1>Edited ${title}</h1>");
            assertThat(err.toString()).contains("Watching ").contains("Changed: page.ftlh").contains("Site updated");
        } finally {
            serving.interrupt();
            serving.join(10_000);
        }
        assertThat(serving.isAlive()).isFalse();
        assertThat(code.get()).isEqualTo(ExitCode.INTERRUPTED);
    }

    @Test
    void aBrokenEditKeepsServingTheLastGoodSite() throws Exception {
        TestSite site = new TestSite(tmp.resolve("project"));
        Wiring wiring = new Wiring(Cli.emptyHubEnvironment(tmp), new TestSite.RenderingPipeline());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Thread serving = new Thread(() -> Main.run(wiring, new PrintWriter(out, true), new PrintWriter(err, true),
                site.args("serve", "--port", "0")));
        serving.start();
        try {
            String line = await(out::toString, s -> s.contains("Serving "), "the server to start, stderr: " + err);
            Matcher m = Pattern.compile("at (http://\\S+/) ").matcher(line);
            assertThat(m.find()).isTrue();
            URI uri = URI.create(m.group(1));

            TestSite.write(site.prompts.resolve("alpha.md"), "---\nid: alpha\n---\n");
            await(err::toString, s -> s.contains("still serving the previous site"), "the failed re-render");

            assertThat(err.toString()).contains(site.prompts.resolve("alpha.md").toString());
            assertThat(get(uri)).contains("alpha: The Eiffel Tower is in");
        } finally {
            serving.interrupt();
            serving.join(10_000);
        }
    }

    @Test
    void aBadPortIsInvalidInput() {
        TestSite site = new TestSite(tmp.resolve("project"));
        Cli.Result result = Cli.run(new Wiring(Cli.emptyHubEnvironment(tmp), new TestSite.RenderingPipeline()),
                site.args("serve", "--port", "70000"));

        assertThat(result.code()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(result.err()).contains("--port 70000 is not a port number");
    }

    private String uncheckedGet(URI uri) {
        try {
            return get(uri);
        } catch (Exception e) {
            return "request failed: " + e;
        }
    }
}
