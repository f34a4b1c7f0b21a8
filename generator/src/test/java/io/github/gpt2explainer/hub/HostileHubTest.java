package io.github.gpt2explainer.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Hub mirror or a cache that behaves badly on purpose: bodies longer than announced, bodies of unknown size
 * that never end, redirects to {@code file:} addresses, snapshot links that lead out of the cache.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileHubTest {

    static final String REPO = "org/tiny";
    static final String MAIN = HubDownloadTest.sha1Hex("main commit");
    static final long TWO_HUNDRED_MB = 200L << 20;

    @TempDir
    Path tmp;
    Path cacheDir;
    FakeHub server;
    Map<String, byte[]> files;
    /** The most bytes ever written to one downloaded file, across every file the client opened. */
    final AtomicLong mostBytesWritten = new AtomicLong();

    @BeforeEach
    void setUp() throws IOException {
        cacheDir = tmp.resolve("hf-home").resolve("hub");
        server = new FakeHub();
        files = HubDownloadTest.modelFiles(1, 100); // model.safetensors: announced as 100 bytes
        server.repo(REPO).commit(MAIN, files).ref("main", MAIN);
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    // ------------------------------------------------------------------------------------------ body sizes

    @Test
    void aBodyLongerThanItsAnnouncedSizeIsCutOffAndItsPartialFileDeleted() {
        server.oversizeBodyBytes.put("model.safetensors", TWO_HUNDRED_MB);
        long started = System.nanoTime();

        assertThatThrownBy(() -> resolver(HubClient.MAX_DOWNLOAD_SIZE).resolve(REPO))
                .isInstanceOfSatisfying(HubException.class, e -> {
                    assertThat(e.reason()).isEqualTo(HubException.Reason.PROTOCOL);
                    assertThat(e.getMessage()).contains("model.safetensors", "more bytes", "deleted", ".incomplete",
                            "HF_ENDPOINT");
                });

        assertThat(mostBytesWritten.get()).isLessThanOrEqualTo(100);
        assertThat(partialAndCompleteBlobs()).isEmpty();
        assertThat(cacheDir.resolve("models--org--tiny/snapshots/" + MAIN + "/model.safetensors")).doesNotExist();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
        // the client hung up long before the end: what the server got out is what socket buffers hold
        assertThat(server.oversizeBytesSent.get()).isLessThan(TWO_HUNDRED_MB / 4);
    }

    @Test
    void aBodyOfUnknownSizeStopsAtTheCapAndItsPartialFileIsDeleted() throws IOException {
        server.oversizeBodyBytes.put("model.safetensors", TWO_HUNDRED_MB);
        HubClient client = client(1000);
        FileMetadata announced = client.metadata(REPO, "main", "model.safetensors");
        FileMetadata unknownSize = new FileMetadata(announced.commit(), announced.etag(), -1, announced.downloadUrl());
        Path incomplete = Files.createDirectories(tmp.resolve("blobs")).resolve(announced.etag() + ".incomplete");

        assertThatThrownBy(() -> client.download(unknownSize, REPO, "main", "model.safetensors", incomplete,
                DownloadProgress.none()))
                .isInstanceOfSatisfying(HubException.class, e -> {
                    assertThat(e.reason()).isEqualTo(HubException.Reason.PROTOCOL);
                    assertThat(e.getMessage()).contains("model.safetensors", "1000 B", "announced none", "deleted");
                });

        assertThat(mostBytesWritten.get()).isLessThanOrEqualTo(1000);
        assertThat(incomplete).doesNotExist();
        assertThat(server.oversizeBytesSent.get()).isLessThan(TWO_HUNDRED_MB / 4);
    }

    @Test
    void anAnnouncedSizeAboveTheCapIsRefusedBeforeAnyByteIsFetched() {
        assertThatThrownBy(() -> resolver(99).resolve(REPO))
                .isInstanceOfSatisfying(HubException.class, e -> {
                    assertThat(e.reason()).isEqualTo(HubException.Reason.PROTOCOL);
                    assertThat(e.getMessage()).contains("announced 100 bytes", "model.safetensors", "99 B");
                });
        assertThat(server.requests("storage")).isEmpty();
        assertThat(partialAndCompleteBlobs()).isEmpty();
    }

    @Test
    void theDefaultCapLeavesRoomForTheLargestGpt2File() {
        long gpt2XlWeights = 6_431_829_964L; // openai-community/gpt2-xl model.safetensors
        assertThat(HubClient.MAX_DOWNLOAD_SIZE).isGreaterThan(gpt2XlWeights).isLessThanOrEqualTo(8L << 30);
    }

    // ------------------------------------------------------------------------------------------ redirects

    @Test
    void aRedirectOfTheMetadataRequestToAFileAddressIsAProtocolError() {
        server.hubRedirects.put("config.json", "file:///etc/passwd");

        assertThatThrownBy(() -> resolver(HubClient.MAX_DOWNLOAD_SIZE).resolve(REPO))
                .isInstanceOfSatisfying(HubException.class, e -> {
                    assertThat(e.reason()).isEqualTo(HubException.Reason.PROTOCOL);
                    assertThat(e.getMessage()).contains("redirects to a file: address", "only http and https",
                            server.endpoint() + "/org/tiny/resolve/main/config.json");
                });
    }

    @Test
    void aRedirectOfTheDownloadToAFileAddressIsAProtocolError() {
        server.storageRedirects.put("model.safetensors", "file:///etc/passwd");

        assertThatThrownBy(() -> resolver(HubClient.MAX_DOWNLOAD_SIZE).resolve(REPO))
                .isInstanceOfSatisfying(HubException.class, e -> {
                    assertThat(e.reason()).isEqualTo(HubException.Reason.PROTOCOL);
                    assertThat(e.getMessage()).contains("redirects to a file: address", server.storageBase());
                });
        assertThat(partialAndCompleteBlobs()).noneMatch(p -> p.getFileName().toString().endsWith(".incomplete")
                && sizeOf(p) > 0);
    }

    // ------------------------------------------------------------------------------------------ cache links

    @Test
    void aSnapshotLinkOutOfTheCacheIsRefusedWithoutReadingIt() throws IOException {
        Path secret = Files.writeString(tmp.resolve("shadow"), "root:$6$very-secret-hash:19000:0:99999:7:::\n");
        Path snapshot = writeCacheAndLinkWeightsTo(secret);

        for (boolean offline : List.of(true, false)) {
            HubOptions options = options().withOffline(offline);
            assertThatThrownBy(() -> new ModelResolver(options, DownloadProgress.none()).resolve(REPO))
                    .as("offline=%s", offline)
                    .isInstanceOfSatisfying(HubException.class, e -> {
                        assertThat(e.reason()).isEqualTo(HubException.Reason.BROKEN_CACHE);
                        assertThat(e.getMessage()).contains(snapshot.resolve("model.safetensors").toString(),
                                "blobs", "not opened", "Delete the folder " + snapshot);
                        assertThat(e.getMessage()).doesNotContain(secret.toString(), "root", "secret");
                    });
        }
        assertThat(server.requests).isEmpty();
    }

    @Test
    void aSnapshotLinkIntoAnotherRepositorysBlobsIsRefusedToo() throws IOException {
        Path elsewhere = Files.createDirectories(cacheDir.resolve("models--other--repo/blobs"));
        Path foreign = Files.write(elsewhere.resolve(FakeHub.sha256(files.get("model.safetensors"))),
                files.get("model.safetensors"));
        writeCacheAndLinkWeightsTo(foreign);

        assertThatThrownBy(() -> new ModelResolver(options().withOffline(true), DownloadProgress.none()).resolve(REPO))
                .isInstanceOfSatisfying(HubException.class,
                        e -> assertThat(e.reason()).isEqualTo(HubException.Reason.BROKEN_CACHE));
    }

    @Test
    void linksIntoTheRepositorysBlobsAndPlainCopiesAreAccepted() throws IOException {
        writePythonCache();
        Path snapshot = cacheDir.resolve("models--org--tiny/snapshots/" + MAIN);
        // where links are not allowed the blob is copied into the snapshot: that is fine too
        Path config = snapshot.resolve("config.json");
        Files.delete(config);
        Files.write(config, files.get("config.json"));

        ResolvedModel model = new ModelResolver(options().withOffline(true), DownloadProgress.none()).resolve(REPO);

        assertThat(Files.readAllBytes(model.file("model.safetensors"))).isEqualTo(files.get("model.safetensors"));
        assertThat(Files.readAllBytes(model.file("config.json"))).isEqualTo(files.get("config.json"));
    }

    // ------------------------------------------------------------------------------------------ helpers

    /** A Python-layout cache of the repository whose model.safetensors link leads to {@code target}. */
    private Path writeCacheAndLinkWeightsTo(Path target) throws IOException {
        writePythonCache();
        Path snapshot = cacheDir.resolve("models--org--tiny/snapshots/" + MAIN);
        Files.delete(snapshot.resolve("model.safetensors"));
        Files.createSymbolicLink(snapshot.resolve("model.safetensors"), target);
        return snapshot;
    }

    /** The repository as huggingface_hub writes it: blobs by etag, relative links, refs/main. */
    private void writePythonCache() throws IOException {
        Path repoFolder = cacheDir.resolve("models--org--tiny");
        Path snapshot = Files.createDirectories(repoFolder.resolve("snapshots").resolve(MAIN));
        Files.createDirectories(repoFolder.resolve("blobs"));
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            String etag = FakeHub.isLfs(file.getKey()) ? FakeHub.sha256(file.getValue()) : FakeHub.gitSha1(file.getValue());
            Files.write(repoFolder.resolve("blobs").resolve(etag), file.getValue());
            Files.createSymbolicLink(snapshot.resolve(file.getKey()), Path.of("../../blobs/" + etag));
        }
        for (String optional : ModelFiles.OPTIONAL) {
            if (!files.containsKey(optional)) {
                Path marker = Files.createDirectories(repoFolder.resolve(".no_exist").resolve(MAIN)).resolve(optional);
                Files.createFile(marker);
            }
        }
        Files.createDirectories(repoFolder.resolve("refs"));
        Files.writeString(repoFolder.resolve("refs/main"), MAIN);
    }

    private HubOptions options() {
        Map<String, String> env = Map.of(
                "HF_HUB_CACHE", cacheDir.toString(),
                "HF_ENDPOINT", server.endpoint(),
                "HF_HOME", tmp.resolve("hf-home").toString());
        return HubOptions.fromEnvironment(env, false)
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(3))
                .withRetries(2, Duration.ofMillis(5));
    }

    /** A client that counts what it writes to each file, with the given size cap. */
    private HubClient client(long cap) {
        HubClient.OutputOpener counting = (file, append) -> new FilterOutputStream(HubClient.FILES.open(file, append)) {
            long written;

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                written += len;
                mostBytesWritten.accumulateAndGet(written, Math::max);
            }
        };
        return new HubClient(options(), counting, cap);
    }

    private ModelResolver resolver(long cap) {
        return new ModelResolver(options(), DownloadProgress.none(), client(cap));
    }

    /** Every file in the repository's blobs folder, partial or complete, except the small files' blobs. */
    private List<Path> partialAndCompleteBlobs() {
        Path blobs = cacheDir.resolve("models--org--tiny/blobs");
        if (!Files.isDirectory(blobs)) {
            return List.of();
        }
        String weightsSha = FakeHub.sha256(files.get("model.safetensors"));
        try (Stream<Path> list = Files.list(blobs)) {
            return list.filter(p -> p.getFileName().toString().startsWith(weightsSha)).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

}
