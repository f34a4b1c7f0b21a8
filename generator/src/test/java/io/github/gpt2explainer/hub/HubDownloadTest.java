package io.github.gpt2explainer.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The Hub client and resolver against a loopback Hub + storage host that inject faults. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HubDownloadTest {

    static final String REPO = "org/tiny";
    static final String MAIN = sha1Hex("main commit");
    static final String TAGGED = sha1Hex("tagged commit");
    static final String OLD = sha1Hex("old commit");

    @TempDir
    Path tmp;
    Path cacheDir;
    FakeHub server;
    Map<String, byte[]> files;

    @BeforeEach
    void setUp() throws IOException {
        cacheDir = tmp.resolve("hf-home").resolve("hub");
        server = new FakeHub();
        files = modelFiles(1, 300_000);
        server.repo(REPO).commit(MAIN, files).ref("main", MAIN);
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    // ------------------------------------------------------------------------------------------ normal path

    @Test
    void downloadsIntoTheStandardCacheLayoutWithRelativeSymlinks() throws IOException {
        RecordingProgress progress = new RecordingProgress();
        ResolvedModel model = new ModelResolver(options(), progress).resolve(REPO);

        Path repoFolder = cacheDir.resolve("models--org--tiny");
        Path snapshot = repoFolder.resolve("snapshots").resolve(MAIN);
        assertThat(model.directory()).isEqualTo(snapshot);
        assertThat(model.commit()).isEqualTo(MAIN);
        assertThat(model.repoId()).isEqualTo(REPO);
        assertThat(model.revision()).isEqualTo("main");
        assertThat(model.source()).isEqualTo(ResolvedModel.Source.NETWORK);
        assertThat(model.weightFiles()).containsExactly("model.safetensors");
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            assertThat(Files.readAllBytes(snapshot.resolve(file.getKey()))).as(file.getKey()).isEqualTo(file.getValue());
        }
        // LFS blob named by sha256, small file by git sha1, both reached through relative symlinks
        String weightsSha = FakeHub.sha256(files.get("model.safetensors"));
        assertThat(Files.readSymbolicLink(snapshot.resolve("model.safetensors")))
                .isEqualTo(Path.of("..", "..", "blobs", weightsSha));
        assertThat(Files.readSymbolicLink(snapshot.resolve("config.json")))
                .isEqualTo(Path.of("..", "..", "blobs", FakeHub.gitSha1(files.get("config.json"))));
        assertThat(Files.readString(repoFolder.resolve("refs/main"))).isEqualTo(MAIN);
        // optional files the repository lacks: recorded, not an error
        assertThat(model.missingOptionalFiles()).containsExactly("generation_config.json", "tokenizer_config.json");
        assertThat(repoFolder.resolve(".no_exist").resolve(MAIN).resolve("generation_config.json")).exists();
        assertThat(cacheDir.resolve(".locks/models--org--tiny/" + weightsSha + ".lock")).exists();
        assertThat(incompleteFiles()).isEmpty();
        assertThat(progress.starts).contains("model.safetensors:300000",
                "config.json:" + files.get("config.json").length);
        assertThat(progress.bytesSinceStart.get("model.safetensors")).isEqualTo(300_000L);
    }

    @Test
    void largeFilesComeFromTheStorageHostAndTheTokenNeverLeavesTheHub() {
        server.repo(REPO).requiredToken = "hf_secret";
        ResolvedModel model = new ModelResolver(options().withToken("hf_secret"), DownloadProgress.none()).resolve(REPO);

        assertThat(model.commit()).isEqualTo(MAIN);
        assertThat(server.requests("hub")).isNotEmpty()
                .allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer hf_secret"));
        assertThat(server.requests("storage")).hasSize(1)
                .allSatisfy(r -> assertThat(r.authorization()).isNull());
        // metadata by HEAD only, and the small files' bytes straight from the Hub
        assertThat(server.count("hub", "GET", "model.safetensors")).isZero();
        assertThat(server.count("hub", "GET", "/config.json")).isEqualTo(1);
    }

    // ------------------------------------------------------------------------------------------ faults

    @Test
    void aConnectionDroppedMidFileIsResumedWithRange() throws IOException {
        server.dropAfterHalf.put("model.safetensors", new java.util.concurrent.atomic.AtomicInteger(1));
        ResolvedModel model = new ModelResolver(options(), DownloadProgress.none()).resolve(REPO);

        assertThat(Files.readAllBytes(model.file("model.safetensors"))).isEqualTo(files.get("model.safetensors"));
        List<FakeHub.Request> gets = server.requests("storage");
        assertThat(gets).hasSize(2);
        assertThat(gets.get(0).range()).isNull();
        assertThat(gets.get(1).range()).matches("bytes=\\d+-").isNotEqualTo("bytes=0-");
        assertThat(incompleteFiles()).isEmpty();
    }

    @Test
    void aServerAnswering200ToARangeRequestRestartsTheFileCleanly() throws IOException {
        server.dropAfterHalf.put("model.safetensors", new java.util.concurrent.atomic.AtomicInteger(1));
        server.ignoreRange.put("model.safetensors", true);
        ResolvedModel model = new ModelResolver(options(), DownloadProgress.none()).resolve(REPO);

        assertThat(server.requests("storage").get(1).range()).startsWith("bytes=");
        assertThat(Files.readAllBytes(model.file("model.safetensors"))).isEqualTo(files.get("model.safetensors"));
    }

    @Test
    void aCorruptedBodyFailsTheChecksumAndLeavesNothingBehind() {
        server.corrupt.put("model.safetensors", true);
        String sha = FakeHub.sha256(files.get("model.safetensors"));

        assertThatThrownBy(() -> new ModelResolver(options(), DownloadProgress.none()).resolve(REPO))
                .isInstanceOfSatisfying(HubException.class, e -> {
                    assertThat(e.reason()).isEqualTo(HubException.Reason.CHECKSUM);
                    assertThat(e.getMessage()).contains("model.safetensors", "sha256", sha, "discarded");
                });
        Path repoFolder = cacheDir.resolve("models--org--tiny");
        assertThat(repoFolder.resolve("blobs").resolve(sha)).doesNotExist();
        assertThat(incompleteFiles()).isEmpty();
        assertThat(repoFolder.resolve("snapshots").resolve(MAIN).resolve("model.safetensors")).doesNotExist();
    }

    @Test
    void aStalePartialFileThatDoesNotMatchIsDownloadedAgainFromScratch() throws IOException {
        String sha = FakeHub.sha256(files.get("model.safetensors"));
        Path incomplete = cacheDir.resolve("models--org--tiny/blobs/" + sha + ".incomplete");
        Files.createDirectories(incomplete.getParent());
        Files.write(incomplete, new byte[1000]); // zeros: not a prefix of the real file

        ResolvedModel model = new ModelResolver(options(), DownloadProgress.none()).resolve(REPO);

        assertThat(Files.readAllBytes(model.file("model.safetensors"))).isEqualTo(files.get("model.safetensors"));
        List<FakeHub.Request> gets = server.requests("storage");
        assertThat(gets).hasSize(2);
        assertThat(gets.get(0).range()).isEqualTo("bytes=1000-");
        assertThat(gets.get(1).range()).isNull();
    }

    @Test
    void serverErrorsAreRetriedThenSucceed() throws IOException {
        server.serverErrors.put("config.json", new java.util.concurrent.atomic.AtomicInteger(2));
        server.serverErrors.put("model.safetensors", new java.util.concurrent.atomic.AtomicInteger(2));
        ResolvedModel model = new ModelResolver(options(), DownloadProgress.none()).resolve(REPO);

        assertThat(Files.readAllBytes(model.file("model.safetensors"))).isEqualTo(files.get("model.safetensors"));
        assertThat(server.count("hub", "HEAD", "/main/config.json")).isEqualTo(3);
    }

    @Test
    void persistentServerErrorsGiveUpAfterTheConfiguredRetries() {
        server.serverErrors.put("config.json", new java.util.concurrent.atomic.AtomicInteger(1000));
        assertThatThrownBy(() -> new ModelResolver(options(), DownloadProgress.none()).resolve(REPO))
                .isInstanceOfSatisfying(ModelUnavailableException.class, e -> {
                    assertThat(e.reason()).isEqualTo(HubException.Reason.NETWORK);
                    assertThat(e.getMessage()).contains("HTTP 503", "--model demo", "HF_ENDPOINT");
                });
        assertThat(server.count("hub", "HEAD", "/main/config.json")).isEqualTo(4); // 1 + 3 retries
    }

    @Test
    void unauthorisedGivesTheTokenHint() {
        server.repo(REPO).requiredToken = "hf_secret";
        assertThatThrownBy(() -> new ModelResolver(options(), DownloadProgress.none()).resolve(REPO))
                .isInstanceOfSatisfying(ModelUnavailableException.class, e -> {
                    assertThat(e.reason()).isEqualTo(HubException.Reason.UNAUTHORIZED);
                    assertThat(e.getMessage()).contains("HTTP 401", REPO, "HF_TOKEN", "accept its licence",
                            "No token was found");
                });
        assertThatThrownBy(() -> new ModelResolver(options().withToken("hf_wrong"), DownloadProgress.none()).resolve(REPO))
                .isInstanceOfSatisfying(ModelUnavailableException.class, e -> {
                    assertThat(e.reason()).isEqualTo(HubException.Reason.UNAUTHORIZED);
                    assertThat(e.getMessage()).contains("HTTP 403", "A token was sent and refused");
                });
        assertThat(cacheDir.resolve("models--org--tiny/blobs")).doesNotExist();
    }

    @Test
    void notFoundNamesTheRepositoryRevisionOrFile() {
        assertThatThrownBy(() -> new ModelResolver(options(), DownloadProgress.none()).resolve("org/nothing"))
                .isInstanceOfSatisfying(ModelUnavailableException.class, e -> {
                    assertThat(e.reason()).isEqualTo(HubException.Reason.NOT_FOUND);
                    assertThat(e.getMessage()).contains("Repository 'org/nothing' was not found");
                });
        assertThatThrownBy(() -> new ModelResolver(options(), DownloadProgress.none()).resolve(REPO + "@nope"))
                .isInstanceOfSatisfying(ModelUnavailableException.class, e -> {
                    assertThat(e.reason()).isEqualTo(HubException.Reason.NOT_FOUND);
                    assertThat(e.getMessage()).contains("Revision 'nope' does not exist in repository 'org/tiny'");
                });
        server.repo("org/empty").commit(OLD, Map.of("README.md", bytes("hi"))).ref("main", OLD);
        assertThatThrownBy(() -> new ModelResolver(options(), DownloadProgress.none()).resolve("org/empty"))
                .isInstanceOfSatisfying(ModelUnavailableException.class, e -> {
                    assertThat(e.reason()).isEqualTo(HubException.Reason.NOT_FOUND);
                    assertThat(e.getMessage()).contains("org/empty", "config.json");
                });
    }

    @Test
    void aRepositoryWithoutSafetensorsIsRefusedClearly() {
        server.repo("org/bin").commit(OLD, Map.of("config.json", bytes("{}"), "pytorch_model.bin", bytes("pickle")))
                .ref("main", OLD);
        assertThatThrownBy(() -> new ModelResolver(options(), DownloadProgress.none()).resolve("org/bin"))
                .isInstanceOfSatisfying(HubException.class, e -> {
                    assertThat(e.reason()).isEqualTo(HubException.Reason.UNSUPPORTED);
                    assertThat(e.getMessage()).contains("model.safetensors", "model.safetensors.index.json", "org/bin");
                });
    }

    @Test
    void aServerTooSlowTimesOutWithinBoundedTime() {
        server.stallBeforeBodyMillis.put("model.safetensors", 5_000L);
        HubOptions fast = options().withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(300)).withRetries(1, Duration.ofMillis(10));
        long started = System.nanoTime();
        assertThatThrownBy(() -> new ModelResolver(fast, DownloadProgress.none()).resolve(REPO))
                .isInstanceOfSatisfying(ModelUnavailableException.class, e -> {
                    assertThat(e.reason()).isEqualTo(HubException.Reason.NETWORK);
                    assertThat(e.getMessage()).contains("no data from localhost", "model.safetensors");
                });
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
        assertThat(cacheDir.resolve("models--org--tiny/blobs/" + FakeHub.sha256(files.get("model.safetensors")))).doesNotExist();

        server.stallBeforeBodyMillis.clear();
        server.stallHeadMillis = 5_000;
        long again = System.nanoTime();
        assertThatThrownBy(() -> new ModelResolver(fast, DownloadProgress.none()).resolve(REPO))
                .isInstanceOfSatisfying(ModelUnavailableException.class,
                        e -> assertThat(e.reason()).isEqualTo(HubException.Reason.NETWORK));
        assertThat(Duration.ofNanos(System.nanoTime() - again)).isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void twoConcurrentDownloadsOfTheSameFileFetchItOnce() throws Exception {
        server.holdBodiesUntilHeads = 2; // the second download has its metadata while the first is in flight
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<ResolvedModel>> results = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return new ModelResolver(options(), DownloadProgress.none()).resolve(REPO);
                }));
            }
            go.countDown();
            for (Future<ResolvedModel> result : results) {
                ResolvedModel model = result.get(20, TimeUnit.SECONDS);
                assertThat(Files.readAllBytes(model.file("model.safetensors"))).isEqualTo(files.get("model.safetensors"));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(server.count("storage", "GET", "/blobs/")).isEqualTo(1);
        assertThat(incompleteFiles()).isEmpty();
    }

    @Test
    void twoProcessesDownloadingTheSameFileShareOneDownloadThroughTheLockFile() throws Exception {
        server.holdBodiesUntilHeads = 2; // the second process has its metadata while the first downloads
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> processes = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                processes.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                        ResolveMain.class.getName(), cacheDir.toString(), server.endpoint(), REPO)
                        .redirectErrorStream(true).redirectOutput(tmp.resolve("process-" + i + ".log").toFile()).start());
            }
            for (Process process : processes) {
                assertThat(process.waitFor(25, TimeUnit.SECONDS)).as("child finished in time").isTrue();
                assertThat(process.exitValue()).as("child exit code").isZero();
            }
        } finally {
            processes.forEach(Process::destroyForcibly);
        }
        for (int i = 0; i < 2; i++) {
            assertThat(Files.readString(tmp.resolve("process-" + i + ".log")))
                    .contains(cacheDir.resolve("models--org--tiny/snapshots/" + MAIN).toString());
        }
        assertThat(server.count("storage", "GET", "/blobs/")).isEqualTo(1);
        Path snapshot = cacheDir.resolve("models--org--tiny/snapshots/" + MAIN);
        assertThat(Files.readAllBytes(snapshot.resolve("model.safetensors"))).isEqualTo(files.get("model.safetensors"));
        assertThat(incompleteFiles()).isEmpty();
    }

    @Test
    void aFullDiskLeavesOnlyAnIncompleteFileThatTheNextRunResumes() throws IOException {
        HubOptions options = options();
        HubClient.OutputOpener fillsUp = (file, append) -> new FilterOutputStream(HubClient.FILES.open(file, append)) {
            long written;

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (written + len > 100_000) {
                    throw new IOException("No space left on device");
                }
                written += len;
                out.write(b, off, len);
            }
        };
        ModelResolver full = new ModelResolver(options, DownloadProgress.none(), new HubClient(options, fillsUp));
        assertThatThrownBy(() -> full.resolve(REPO))
                .isInstanceOfSatisfying(HubException.class, e -> {
                    assertThat(e.reason()).isEqualTo(HubException.Reason.DISK);
                    assertThat(e.getMessage()).contains("No space left on device", "HF_HUB_CACHE", ".incomplete");
                });
        String sha = FakeHub.sha256(files.get("model.safetensors"));
        Path blobs = cacheDir.resolve("models--org--tiny/blobs");
        assertThat(blobs.resolve(sha)).doesNotExist();
        assertThat(blobs.resolve(sha + ".incomplete")).exists();
        assertThat(cacheDir.resolve("models--org--tiny/snapshots/" + MAIN + "/model.safetensors")).doesNotExist();

        ResolvedModel model = new ModelResolver(options, DownloadProgress.none()).resolve(REPO);
        assertThat(Files.readAllBytes(model.file("model.safetensors"))).isEqualTo(files.get("model.safetensors"));
        assertThat(server.requests("storage").get(1).range()).matches("bytes=\\d+-").isNotEqualTo("bytes=0-");
    }

    @Test
    void anUnwritableCacheIsReportedAsSuch() throws IOException {
        Path notADirectory = Files.writeString(tmp.resolve("plain-file"), "x");
        HubOptions options = options().withCacheDir(notADirectory.resolve("hub"));
        assertThatThrownBy(() -> new ModelResolver(options, DownloadProgress.none()).resolve(REPO))
                .isInstanceOfSatisfying(HubException.class, e -> {
                    assertThat(e.reason()).isEqualTo(HubException.Reason.DISK);
                    assertThat(e.getMessage()).contains("Cannot write to the Hugging Face cache", notADirectory.toString());
                });
    }

    // ------------------------------------------------------------------------------------------ offline & cache

    @Test
    void offlineUsesWhatWasDownloadedWithoutAnyRequest() {
        new ModelResolver(options(), DownloadProgress.none()).resolve(REPO);
        int before = server.requests.size();

        ResolvedModel offline = new ModelResolver(options().withOffline(true), DownloadProgress.none()).resolve(REPO);
        ResolvedModel online = new ModelResolver(options(), DownloadProgress.none()).resolve(REPO);

        assertThat(server.requests).hasSize(before);
        assertThat(offline.source()).isEqualTo(ResolvedModel.Source.CACHE);
        assertThat(offline.commit()).isEqualTo(MAIN);
        assertThat(offline.missingOptionalFiles()).containsExactly("generation_config.json", "tokenizer_config.json");
        assertThat(online.directory()).isEqualTo(offline.directory());
    }

    @Test
    void offlineWithoutACacheSaysWhatWasTriedAndHowToProceed() {
        assertThatThrownBy(() -> new ModelResolver(options().withOffline(true), DownloadProgress.none()).resolve("gpt2"))
                .isInstanceOfSatisfying(ModelUnavailableException.class, e -> {
                    assertThat(e.reason()).isEqualTo(HubException.Reason.OFFLINE_NOT_CACHED);
                    assertThat(e.getMessage()).contains(
                            cacheDir.resolve("models--openai-community--gpt2").toString(),
                            cacheDir.resolve("models--gpt2").toString(),
                            "HF_HUB_OFFLINE", "--model /path/to/model", "--model demo");
                });
        assertThat(server.requests).isEmpty();
    }

    @Test
    void noNetworkAndNothingCachedNamesTheUrlAndTheWaysForward() throws IOException {
        HubOptions unreachable = options().withEndpoint("http://127.0.0.1:" + closedPort());
        long started = System.nanoTime();
        assertThatThrownBy(() -> new ModelResolver(unreachable, DownloadProgress.none()).resolve(REPO))
                .isInstanceOfSatisfying(ModelUnavailableException.class, e -> {
                    assertThat(e.reason()).isEqualTo(HubException.Reason.NETWORK);
                    assertThat(e.getMessage()).contains(unreachable.endpoint() + "/org/tiny/resolve/main/config.json",
                            cacheDir.resolve("models--org--tiny").toString(), "network", "HF_ENDPOINT",
                            "--model /path/to/model", "--model demo");
                });
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void noNetworkFallsBackToACachedSnapshot() throws IOException {
        new ModelResolver(options(), DownloadProgress.none()).resolve(REPO);
        // forget that an optional file was missing: the resolver now wants to ask the Hub about it
        Files.delete(cacheDir.resolve("models--org--tiny/.no_exist/" + MAIN + "/generation_config.json"));
        HubOptions unreachable = options().withEndpoint("http://127.0.0.1:" + closedPort());

        ResolvedModel model = new ModelResolver(unreachable, DownloadProgress.none()).resolve(REPO);

        assertThat(model.source()).isEqualTo(ResolvedModel.Source.CACHE);
        assertThat(model.commit()).isEqualTo(MAIN);
        assertThat(model.missingOptionalFiles()).contains("generation_config.json");
    }

    @Test
    void aCacheWrittenInThePythonLayoutIsUsedWithoutAnyRequest() throws IOException {
        writePythonCache("openai-community/gpt2", MAIN, files);

        ResolvedModel online = new ModelResolver(options(), DownloadProgress.none()).resolve("openai-community/gpt2");
        assertThat(server.requests).isEmpty();
        assertThat(online.source()).isEqualTo(ResolvedModel.Source.CACHE);
        assertThat(Files.readAllBytes(online.file("model.safetensors"))).isEqualTo(files.get("model.safetensors"));

        // HF_HUB_OFFLINE=1 from the environment and no server at all
        Map<String, String> env = Map.of("HF_HUB_CACHE", cacheDir.toString(), "HF_HUB_OFFLINE", "1",
                "HF_ENDPOINT", "http://127.0.0.1:" + closedPort(), "HF_HOME", tmp.resolve("hf-home").toString());
        ResolvedModel offline = new ModelResolver(HubOptions.fromEnvironment(env, false), DownloadProgress.none())
                .resolve("gpt2");
        assertThat(offline.directory()).isEqualTo(cacheDir.resolve("models--openai-community--gpt2/snapshots/" + MAIN));
        assertThat(offline.repoId()).isEqualTo("openai-community/gpt2");
    }

    @Test
    void aLegacyBareIdIsFoundInOlderPythonCachesAndDownloadedUnderItsCanonicalName() throws IOException {
        writePythonCache("gpt2", OLD, files); // what Python writes for from_pretrained("gpt2")
        ResolvedModel legacy = new ModelResolver(options().withOffline(true), DownloadProgress.none()).resolve("gpt2");
        assertThat(legacy.directory()).isEqualTo(cacheDir.resolve("models--gpt2/snapshots/" + OLD));

        server.repo("openai-community/gpt2").commit(MAIN, files).ref("main", MAIN);
        ResolvedModel fresh = new ModelResolver(options(), DownloadProgress.none()).download("gpt2");
        assertThat(fresh.directory()).isEqualTo(cacheDir.resolve("models--openai-community--gpt2/snapshots/" + MAIN));
        assertThat(server.requests("hub")).allSatisfy(r -> assertThat(r.path()).startsWith("/openai-community/gpt2/"));
    }

    @Test
    void aRenamedRepositoryIsFollowedThroughItsRelativeRedirect() {
        server.renames.put("old-org/tiny", REPO);
        ResolvedModel model = new ModelResolver(options(), DownloadProgress.none()).resolve("old-org/tiny");
        assertThat(model.commit()).isEqualTo(MAIN);
        assertThat(model.directory()).isEqualTo(cacheDir.resolve("models--old-org--tiny/snapshots/" + MAIN));
    }

    // ------------------------------------------------------------------------------------------ revisions

    @Test
    void revisionsCanBeABranchATagACommitOrAPullRequestRef() throws IOException {
        Map<String, byte[]> tagged = modelFiles(2, 50_000);
        Map<String, byte[]> old = modelFiles(3, 40_000);
        String pr = sha1Hex("pr commit");
        server.repo(REPO).commit(TAGGED, tagged).ref("v1.0", TAGGED).commit(OLD, old).commit(pr, tagged)
                .ref("refs/pr/1", pr);
        ModelResolver resolver = new ModelResolver(options(), DownloadProgress.none());

        ResolvedModel branch = resolver.resolve(REPO + "@main");
        ResolvedModel tag = resolver.resolve(REPO + "@v1.0");
        ResolvedModel commit = resolver.resolve(REPO + "@" + OLD);
        ResolvedModel pullRequest = resolver.resolve(REPO + "@refs/pr/1");

        assertThat(List.of(branch.commit(), tag.commit(), commit.commit(), pullRequest.commit()))
                .containsExactly(MAIN, TAGGED, OLD, pr);
        assertThat(Files.readAllBytes(tag.file("model.safetensors"))).isEqualTo(tagged.get("model.safetensors"));
        assertThat(Files.readAllBytes(commit.file("model.safetensors"))).isEqualTo(old.get("model.safetensors"));
        Path refs = cacheDir.resolve("models--org--tiny/refs");
        assertThat(Files.readString(refs.resolve("main"))).isEqualTo(MAIN);
        assertThat(Files.readString(refs.resolve("v1.0"))).isEqualTo(TAGGED);
        assertThat(Files.readString(refs.resolve("refs/pr/1"))).isEqualTo(pr); // sub-folders, as Python
        assertThat(refs.resolve(OLD)).doesNotExist();
        // the encoded revision went over the wire as one path segment
        assertThat(server.requests("hub")).anySatisfy(r -> assertThat(r.path()).contains("/resolve/refs%2Fpr%2F1/"));
        // the shared blob of the tag and the PR was downloaded once
        assertThat(server.count("storage", "GET", FakeHub.sha256(tagged.get("model.safetensors")))).isEqualTo(1);

        int before = server.requests.size();
        ModelResolver offline = new ModelResolver(options().withOffline(true), DownloadProgress.none());
        assertThat(offline.resolve(REPO + "@v1.0").commit()).isEqualTo(TAGGED);
        assertThat(offline.resolve(REPO + "@" + OLD).commit()).isEqualTo(OLD);
        assertThat(offline.resolve(REPO + "@refs/pr/1").commit()).isEqualTo(pr);
        assertThat(server.requests).hasSize(before);
    }

    @Test
    void downloadAsksTheHubAgainWhileResolveStaysOnTheCache() {
        new ModelResolver(options(), DownloadProgress.none()).resolve(REPO);
        Map<String, byte[]> newer = new HashMap<>(files);
        newer.put("model.safetensors", randomBytes(9, 20_000));
        server.repo(REPO).commit(TAGGED, newer).ref("main", TAGGED);
        int before = server.requests.size();

        assertThat(new ModelResolver(options(), DownloadProgress.none()).resolve(REPO).commit()).isEqualTo(MAIN);
        assertThat(server.requests).hasSize(before);

        ResolvedModel refreshed = new ModelResolver(options(), DownloadProgress.none()).download(REPO);
        assertThat(refreshed.commit()).isEqualTo(TAGGED);
        assertThat(server.count("hub", "GET", "/config.json")).isEqualTo(1); // unchanged blob reused
        assertThat(new ModelResolver(options().withOffline(true), DownloadProgress.none()).resolve(REPO).commit())
                .isEqualTo(TAGGED);
    }

    @Test
    void aShardedModelFetchesTheIndexAndEveryShard() throws IOException {
        Map<String, byte[]> sharded = new LinkedHashMap<>();
        sharded.put("config.json", bytes("{\"n_layer\": 2}"));
        sharded.put("model.safetensors.index.json", bytes("{\"metadata\":{},\"weight_map\":{"
                + "\"h.0.attn.c_attn.weight\":\"model-00001-of-00002.safetensors\","
                + "\"h.1.attn.c_attn.weight\":\"model-00002-of-00002.safetensors\","
                + "\"wte.weight\":\"model-00001-of-00002.safetensors\"}}"));
        sharded.put("model-00001-of-00002.safetensors", randomBytes(4, 30_000));
        sharded.put("model-00002-of-00002.safetensors", randomBytes(5, 20_000));
        server.repo("org/sharded").commit(OLD, sharded).ref("main", OLD);

        ResolvedModel model = new ModelResolver(options(), DownloadProgress.none()).resolve("org/sharded");

        assertThat(model.weightFiles()).containsExactly("model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors");
        for (String shard : model.weightFiles()) {
            assertThat(Files.readAllBytes(model.file(shard))).isEqualTo(sharded.get(shard));
        }
        assertThat(cacheDir.resolve("models--org--sharded/.no_exist/" + OLD + "/model.safetensors")).exists();
        assertThat(model.missingOptionalFiles()).containsExactlyElementsOf(ModelFiles.OPTIONAL.stream().sorted().toList());
        int before = server.requests.size();
        assertThat(new ModelResolver(options().withOffline(true), DownloadProgress.none()).resolve("org/sharded")
                .weightFiles()).hasSize(2);
        assertThat(server.requests).hasSize(before);
    }

    // ------------------------------------------------------------------------------------------ helpers

    HubOptions options() {
        Map<String, String> env = Map.of(
                "HF_HUB_CACHE", cacheDir.toString(),
                "HF_ENDPOINT", server.endpoint() + "/",
                "HF_HOME", tmp.resolve("hf-home").toString());
        return HubOptions.fromEnvironment(env, false)
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(3))
                .withRetries(3, Duration.ofMillis(5));
    }

    /** Writes a snapshot exactly as huggingface_hub does: blobs by etag, relative symlinks, refs/main. */
    void writePythonCache(String repoId, String commit, Map<String, byte[]> content) throws IOException {
        Path repoFolder = cacheDir.resolve("models--" + repoId.replace("/", "--"));
        Path snapshot = Files.createDirectories(repoFolder.resolve("snapshots").resolve(commit));
        Files.createDirectories(repoFolder.resolve("blobs"));
        for (Map.Entry<String, byte[]> file : content.entrySet()) {
            String etag = FakeHub.isLfs(file.getKey()) ? FakeHub.sha256(file.getValue()) : FakeHub.gitSha1(file.getValue());
            Files.write(repoFolder.resolve("blobs").resolve(etag), file.getValue());
            Files.createSymbolicLink(snapshot.resolve(file.getKey()), Path.of("../../blobs/" + etag));
        }
        for (String optional : ModelFiles.OPTIONAL) {
            if (!content.containsKey(optional)) {
                Path marker = repoFolder.resolve(".no_exist").resolve(commit).resolve(optional);
                Files.createDirectories(marker.getParent());
                Files.createFile(marker);
            }
        }
        Files.createDirectories(repoFolder.resolve("refs"));
        Files.writeString(repoFolder.resolve("refs/main"), commit);
    }

    List<Path> incompleteFiles() {
        if (!Files.exists(cacheDir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(cacheDir)) {
            return walk.filter(p -> p.getFileName().toString().endsWith(".incomplete")).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static Map<String, byte[]> modelFiles(int seed, int weightBytes) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("config.json", bytes("{\"model_type\": \"gpt2\", \"n_layer\": " + seed + "}"));
        files.put("model.safetensors", randomBytes(seed, weightBytes));
        files.put("tokenizer.json", bytes("{\"version\": \"1.0\", \"seed\": " + seed + "}"));
        files.put("vocab.json", bytes("{\"!\": 0}"));
        files.put("merges.txt", bytes("#version: 0.2\n"));
        return files;
    }

    static byte[] randomBytes(int seed, int length) {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        return data;
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String sha1Hex(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1").digest(bytes(text)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
