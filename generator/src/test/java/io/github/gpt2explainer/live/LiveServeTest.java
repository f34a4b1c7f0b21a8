package io.github.gpt2explainer.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.gpt2explainer.cli.Main;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 over HTTP, against {@code serve --model demo}: a live prompt's page, computed once and then served from
 * the trace store; the 403s that run and write nothing; keep; the context message; hostile text.
 */
class LiveServeTest {

    @TempDir
    static Path dir;

    static ServedSite site;

    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TOKEN = Pattern.compile("data-token=\"([A-Za-z0-9_-]+)\"");

    @BeforeAll
    static void serve() throws Exception {
        site = new ServedSite(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        site.close();
    }

    private static String origin() {
        return "http://" + site.uri.getAuthority();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(site.uri.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The token as a browser gets it: from the /live page. */
    private static String token() throws Exception {
        Matcher m = TOKEN.matcher(get("/live?prompt=x").body());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private static HttpResponse<String> post(String path, String origin, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(site.uri.resolve(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (origin != null) {
            request.header("Origin", origin);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String form(String prompt, String... more) {
        StringBuilder b = new StringBuilder("prompt=" + URLEncoder.encode(prompt, StandardCharsets.UTF_8));
        for (int i = 0; i < more.length; i += 2) {
            b.append('&').append(more[i]).append('=').append(URLEncoder.encode(more[i + 1], StandardCharsets.UTF_8));
        }
        return b.toString();
    }

    /** The last progress line of a computation. */
    private static JsonNode explain(String body) throws Exception {
        HttpResponse<String> response = post("/live/run", origin(), body);
        assertThat(response.statusCode()).as(response.body() + site.log()).isEqualTo(200);
        List<String> lines = response.body().lines().toList();
        return JSON.readTree(lines.get(lines.size() - 1));
    }

    @Test
    void theSameRequestTwiceGivesTheSamePageAndTheSecondDoesNoModelWork() throws Exception {
        String body = form("A student's own sentence about", "temperatures", "0, 1", "token", token());
        String id = "a-student-s-own-sentence-about";
        long before = site.storedRuns(id);
        JsonNode first = explain(body);
        assertThat(first.path("error").isMissingNode()).as(first.toString()).isTrue();
        assertThat(first.get("ranModel").asBoolean()).isTrue();
        assertThat(site.storedRuns(id)).isEqualTo(before + 1); // kept in the trace store, as a build keeps its prompts
        String page = first.get("page").asText();
        assertThat(page).matches("/live/r/[0-9a-f]{20}/p/a-student-s-own-sentence-about\\.html");
        HttpResponse<String> html = get(page);
        assertThat(html.statusCode()).isEqualTo(200);
        for (String view : List.of("overview", "tokens", "attention", "heads", "flow", "inside", "lens")) {
            assertThat(html.body()).contains("id=\"" + view + "\"");
        }
        assertThat(html.body()).contains("/__live/box.js"); // the box, added by the server
        String data = page.replaceFirst("/p/.*", "/data/a-student-s-own-sentence-about/main.js");
        String mainData = get(data).body();
        assertThat(get(page.replaceFirst("/p/.*", "/assets/css/site.css")).statusCode()).isEqualTo(200);
        assertThat(get(page.replace("/p/", "/zh/p/")).statusCode()).isEqualTo(200);

        JsonNode second = explain(body);
        assertThat(second.get("ranModel").asBoolean()).isFalse();
        assertThat(second.get("page").asText()).isEqualTo(page);
        assertThat(get(page).body()).isEqualTo(html.body());
        assertThat(get(data).body()).isEqualTo(mainData);
        assertThat(site.storedRuns(id)).isEqualTo(before + 1);
        assertThat(site.log()).contains("from the trace store");
    }

    /**
     * A prompt of the set asked for live, with its own id and settings: no model work, and its data files are the
     * build's, byte for byte. Its handouts (left out when the page is rendered, as every new prompt would wait for
     * them) are rendered when one is first asked for, each a whole page that inlines that data.
     */
    @Test
    void aLivePageOfABuiltPromptHasTheBuildsDataAndItsHandoutsOnDemand() throws Exception {
        JsonNode done = explain(form("The Eiffel Tower is in", "id", "alpha", "token", token()));
        assertThat(done.get("ranModel").asBoolean()).isFalse();
        String root = done.get("page").asText().replaceFirst("/p/alpha\\.html$", "/");
        assertThat(root).matches("/live/r/[0-9a-f]{20}/");
        for (String file : List.of("data/alpha/main.js", "data/alpha/insight.js", "data/alpha/layer-0.js")) {
            HttpResponse<byte[]> live = CLIENT.send(HttpRequest.newBuilder(site.uri.resolve(root + file)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(live.statusCode()).as(file + site.log()).isEqualTo(200);
            assertThat(live.body()).as(file).isEqualTo(Files.readAllBytes(site.out.resolve(file)));
        }
        String mainData = Files.readString(site.out.resolve("data/alpha/main.js")).strip();
        for (String handout : List.of("handouts/alpha.html", "zh/handouts/alpha.html")) {
            HttpResponse<String> page = get(root + handout);
            assertThat(page.statusCode()).as(handout + site.log()).isEqualTo(200);
            assertThat(page.body()).as(handout).contains("<title>The Eiffel Tower is in").contains(mainData)
                    .doesNotContain("__live");
        }
        assertThat(site.log()).doesNotContain("cannot render the handouts");
    }

    /**
     * A browser that goes away (the tab closed) while its prompt computes: the next progress line fails, the run stops
     * there and is not stored, the server says so, and the next request is served. Without the cancellation the run
     * would finish and be stored.
     */
    @Test
    void whenTheClientGoesAwayItsRunIsCancelledAndNothingIsStored() throws Exception {
        String id = "cancelled-run";
        String body = form("word ".repeat(300).strip(), "id", id, "token", token()); // long: the run takes a while
        try (Socket socket = new Socket(site.uri.getHost(), site.uri.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /live/run HTTP/1.1\r\nHost: " + site.uri.getAuthority() + "\r\nOrigin: " + origin()
                    + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length()
                    + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().contains("\"phase\":\"queued\"")) { // the first progress line: it has started
                int c = in.read();
                assertThat(c).as("the response ended early: " + head).isNotNegative();
                head.append((char) c);
            }
            assertThat(head.toString()).startsWith("HTTP/1.1 200");
            socket.setSoLinger(true, 0); // close at once (a reset), as a browser tab that is closed
        }
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!site.log().contains("Live: cancelled \"word word") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(site.log()).contains("Live: cancelled \"word word");
        assertThat(site.storedRuns(id)).isZero();

        JsonNode next = explain(form("Served after the cancelled one", "max_new_tokens", "1", "token", token()));
        assertThat(next.path("error").isMissingNode()).as(next.toString()).isTrue();
        assertThat(site.storedRuns(id)).isZero();
    }

    /** The live pages' and the box's words are the site's live.* UI strings, in the language asked for. */
    @Test
    void theLivePagesSpeakTheSiteLanguagesFromItsUiStrings() throws Exception {
        String zh = get("/live?prompt=x&lang=zh").body();
        assertThat(zh).contains("<html lang=\"zh-Hans\">").contains("<h1>正在解释你的提示</h1>")
                .contains("等待模型空闲"); // live.progress.queued, for live.js
        assertThat(get("/live?prompt=x&lang=en").body()).contains("<h1>Explaining your prompt</h1>");
        assertThat(get("/live?prompt=x&lang=fr").body()).contains("<html lang=\"en\">"); // not a site language
        // The box reads its words from the page's own UI strings (core.js's GPT2X.t), as every view does.
        assertThat(get("/assets/i18n/zh.js").body()).contains("\"live.box.summary\":\"\\u8BD5\\u8BD5"); // 试试...
        assertThat(get("/").body()).contains("/__live/box.js");
    }

    @Test
    void aPostFromAnotherOriginRunsAndWritesNothing() throws Exception {
        HttpResponse<String> response = post("/live/run", "http://evil.example", form("Never run", "token", token()));
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(post("/live/run", null, form("Never run", "token", token())).statusCode()).isEqualTo(403);
        HttpResponse<String> keep = post("/live/keep", "http://evil.example", form("Never kept", "token", token()));
        assertThat(keep.statusCode()).isEqualTo(403);
        assertThat(site.storedRuns("never-run")).isZero();
        assertThat(site.prompts.resolve("never-kept.md")).doesNotExist();
    }

    @Test
    void aPostWithoutTheTokenRunsAndWritesNothing() throws Exception {
        assertThat(post("/live/run", origin(), form("Never run either")).statusCode()).isEqualTo(403);
        assertThat(post("/live/run", origin(), form("Never run either", "token", "guess")).statusCode()).isEqualTo(403);
        assertThat(post("/live/keep", origin(), form("Never kept either")).statusCode()).isEqualTo(403);
        assertThat(site.storedRuns("never-run-either")).isZero();
        assertThat(site.prompts.resolve("never-kept-either.md")).doesNotExist();
    }

    @Test
    void aRequestWithAForeignHostIsRefused() throws Exception {
        String token = token();
        String body = form("Rebound", "token", token);
        String response = raw("POST /live/run HTTP/1.1\r\nHost: attacker.example:" + site.uri.getPort()
                + "\r\nOrigin: http://attacker.example:" + site.uri.getPort()
                + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length()
                + "\r\nConnection: close\r\n\r\n" + body);
        assertThat(response).startsWith("HTTP/1.1 403");
        assertThat(raw("GET /live?prompt=x HTTP/1.1\r\nHost: attacker.example:" + site.uri.getPort()
                + "\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 403").doesNotContain(token);
        assertThat(site.storedRuns("rebound")).isZero();
    }

    private static String raw(String request) throws IOException {
        try (Socket socket = new Socket(site.uri.getHost(), site.uri.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void keepWritesAPromptFileThatCheckAcceptsAndRefusesAnExistingId() throws Exception {
        String body = form("Kept from class", "temperatures", "0, 0.8", "top_k", "5", "id", "kept-one",
                "token", token());
        HttpResponse<String> kept = post("/live/keep", origin(), body);
        assertThat(kept.statusCode()).as(kept.body()).isEqualTo(200);
        Path file = site.prompts.resolve("kept-one.md");
        String written = Files.readString(file);
        assertThat(written).contains("text: \"Kept from class\"").contains("<!-- lang: en -->").contains("<!-- lang: zh -->");

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "check", "--prompts",
                site.prompts.toString());
        assertThat(code).as(out + "\n" + err).isZero();

        HttpResponse<String> again = post("/live/keep", origin(), form("Something else", "id", "kept-one", "token", token()));
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).contains("already exists");
        assertThat(Files.readString(file)).isEqualTo(written);
        assertThat(post("/live/keep", origin(), form("Clash", "id", "alpha", "token", token())).statusCode()).isEqualTo(409);
    }

    @Test
    void aPromptOverTheContextGetsTheMessage() throws Exception {
        HttpResponse<String> response = post("/live/run", origin(), form("word ".repeat(1100), "token", token()));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).get("error").asText()).contains("context");
    }

    @Test
    void settingsOutsideTheRulesOrSiteLimitsGetAClearMessage() throws Exception {
        String token = token();
        assertThat(post("/live/run", origin(), form("x", "top_p", "2", "token", token)).body()).contains("top_p");
        assertThat(post("/live/run", origin(), form("x", "max_new_tokens", "50", "token", token)).body())
                .contains("at most 4");
        assertThat(post("/live/run", origin(), form("x", "temperatures", "0, abc", "token", token)).body())
                .contains("\\\"abc\\\" is not a number");
        HttpResponse<String> page = get("/live?prompt=x&top_k=lots");
        assertThat(page.statusCode()).isEqualTo(400);
        assertThat(page.body()).contains("top_k: &quot;lots&quot; is not a whole number").doesNotContain("Exception");
    }

    @Test
    void aHostilePromptShowsAsText() throws Exception {
        String hostile = "</script><img src=x onerror=alert(1)> [click](javascript:alert(1)) \"'&";
        HttpResponse<String> shell = get("/live?prompt=" + URLEncoder.encode(hostile, StandardCharsets.UTF_8));
        assertThat(shell.body()).doesNotContain("<img src=x").doesNotContain("</script><img")
                .contains("&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;");
        assertThat(shell.headers().firstValue("Content-Security-Policy").orElse("")).contains("script-src 'self'");
        JsonNode done = explain(form(hostile, "token", token()));
        String page = get(done.get("page").asText()).body();
        assertThat(page).doesNotContain("<img src=x").doesNotContain("href=\"javascript:");
        assertThat(page).contains("&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;");
    }

    @Test
    void theBuiltSiteHasNoBox() throws Exception {
        assertThat(Files.readString(site.out.resolve("index.html"))).doesNotContain("__live");
        assertThat(get("/").body()).contains("/__live/box.js");
        assertThat(get("/zh/handouts/alpha.html").body()).doesNotContain("__live");
    }

    @Test
    void computingAndWritingNeedAPost() throws Exception {
        assertThat(get("/live/run?prompt=x").statusCode()).isEqualTo(405);
        assertThat(CLIENT.send(HttpRequest.newBuilder(site.uri.resolve("/live")).POST(HttpRequest.BodyPublishers
                .ofString("prompt=x")).header("Origin", origin()).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(405);
        URI keepPage = site.uri.resolve("/live/keep?prompt=y&id=by-get");
        assertThat(CLIENT.send(HttpRequest.newBuilder(keepPage).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(200);
        assertThat(site.prompts.resolve("by-get.md")).doesNotExist();
    }
}
