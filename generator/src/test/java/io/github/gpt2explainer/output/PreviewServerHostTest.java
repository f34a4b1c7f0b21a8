package io.github.gpt2explainer.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --host}: reachable by the machine's addresses and the name given, still never by another name
 * (DNS rebinding); without {@code --host}, loopback names only.
 */
class PreviewServerHostTest {

    @TempDir
    Path site;

    private static String status(int port, String host) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET /index.html HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return answer.substring(0, answer.indexOf("\r\n"));
        }
    }

    @Test
    void withHostTheServerAnswersItsAddressesAndTheGivenNameButNoOtherName() throws Exception {
        Files.writeString(site.resolve("index.html"), "<!doctype html><p>hi</p>");
        try (PreviewServer server = PreviewServer.start(site, "0.0.0.0", 0, null)) {
            int port = server.port();
            assertThat(status(port, "192.168.1.5:" + port)).contains(" 200");
            assertThat(status(port, "[fe80::1]:" + port)).contains(" 200");
            assertThat(status(port, "127.0.0.1:" + port)).contains(" 200");
            assertThat(status(port, "0.0.0.0:" + port)).contains(" 200");
            assertThat(status(port, "attacker.example:" + port)).contains(" 403");
            assertThat(status(port, "192.168.1.5:" + (port + 1))).contains(" 403");
        }
        try (PreviewServer server = PreviewServer.start(site, null, 0, null)) {
            int port = server.port();
            assertThat(status(port, "localhost:" + port)).contains(" 200");
            assertThat(status(port, "192.168.1.5:" + port)).contains(" 403");
        }
    }
}
