package io.github.gpt2explainer.hub;

/**
 * A failure to obtain a model from the Hub or its cache. The message is meant for the user: it says what was
 * tried and what to do next. {@link #reason()} lets the CLI choose an exit code without parsing the message.
 */
public class HubException extends RuntimeException {

    /** Why a model could not be obtained; stable so the CLI can map each to an exit code. */
    public enum Reason {
        /** The spec given to --model is malformed (bad characters, empty, "..", missing local directory). */
        INVALID_SPEC,
        /** Repository, revision or required file does not exist (HTTP 404). */
        NOT_FOUND,
        /** HTTP 401/403: gated or private repository, missing or bad token. */
        UNAUTHORIZED,
        /** Offline mode is on and the cache has no complete copy. */
        OFFLINE_NOT_CACHED,
        /** The Hub could not be reached (connection refused, DNS, timeout, repeated 5xx) and nothing is cached. */
        NETWORK,
        /** A downloaded file did not match its sha256; it was discarded. */
        CHECKSUM,
        /** The cache could not be written (disk full, not writable). */
        DISK,
        /** The repository exists but has no weights in a format this tool reads (safetensors). */
        UNSUPPORTED,
        /** The server answered, but not like the Hub (no X-Repo-Commit / ETag, bad redirect, bad index). */
        PROTOCOL,
        /** A cache entry leads outside its repository's {@code blobs/} (a foreign symlink); it was not opened. */
        BROKEN_CACHE
    }

    private final Reason reason;

    public HubException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public HubException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
