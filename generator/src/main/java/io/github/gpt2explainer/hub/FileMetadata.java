package io.github.gpt2explainer.hub;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * What a metadata (HEAD) request on {@code /resolve/} tells about one file.
 *
 * @param commit      {@code X-Repo-Commit}: the commit the revision resolved to
 * @param etag        {@code X-Linked-Etag} else {@code ETag}, without quotes or {@code W/}: sha256 for LFS files,
 *                    git blob sha1 for small ones; also the blob's file name in the cache
 * @param size        {@code X-Linked-Size} else {@code Content-Length}; -1 when the server sent neither
 * @param downloadUrl where to GET the bytes: the storage host's URL for LFS files, else the resolve URL
 */
public record FileMetadata(String commit, String etag, long size, URI downloadUrl) {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /** Only a 64-hex etag is a sha256 of the content; git sha1 etags of small files are not verified. */
    public boolean isSha256() {
        return SHA256.matcher(etag).matches();
    }

    /** {@code "abc"} and {@code W/"abc"} both become {@code abc}, as huggingface_hub normalises them. */
    static String normaliseEtag(String raw) {
        if (raw == null) {
            return null;
        }
        String etag = raw.strip();
        if (etag.startsWith("W/")) {
            etag = etag.substring(2);
        }
        if (etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
            etag = etag.substring(1, etag.length() - 1);
        }
        return etag.isEmpty() ? null : etag;
    }
}
