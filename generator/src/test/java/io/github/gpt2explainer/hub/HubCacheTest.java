package io.github.gpt2explainer.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Layout details and the protocol's small transformations, against what huggingface_hub does. */
class HubCacheTest {

    @TempDir
    Path tmp;

    @Test
    void nestedFileNamesGetOneMoreDotDotPerFolder() throws IOException {
        HubCache cache = new HubCache(tmp);
        String commit = "0123456789abcdef0123456789abcdef01234567";
        Files.createDirectories(cache.blob("org/m", "abc").getParent());
        Files.writeString(cache.blob("org/m", "abc"), "payload");

        Path pointer = cache.link("org/m", commit, "onnx/decoder/model.json", "abc");

        assertThat(pointer).isEqualTo(tmp.resolve("models--org--m/snapshots/" + commit + "/onnx/decoder/model.json"));
        assertThat(Files.readSymbolicLink(pointer)).isEqualTo(Path.of("../../../../blobs/abc"));
        assertThat(Files.readString(pointer)).isEqualTo("payload");
    }

    @Test
    void refsResolveBranchesAndTagsAndCommitsOnlyWithASnapshot() throws IOException {
        HubCache cache = new HubCache(tmp);
        String commit = "0123456789abcdef0123456789abcdef01234567";
        cache.writeRef("org/m", "refs/pr/7", commit);
        cache.writeRef("org/m", commit, commit); // a commit needs no ref

        assertThat(Files.readString(tmp.resolve("models--org--m/refs/refs/pr/7"))).isEqualTo(commit);
        assertThat(tmp.resolve("models--org--m/refs/" + commit)).doesNotExist();
        assertThat(cache.resolveCommit("org/m", "refs/pr/7")).contains(commit);
        assertThat(cache.resolveCommit("org/m", commit)).isEmpty();
        Files.createDirectories(cache.snapshotDir("org/m", commit));
        assertThat(cache.resolveCommit("org/m", commit)).contains(commit);
    }

    @Test
    void serverNamesThatCouldLeaveTheCacheAreRefused() {
        HubCache cache = new HubCache(tmp);
        assertThatThrownBy(() -> cache.blob("org/m", "../../etc/passwd"))
                .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.reason()).isEqualTo(HubException.Reason.PROTOCOL));
        assertThatThrownBy(() -> cache.snapshotDir("org/m", ".."))
                .isInstanceOf(HubException.class).hasMessageContaining("commit");
        assertThat(ModelFiles.isSafeRelativeName("model-00001-of-00002.safetensors")).isTrue();
        assertThat(ModelFiles.isSafeRelativeName("../x.safetensors")).isFalse();
        assertThat(ModelFiles.isSafeRelativeName("/abs.safetensors")).isFalse();
    }

    @Test
    void etagsAreNormalisedAndOnlySha256EtagsAreChecksums() {
        assertThat(FileMetadata.normaliseEtag("W/\"abc\"")).isEqualTo("abc");
        assertThat(FileMetadata.normaliseEtag("\"abc\"")).isEqualTo("abc");
        assertThat(FileMetadata.normaliseEtag("\"\"")).isNull();
        assertThat(new FileMetadata("c", "a".repeat(64), 1, URI.create("http://h/")).isSha256()).isTrue();
        assertThat(new FileMetadata("c", "a".repeat(40), 1, URI.create("http://h/")).isSha256()).isFalse();
    }

    @Test
    void urlsQuoteTheRevisionWholeAndTheFileNameBySegment() {
        HubOptions options = HubOptions.fromEnvironment(java.util.Map.of("HF_HUB_CACHE", tmp.toString()), false);
        HubClient client = new HubClient(options);
        assertThat(client.resolveUrl("openai-community/gpt2", "refs/pr/1", "onnx/model file.json").toString())
                .isEqualTo("https://huggingface.co/openai-community/gpt2/resolve/refs%2Fpr%2F1/onnx/model%20file.json");
        assertThat(HubClient.sameHost(URI.create("https://huggingface.co/x"), URI.create("https://huggingface.co:443/y"))).isTrue();
        assertThat(HubClient.sameHost(URI.create("http://127.0.0.1:80/x"), URI.create("http://localhost/y"))).isFalse();
    }
}
