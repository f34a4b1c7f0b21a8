package io.github.gpt2explainer.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PreviewServerTest {

    @TempDir
    Path tmp;

    Path site;
    PreviewServer server;
    final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeEach
    void start() throws IOException {
        site = tmp.resolve("site-out");
        Files.createDirectories(site.resolve("prompts"));
        Files.writeString(site.resolve("index.html"), "<h1>home</h1>");
        Files.writeString(site.resolve("prompts/index.html"), "<h1>prompts</h1>");
        Files.writeString(tmp.resolve("secret.txt"), "outside the site");
        server = PreviewServer.start(site, 0);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(server.uri().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sends the request line exactly as given (HTTP clients normalise '..' away). */
    private String raw(String requestPath) throws IOException {
        return raw(requestPath, "localhost:" + server.port());
    }

    private String raw(String requestPath, String host) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + requestPath + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            try (InputStream in = socket.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
    }

    @Test
    void servesTheIndexOnLoopbackOnly() throws Exception {
        HttpResponse<String> response = get("/");

        assertThat(server.uri().getHost()).isIn("127.0.0.1", "[::1]");
        assertThat(InetAddress.getByName(server.uri().getHost().replace("[", "").replace("]", "")).isLoopbackAddress()).isTrue();
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("<h1>home</h1>");
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    }

    @ParameterizedTest
    @CsvSource({
        "app.js, text/javascript; charset=utf-8",
        "style.css, text/css; charset=utf-8",
        "logo.svg, image/svg+xml",
        "shot.png, image/png",
        "data.json, application/json",
        "font.woff2, font/woff2",
        "blob.weird, application/octet-stream"})
    void contentTypesFollowTheExtension(String name, String type) throws Exception {
        Files.writeString(site.resolve(name), "x");

        HttpResponse<String> response = get("/" + name);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue(type);
    }

    @Test
    void aDirectoryWithoutSlashRedirectsAndWithSlashServesItsIndex() throws Exception {
        HttpResponse<String> redirect = get("/prompts");
        HttpResponse<String> index = get("/prompts/");

        assertThat(redirect.statusCode()).isEqualTo(301);
        assertThat(redirect.headers().firstValue("Location")).hasValue("/prompts/");
        assertThat(index.body()).isEqualTo("<h1>prompts</h1>");
    }

    @Test
    void missingFilesGetA404PageAndTheSitesOwnWhenItHasOne() throws Exception {
        HttpResponse<String> builtIn = get("/nope.html");
        Files.writeString(site.resolve("404.html"), "<h1>custom</h1>");
        HttpResponse<String> custom = get("/nope.html");

        assertThat(builtIn.statusCode()).isEqualTo(404);
        assertThat(builtIn.body()).contains("/nope.html is not part of the site");
        assertThat(custom.statusCode()).isEqualTo(404);
        assertThat(custom.body()).isEqualTo("<h1>custom</h1>");
    }

    @Test
    void pathsCannotLeaveTheSite() throws Exception {
        for (String attack : new String[] {"/../secret.txt", "/prompts/../../secret.txt", "/%2e%2e/secret.txt",
                "/..%2fsecret.txt", "/%2e%2e%2fsecret.txt", "/..\\secret.txt"}) {
            String response = raw(attack);
            assertThat(response).as(attack).doesNotContain("outside the site");
            assertThat(response).as(attack).matches("(?s)HTTP/1.1 (400|404) .*");
        }
    }

    @Test
    void symbolicLinksLeadingOutOfTheSiteAreNotFollowed() throws Exception {
        Files.createSymbolicLink(site.resolve("leak.txt"), tmp.resolve("secret.txt"));

        HttpResponse<String> response = get("/leak.txt");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).doesNotContain("outside the site");
    }

    @Test
    void onlyGetAndHeadAreAllowed() throws Exception {
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(server.uri())
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> head = client.send(HttpRequest.newBuilder(server.uri())
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
    }

    @Test
    void aSwappedInSiteIsServedOnTheNextRequest() throws Exception {
        try (SafeOutput staging = SafeOutput.begin(site)) {
            Files.writeString(staging.dir().resolve("index.html"), "<h1>rebuilt</h1>");
            staging.commit();
        }

        assertThat(get("/").body()).isEqualTo("<h1>rebuilt</h1>");
    }

    @Test
    void anotherHostNameIsRefusedSoThatDnsRebindingCannotReadThePreview() throws Exception {
        int port = server.port();
        for (String foreign : List.of("attacker.example", "attacker.example:" + port, "localhost:" + (port + 1),
                "127.0.0.1.attacker.example:" + port, "localhost.attacker.example:" + port)) {
            String response = raw("/", foreign);
            assertThat(response).as(foreign).startsWith("HTTP/1.1 403 ").doesNotContain("<h1>home</h1>");
        }
        for (String own : List.of("localhost:" + port, "127.0.0.1:" + port, "LocalHost:" + port)) {
            assertThat(raw("/", own)).as(own).startsWith("HTTP/1.1 200 ").contains("<h1>home</h1>");
        }
    }

    @Test
    void eightIdleConnectionsDoNotStopAGetFromBeingAnswered() throws Exception {
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                idle.add(halfSentRequest()); // each one holds a thread of a server that waits for the rest
            }
            Thread.sleep(200); // let the server hand every one of them to a thread

            long started = System.nanoTime();
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(server.uri())
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.body()).isEqualTo("<h1>home</h1>");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
        } finally {
            for (Socket socket : idle) {
                socket.close();
            }
        }
    }

    @Test
    void aRequestThatIsNeverFinishedIsDroppedAfterTheDeadline() throws Exception {
        server.close();
        server = PreviewServer.start(site, 0, Duration.ofMillis(500));
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < PreviewServer.WORKERS + 4; i++) {
                idle.add(halfSentRequest()); // more than the server has threads
            }
            long started = System.nanoTime();
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(server.uri())
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.body()).isEqualTo("<h1>home</h1>");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
            Socket first = idle.get(0);
            first.setSoTimeout(5000);
            assertThat(readUntilClosed(first)).as("the server closed the half-sent request").isTrue();
        } finally {
            for (Socket socket : idle) {
                socket.close();
            }
        }
    }

    /** A connection that has sent the request line and one header, and never sends the blank line. */
    private Socket halfSentRequest() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
        OutputStream out = socket.getOutputStream();
        out.write(("GET / HTTP/1.1\r\nHost: localhost:" + server.port() + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }

    /** True when the peer closes the connection (end of stream or reset) before the socket's read timeout. */
    private static boolean readUntilClosed(Socket socket) throws IOException {
        try {
            InputStream in = socket.getInputStream();
            while (in.read() >= 0) {
                // whatever the server says before it hangs up
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (java.net.SocketException e) {
            return true; // connection reset
        }
    }

    @Test
    void uriIsHttpOnLoopback() {
        URI uri = server.uri();
        assertThat(uri.getScheme()).isEqualTo("http");
        assertThat(uri.getPort()).isEqualTo(server.port()).isPositive();
    }
}
