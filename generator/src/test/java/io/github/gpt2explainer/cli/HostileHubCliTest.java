package io.github.gpt2explainer.cli;

import io.github.gpt2explainer.build.FakePipeline;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the user sees, and the exit code, when a Hub mirror or the Hugging Face cache is hostile. */
class HostileHubCliTest {

    private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    @TempDir
    Path tmp;

    private Wiring wiring(Map<String, String> env) {
        return new Wiring(env, FakePipeline.rendering((context, dir) -> {
            throw new AssertionError("not reached");
        }));
    }

    @Test
    void aRedirectToAFileAddressIsAProtocolErrorWithTheModelUnavailableCode() throws IOException {
        HttpServer mirror = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        mirror.createContext("/", exchange -> {
            try (exchange) {
                exchange.getResponseHeaders().set("Location", "file:///etc/passwd");
                exchange.sendResponseHeaders(302, -1);
            }
        });
        mirror.start();
        try {
            Map<String, String> env = Map.of("HF_HOME", tmp.resolve("hf-home").toString(),
                    "HF_HUB_CACHE", tmp.resolve("hf-cache").toString(),
                    "HF_ENDPOINT", "http://127.0.0.1:" + mirror.getAddress().getPort());

            Cli.Result result = Cli.run(wiring(env), "download", "--model", "org/tiny");

            assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.MODEL_UNAVAILABLE).isEqualTo(4);
            assertThat(result.err()).contains("redirects to a file: address", "only http and https")
                    .doesNotContain("root:", "\tat ", "invalid URI scheme");
        } finally {
            mirror.stop(0);
        }
    }

    @Test
    void aCachedWeightsLinkToAFileOutsideTheCacheIsRefusedWithoutShowingAnyOfIt() throws IOException {
        byte[] secret = "root:$6$hunter2-hash:19000:0:99999:7:::\n".getBytes(StandardCharsets.US_ASCII);
        Path shadow = Files.write(tmp.resolve("shadow"), secret);
        Path cache = tmp.resolve("hf-cache");
        Path repo = cache.resolve("models--org--tiny");
        Path snapshot = Files.createDirectories(repo.resolve("snapshots").resolve(COMMIT));
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), COMMIT);
        Path configBlob = Files.createDirectories(repo.resolve("blobs")).resolve("c0ffee");
        Files.writeString(configBlob, "{\"model_type\": \"gpt2\", \"vocab_size\": 50257, \"n_positions\": 1024,"
                + " \"n_embd\": 64, \"n_layer\": 1, \"n_head\": 4}");
        Files.createSymbolicLink(snapshot.resolve("config.json"), Path.of("../../blobs/c0ffee"));
        Files.createSymbolicLink(snapshot.resolve("model.safetensors"), shadow);
        Map<String, String> env = Map.of("HF_HOME", tmp.resolve("hf-home").toString(),
                "HF_HUB_CACHE", cache.toString(), "HF_HUB_OFFLINE", "1");

        Cli.Result result = Cli.run(wiring(env), "trace", "--model", "org/tiny", "--prompt", "hi",
                "--out", tmp.resolve("t.safetensors").toString());

        assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.BROKEN_CHECKPOINT).isEqualTo(5);
        long firstEightBytes = ByteBuffer.wrap(secret).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(result.err()).contains(snapshot.resolve("model.safetensors").toString(), "blobs", "not opened")
                .doesNotContain(Long.toString(firstEightBytes), Long.toUnsignedString(firstEightBytes), "root:",
                        "hunter2", shadow.toString(), "\tat ");
        assertThat(tmp.resolve("t.safetensors")).doesNotExist();
    }
}
