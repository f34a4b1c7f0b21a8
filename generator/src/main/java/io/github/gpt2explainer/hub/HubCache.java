package io.github.gpt2explainer.hub;

import io.github.gpt2explainer.text.TerminalText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Hugging Face Hub cache layout, byte for byte what huggingface_hub writes and reads:
 *
 * <pre>
 * {cache}/models--{org}--{name}/
 *     blobs/{etag}                       file contents, named by sha256 (LFS) or git sha1 (small files)
 *     blobs/{etag}.incomplete            a download in progress (resumable)
 *     snapshots/{commit}/{file}          relative symlink to ../../blobs/{etag}
 *     refs/{revision}                    the commit a branch or tag pointed to (refs/pr/1 makes sub-folders)
 *     .no_exist/{commit}/{file}          empty marker: the file does not exist at that commit
 * {cache}/.locks/models--{org}--{name}/{etag}.lock
 * </pre>
 */
public final class HubCache {

    private static final Pattern COMMIT_HASH = Pattern.compile("[0-9a-f]{40}");
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_.-]+");

    private final Path root;

    public HubCache(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** {@code models--org--name}, as huggingface_hub's repo_folder_name. */
    public static String folderName(String repoId) {
        return "models--" + repoId.replace("/", "--");
    }

    public static boolean isCommitHash(String revision) {
        return revision != null && COMMIT_HASH.matcher(revision).matches();
    }

    public Path repoFolder(String repoId) {
        return root.resolve(folderName(repoId));
    }

    public Path blob(String repoId, String etag) {
        return repoFolder(repoId).resolve("blobs").resolve(checkName("ETag", etag));
    }

    public Path incompleteBlob(String repoId, String etag) {
        return repoFolder(repoId).resolve("blobs").resolve(checkName("ETag", etag) + ".incomplete");
    }

    public Path lockFile(String repoId, String etag) {
        return root.resolve(".locks").resolve(folderName(repoId)).resolve(checkName("ETag", etag) + ".lock");
    }

    public Path snapshotDir(String repoId, String commit) {
        return repoFolder(repoId).resolve("snapshots").resolve(checkName("commit", commit));
    }

    public Path pointer(String repoId, String commit, String file) {
        return snapshotDir(repoId, commit).resolve(file);
    }

    /**
     * {@code snapshots/{commit}/{file}} once it is known to be what the cache layout says: a link that resolves to a
     * file directly in this repository's {@code blobs/}, or a plain file (where links are not allowed the blob is
     * copied) reached through no link at all. Anything else, such as a link to a file elsewhere on the disk, is
     * refused before it is opened, and the message names the entry but nothing of what it points to.
     */
    public Path checkedPointer(String repoId, String commit, String file) {
        Path pointer = pointer(repoId, commit, file);
        Path repo = repoFolder(repoId);
        try {
            Path repoReal = repo.toRealPath();
            Path real = pointer.toRealPath();
            boolean inBlobs = repoReal.resolve("blobs").equals(real.getParent());
            boolean plainCopy = real.equals(repoReal.resolve(repo.relativize(pointer)));
            if ((inBlobs || plainCopy) && Files.isRegularFile(real)) {
                return pointer;
            }
        } catch (IOException e) {
            // a dangling or unreadable link: refused like a foreign one
        }
        throw new HubException(HubException.Reason.BROKEN_CACHE, "The Hugging Face cache entry " + pointer
                + " does not lead to a file in " + repo.resolve("blobs") + ", so it was not opened. Delete the folder "
                + snapshotDir(repoId, commit) + " and run again to download the model afresh.");
    }

    public Path noExistMarker(String repoId, String commit, String file) {
        return repoFolder(repoId).resolve(".no_exist").resolve(checkName("commit", commit)).resolve(file);
    }

    public Path refFile(String repoId, String revision) {
        return repoFolder(repoId).resolve("refs").resolve(revision);
    }

    /**
     * The commit a revision stands for according to the cache: the revision itself when it is a 40-hex commit
     * with a snapshot folder, else the content of {@code refs/{revision}}.
     */
    public Optional<String> resolveCommit(String repoId, String revision) {
        if (isCommitHash(revision) && Files.isDirectory(snapshotDir(repoId, revision))) {
            return Optional.of(revision);
        }
        Path ref = refFile(repoId, revision);
        if (!Files.isRegularFile(ref)) {
            return Optional.empty();
        }
        try {
            String commit = Files.readString(ref, StandardCharsets.UTF_8).strip();
            return SAFE_NAME.matcher(commit).matches() && !commit.startsWith(".") ? Optional.of(commit) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Records that {@code revision} pointed to {@code commit}; nothing to record when it is the commit. */
    public void writeRef(String repoId, String revision, String commit) throws IOException {
        if (revision.equals(commit)) {
            return;
        }
        Path ref = refFile(repoId, revision);
        if (Files.isRegularFile(ref) && Files.readString(ref, StandardCharsets.UTF_8).equals(commit)) {
            return;
        }
        writeAtomically(ref, commit);
    }

    /** Records that {@code file} does not exist at {@code commit}, so later runs need not ask again. */
    public void markMissing(String repoId, String commit, String file) throws IOException {
        Path marker = noExistMarker(repoId, commit, file);
        Files.createDirectories(marker.getParent());
        try {
            Files.createFile(marker);
        } catch (FileAlreadyExistsException e) {
            // already recorded
        }
    }

    public boolean isMarkedMissing(String repoId, String commit, String file) {
        return Files.exists(noExistMarker(repoId, commit, file));
    }

    /**
     * Makes {@code snapshots/{commit}/{file}} a relative symlink to the blob ({@code ../../blobs/{etag}}, one more
     * {@code ..} per folder in the file name), as Python does. Where symlinks are not allowed the blob is copied.
     */
    public Path link(String repoId, String commit, String file, String etag) throws IOException {
        Path pointer = pointer(repoId, commit, file);
        Path blob = blob(repoId, etag);
        Files.createDirectories(pointer.getParent());
        Path target = pointer.getParent().relativize(blob);
        if (Files.isSymbolicLink(pointer) && Files.readSymbolicLink(pointer).equals(target)) {
            return pointer;
        }
        Files.deleteIfExists(pointer);
        try {
            Files.createSymbolicLink(pointer, target);
        } catch (UnsupportedOperationException | IOException e) {
            if (e instanceof FileAlreadyExistsException) {
                return pointer; // another process linked it between our delete and create
            }
            Files.copy(blob, pointer, StandardCopyOption.REPLACE_EXISTING);
        }
        return pointer;
    }

    static void writeAtomically(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Path temp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
        try {
            Files.writeString(temp, content, StandardCharsets.UTF_8);
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Server-provided names become path components: refuse anything that could leave the cache folder. */
    static String checkName(String what, String name) {
        if (name == null || !SAFE_NAME.matcher(name).matches() || name.startsWith(".")) {
            throw new HubException(HubException.Reason.PROTOCOL,
                    "The server sent an unusable " + what + " '" + TerminalText.escape(name) + "': expected letters, digits, '-', '_' or '.'");
        }
        return name;
    }
}
