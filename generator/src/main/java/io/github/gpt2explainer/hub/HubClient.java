package io.github.gpt2explainer.hub;

import io.github.gpt2explainer.text.TerminalText;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Hub's file protocol over the JDK's HttpClient, following huggingface_hub's {@code file_download.py}:
 * a HEAD on {@code {endpoint}/{repo}/resolve/{revision}/{file}} for the metadata (relative redirects followed,
 * an absolute one marks the storage host), then a GET of the bytes with resume, retries and sha256 check.
 * Redirects are always followed by hand so that the token never leaves the endpoint's host.
 */
final class HubClient {

    /** Opens the {@code .incomplete} file for writing; replaceable in tests to simulate a full disk. */
    @FunctionalInterface
    interface OutputOpener {
        OutputStream open(Path file, boolean append) throws IOException;
    }

    static final OutputOpener FILES = (file, append) -> Files.newOutputStream(file, StandardOpenOption.CREATE,
            StandardOpenOption.WRITE, append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);

    /**
     * The most bytes one file may have: a body that announces no size stops here, and a larger announced size is
     * refused before any byte is written. The largest GPT-2 file (gpt2-xl's model.safetensors) is 6.4 GB.
     */
    static final long MAX_DOWNLOAD_SIZE = 8L << 30;

    private static final Logger LOG = LoggerFactory.getLogger(HubClient.class);
    private static final int MAX_REDIRECTS = 10;
    private static final long FORGIVING_PROGRESS = 1 << 20;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
    private static final String USER_AGENT = "gpt2-explainer/0.1; java/" + Runtime.version().feature();
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes\\s+(\\d+)-(\\d+)/(\\d+|\\*)");
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hub-download-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final HubOptions options;
    private final URI endpoint;
    private final HttpClient http;
    private final OutputOpener opener;
    private final long maxDownloadSize;

    HubClient(HubOptions options) {
        this(options, FILES);
    }

    HubClient(HubOptions options, OutputOpener opener) {
        this(options, opener, MAX_DOWNLOAD_SIZE);
    }

    /** {@code maxDownloadSize} replaces {@link #MAX_DOWNLOAD_SIZE} in tests. */
    HubClient(HubOptions options, OutputOpener opener, long maxDownloadSize) {
        this.options = options;
        this.endpoint = URI.create(options.endpoint());
        this.opener = opener;
        this.maxDownloadSize = maxDownloadSize;
        this.http = HttpClient.newBuilder()
                .connectTimeout(options.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** {@code {endpoint}/{repo}/resolve/{revision}/{file}}: revision fully quoted (refs/pr/1 -> refs%2Fpr%2F1). */
    URI resolveUrl(String repoId, String revision, String file) {
        return URI.create(options.endpoint() + "/" + repoId + "/resolve/" + percentEncode(revision, false) + "/"
                + percentEncode(file, true));
    }

    // ---------------------------------------------------------------------------------------------- metadata

    /**
     * HEAD with {@code Accept-Encoding: identity}. Throws {@link EntryNotFoundException} for a missing file,
     * {@link ModelUnavailableException} for missing repo/revision, auth and network failures.
     */
    FileMetadata metadata(String repoId, String revision, String file) {
        URI url = resolveUrl(repoId, revision, file);
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpResponse<Void> response = headWithRetries(url);
            int status = response.statusCode();
            HttpHeaders headers = response.headers();
            if (status >= 300 && status < 400) {
                URI target = redirectTarget(url, status, headers);
                boolean relative = URI.create(headers.firstValue("Location").orElseThrow().strip()).getHost() == null;
                boolean carriesMetadata = headers.firstValue("X-Repo-Commit").isPresent()
                        || headers.firstValue("X-Linked-Etag").isPresent();
                if (relative || (!carriesMetadata && sameHost(target, url))) {
                    url = target; // the Hub renames repositories this way; the metadata is further on
                    continue;
                }
                // another host: an LFS file whose bytes live on the storage host; the metadata is on this answer
                return toMetadata(headers, target, url);
            }
            if (status >= 200 && status < 300) {
                return toMetadata(headers, url, url);
            }
            throw httpError(status, headers, url, repoId, revision, file);
        }
        throw new HubException(HubException.Reason.PROTOCOL, "More than " + MAX_REDIRECTS + " redirects from "
                + resolveUrl(repoId, revision, file));
    }

    private HttpResponse<Void> headWithRetries(URI url) {
        int attempt = 0;
        while (true) {
            HttpRequest request = baseRequest(url).method("HEAD", HttpRequest.BodyPublishers.noBody()).build();
            try {
                HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
                if (isRetryable(response.statusCode()) && attempt < options.maxRetries()) {
                    LOG.warn("HTTP {} from {}; retrying", response.statusCode(), url);
                    sleepBackoff(attempt++);
                    continue;
                }
                if (isRetryable(response.statusCode())) {
                    throw new ModelUnavailableException(HubException.Reason.NETWORK, "The server answered HTTP "
                            + response.statusCode() + " to " + (attempt + 1) + " requests for " + url);
                }
                return response;
            } catch (ConnectException e) {
                // refused or unresolvable host: no point insisting, the caller falls back to the cache
                throw networkFailure(url, e);
            } catch (IOException e) {
                if (attempt >= options.maxRetries()) {
                    throw networkFailure(url, e);
                }
                LOG.warn("{} for {}; retrying", describe(e), url);
                sleepBackoff(attempt++);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ModelUnavailableException(HubException.Reason.NETWORK, "Interrupted while contacting " + url, e);
            }
        }
    }

    private static FileMetadata toMetadata(HttpHeaders headers, URI downloadUrl, URI requestUrl) {
        String commit = headers.firstValue("X-Repo-Commit").map(String::strip).orElse(null);
        String etag = FileMetadata.normaliseEtag(headers.firstValue("X-Linked-Etag")
                .orElse(headers.firstValue("ETag").orElse(null)));
        if (commit == null || commit.isEmpty() || etag == null) {
            throw new HubException(HubException.Reason.PROTOCOL, "The server at " + requestUrl
                    + " did not answer like the Hugging Face Hub (no " + (commit == null ? "X-Repo-Commit" : "ETag")
                    + " header). Check HF_ENDPOINT and any proxy between you and the Hub.");
        }
        HubCache.checkName("commit", commit);
        HubCache.checkName("ETag", etag);
        long size = headers.firstValue("X-Linked-Size").or(() -> headers.firstValue("Content-Length"))
                .map(HubClient::parseLongOrMinusOne).orElse(-1L);
        return new FileMetadata(commit, etag, size, downloadUrl);
    }

    private HubException httpError(int status, HttpHeaders headers, URI url, String repoId, String revision, String file) {
        String code = headers.firstValue("X-Error-Code").orElse("");
        String serverMessage = headers.firstValue("X-Error-Message")
                .map(m -> " The server said: " + TerminalText.escape(m)).orElse("");
        String repoPage = options.endpoint() + "/" + repoId;
        if (code.equals("RepoNotFound")) {
            return new ModelUnavailableException(HubException.Reason.NOT_FOUND, "Repository '" + repoId
                    + "' was not found at " + options.endpoint() + " (HTTP " + status + " for " + url + ")."
                    + serverMessage + " Check the id, e.g. " + ModelSpec.DEFAULT_MODEL + ". If it is private or gated: "
                    + tokenHint(repoPage));
        }
        if (code.equals("RevisionNotFound")) {
            return new ModelUnavailableException(HubException.Reason.NOT_FOUND, "Revision '" + revision
                    + "' does not exist in repository '" + repoId + "' (HTTP " + status + " for " + url + ")."
                    + serverMessage + " Use a branch, tag or commit listed at " + repoPage + "/tree/main.");
        }
        if (code.equals("GatedRepo") || status == 401 || status == 403) {
            return new ModelUnavailableException(HubException.Reason.UNAUTHORIZED, "Access to '" + repoId
                    + "' was refused (HTTP " + status + " for " + url + ")." + serverMessage + " " + tokenHint(repoPage));
        }
        if (code.equals("EntryNotFound") || status == 404) {
            return new EntryNotFoundException("File '" + file + "' was not found in repository '" + repoId
                    + "' at revision '" + revision + "' (HTTP " + status + " for " + url + ")." + serverMessage,
                    headers.firstValue("X-Repo-Commit").map(String::strip).orElse(null));
        }
        return new ModelUnavailableException(HubException.Reason.PROTOCOL, "Unexpected HTTP " + status + " for "
                + url + "." + serverMessage);
    }

    private String tokenHint(String repoPage) {
        String sent = options.token() != null
                ? "A token was sent and refused: check that it is valid and has read access to this repository."
                : "No token was found (HF_TOKEN, HUGGING_FACE_HUB_TOKEN, or the file " + options.tokenFile() + ").";
        return "set HF_TOKEN to an access token from " + options.endpoint() + "/settings/tokens (or log in with"
                + " `hf auth login`, which writes " + options.tokenFile() + "), and for a gated model first accept"
                + " its licence at " + repoPage + ". " + sent;
    }

    // ---------------------------------------------------------------------------------------------- download

    /**
     * Downloads the bytes described by {@code meta} into {@code incomplete}, resuming what is already there.
     * On return the file is complete and, for sha256 etags, verified; the caller renames it into place.
     */
    void download(FileMetadata meta, String repoId, String revision, String file, Path incomplete,
                  DownloadProgress progress) {
        int failures = 0;
        boolean resumedSomewhere = false;
        boolean restartedClean = false;
        IOException lastFailure = null;
        if (meta.size() > maxDownloadSize) {
            throw new HubException(HubException.Reason.PROTOCOL, "The server announced " + meta.size() + " bytes for "
                    + file + " of '" + repoId + "', more than the " + ProgressFormat.bytes(maxDownloadSize)
                    + " any GPT-2 file needs; nothing was downloaded. Check HF_ENDPOINT and any proxy between you"
                    + " and the Hub.");
        }
        progress.start(file, meta.size());
        try {
            while (true) {
                long have = sizeOrZero(incomplete);
                if (meta.size() >= 0 && have > meta.size()) {
                    deleteQuietly(incomplete);
                    have = 0;
                }
                resumedSomewhere |= have > 0;
                if (have > 0) {
                    progress.advance(have);
                }
                boolean needBytes = meta.size() < 0 || have < meta.size() || meta.size() == 0 && have == 0;
                if (needBytes) {
                    try {
                        long received = fetchOnce(meta, have, incomplete, progress, repoId, revision, file);
                        if (received > 0) {
                            failures = 0;
                        }
                    } catch (TransientFailure e) {
                        lastFailure = e.cause;
                        if (e.received >= FORGIVING_PROGRESS) {
                            // a long download that drops now and then still finishes; a server that sends a
                            // trickle and stalls does not get endless attempts
                            failures = 0;
                        }
                        if (++failures > options.maxRetries()) {
                            throw new ModelUnavailableException(HubException.Reason.NETWORK, "Download of " + file
                                    + " from " + meta.downloadUrl() + " failed " + failures + " times in a row, last: "
                                    + describe(e.cause) + ". The partial file " + incomplete
                                    + " is kept and the next run resumes it.", e.cause);
                        }
                        LOG.warn("Download of {} interrupted ({}); retrying", file, describe(e.cause));
                        sleepBackoff(failures - 1);
                        progress.start(file, meta.size());
                        continue;
                    }
                }
                long actual = sizeOrZero(incomplete);
                if (meta.size() >= 0 && actual < meta.size()) {
                    // body ended early without an error: treat like a dropped connection
                    if (++failures > options.maxRetries()) {
                        throw new ModelUnavailableException(HubException.Reason.NETWORK, "Download of " + file
                                + " from " + meta.downloadUrl() + " keeps ending early (" + actual + " of "
                                + meta.size() + " bytes). The partial file is kept and the next run resumes it.",
                                lastFailure);
                    }
                    sleepBackoff(failures - 1);
                    progress.start(file, meta.size());
                    continue;
                }
                String problem = verify(meta, incomplete, actual);
                if (problem == null) {
                    return;
                }
                deleteQuietly(incomplete);
                if (resumedSomewhere && !restartedClean) {
                    // the partial file may have come from elsewhere: one clean download before giving up
                    LOG.warn("{} after a resumed download of {}; downloading it again from the start", problem, file);
                    restartedClean = true;
                    resumedSomewhere = false;
                    progress.start(file, meta.size());
                    continue;
                }
                throw new HubException(HubException.Reason.CHECKSUM, "Downloaded " + file + " from "
                        + meta.downloadUrl() + " but " + problem + "; the file was discarded. Run again; if it"
                        + " persists, the server at HF_ENDPOINT may be serving a corrupted copy.");
            }
        } finally {
            progress.done();
        }
    }

    /** One GET (following redirects); returns the bytes appended. Network trouble -> TransientFailure. */
    private long fetchOnce(FileMetadata meta, long have, Path incomplete, DownloadProgress progress, String repoId,
                           String revision, String file) throws TransientFailure {
        URI url = meta.downloadUrl();
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder builder = baseRequest(url).GET();
            if (have > 0) {
                builder.header("Range", "bytes=" + have + "-");
            }
            HttpResponse<InputStream> response;
            try {
                response = http.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                throw new TransientFailure(e, 0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ModelUnavailableException(HubException.Reason.NETWORK, "Interrupted while downloading " + url, e);
            }
            int status = response.statusCode();
            try (InputStream body = response.body()) {
                if (status >= 300 && status < 400) {
                    url = redirectTarget(url, status, response.headers());
                    continue;
                }
                if (isRetryable(status)) {
                    throw new TransientFailure(new IOException("HTTP " + status + " from " + url), 0);
                }
                if (status == 416) {
                    deleteQuietly(incomplete); // our partial file is not a prefix the server recognises
                    throw new TransientFailure(new IOException("HTTP 416 for a resumed download from " + url), 0);
                }
                boolean append;
                if (status == 206) {
                    long start = contentRangeStart(response.headers());
                    if (start != have) {
                        deleteQuietly(incomplete);
                        throw new TransientFailure(new IOException("the server resumed at byte " + start
                                + " instead of " + have), 0);
                    }
                    append = true;
                } else if (status == 200) {
                    if (have > 0) {
                        LOG.info("{} ignored the Range request; downloading {} from the start", url.getHost(), file);
                        progress.start(file, meta.size());
                    }
                    append = false;
                } else if (sameHost(url, endpoint)) {
                    throw httpError(status, response.headers(), url, repoId, revision, file);
                } else {
                    throw new ModelUnavailableException(status == 401 || status == 403
                            ? HubException.Reason.UNAUTHORIZED : HubException.Reason.NOT_FOUND, "The storage host "
                            + url.getHost() + " answered HTTP " + status + " for " + file + " of '" + repoId
                            + "' (" + url + "). Its signed link may have expired: run again.");
                }
                long allowed = (meta.size() >= 0 ? meta.size() : maxDownloadSize) - (append ? have : 0);
                return copy(body, incomplete, append, allowed, progress, url, file);
            } catch (IOException e) {
                throw new TransientFailure(e, 0); // closing the body failed: nothing written is lost
            }
        }
        throw new HubException(HubException.Reason.PROTOCOL, "More than " + MAX_REDIRECTS + " redirects from "
                + meta.downloadUrl());
    }

    /**
     * Streams the body to the file; a stall longer than the read timeout closes the stream (a timeout). A body
     * longer than {@code allowed} bytes is not read further: the file is deleted and the download fails.
     */
    private long copy(InputStream body, Path target, boolean append, long allowed, DownloadProgress progress, URI url,
                      String file) throws TransientFailure {
        OutputStream out;
        try {
            out = opener.open(target, append);
        } catch (IOException e) {
            throw diskFailure(target, e);
        }
        AtomicLong lastData = new AtomicLong(System.nanoTime());
        AtomicBoolean stalled = new AtomicBoolean();
        long timeoutNanos = options.readTimeout().toNanos();
        long period = Math.max(5, options.readTimeout().toMillis() / 4);
        ScheduledFuture<?> watchdog = WATCHDOG.scheduleAtFixedRate(() -> {
            if (System.nanoTime() - lastData.get() > timeoutNanos && stalled.compareAndSet(false, true)) {
                try {
                    body.close();
                } catch (IOException ignored) {
                    // the reader notices the stall flag either way
                }
            }
        }, period, period, TimeUnit.MILLISECONDS);
        long received = 0;
        boolean tooLong = false;
        try (out) {
            byte[] buffer = new byte[64 * 1024];
            while (true) {
                int n;
                try {
                    n = body.read(buffer);
                } catch (IOException e) {
                    throw new TransientFailure(stalled.get() ? stallTimeout(url) : e, received);
                }
                if (n < 0) {
                    break;
                }
                if (n > allowed - received) {
                    tooLong = true; // a hostile or broken server: not one byte past the limit reaches the disk
                    break;
                }
                try {
                    out.write(buffer, 0, n);
                } catch (IOException e) {
                    throw diskFailure(target, e);
                }
                received += n;
                lastData.set(System.nanoTime());
                progress.advance(n);
            }
            if (stalled.get() && !tooLong) {
                throw new TransientFailure(stallTimeout(url), received);
            }
        } catch (IOException e) {
            throw diskFailure(target, e); // closing (flushing) the file failed
        } finally {
            watchdog.cancel(false);
        }
        if (tooLong) {
            deleteQuietly(target);
            throw tooLong(file, url, target);
        }
        return received;
    }

    private HubException tooLong(String file, URI url, Path partial) {
        return new HubException(HubException.Reason.PROTOCOL, "The server " + url.getHost() + " sent more bytes of "
                + file + " than allowed; reading stopped and the partial file " + partial + " was deleted."
                + " A file is limited to the size the Hub announced for it, or to "
                + ProgressFormat.bytes(maxDownloadSize) + " when it announced none. Check HF_ENDPOINT and any proxy between you and the Hub.");
    }

    /** The absolute http(s) address a redirect leads to; any other scheme, or a malformed one, is refused. */
    private static URI redirectTarget(URI from, int status, HttpHeaders headers) {
        String location = headers.firstValue("Location").orElseThrow(() -> new HubException(
                HubException.Reason.PROTOCOL, "HTTP " + status + " without Location header from " + from)).strip();
        URI target;
        try {
            target = from.resolve(location);
        } catch (IllegalArgumentException e) {
            throw new HubException(HubException.Reason.PROTOCOL, "HTTP " + status + " from " + from
                    + " redirects to a malformed address; it was not followed.");
        }
        String scheme = target.getScheme();
        if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme) || target.getHost() == null) {
            throw new HubException(HubException.Reason.PROTOCOL, "HTTP " + status + " from " + from
                    + " redirects to a " + scheme + ": address; only http and https addresses are followed, so"
                    + " nothing was read from it. Check HF_ENDPOINT and any proxy between you and the Hub.");
        }
        return target;
    }

    private HttpTimeoutException stallTimeout(URI url) {
        return new HttpTimeoutException("no data from " + url.getHost() + " for " + options.readTimeout().toMillis() + " ms");
    }

    /** Null when the file is right, else what is wrong with it. */
    private static String verify(FileMetadata meta, Path file, long actualSize) {
        if (meta.size() >= 0 && actualSize != meta.size()) {
            return "it has " + actualSize + " bytes instead of " + meta.size();
        }
        if (!meta.isSha256()) {
            return null;
        }
        String actual = sha256(file);
        return actual.equals(meta.etag()) ? null : "its sha256 is " + actual + ", expected " + meta.etag();
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new HubException(HubException.Reason.DISK, "Cannot read back " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available in the JDK", e);
        }
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private HttpRequest.Builder baseRequest(URI url) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(url)
                .timeout(options.readTimeout())
                .header("User-Agent", USER_AGENT)
                .header("Accept-Encoding", "identity");
        if (options.token() != null && sameHost(url, endpoint)) {
            builder.header("Authorization", "Bearer " + options.token());
        }
        return builder;
    }

    /** The token goes only to the endpoint's own host and port: never to a storage host or anywhere else. */
    static boolean sameHost(URI a, URI b) {
        return a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost()) && effectivePort(a) == effectivePort(b);
    }

    private static int effectivePort(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static boolean isRetryable(int status) {
        return status >= 500 || status == 429;
    }

    private void sleepBackoff(int attempt) {
        long millis = Math.min(MAX_BACKOFF.toMillis(), options.initialBackoff().toMillis() << Math.min(attempt, 20));
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelUnavailableException(HubException.Reason.NETWORK, "Interrupted while waiting to retry", e);
        }
    }

    private ModelUnavailableException networkFailure(URI url, IOException e) {
        return new ModelUnavailableException(HubException.Reason.NETWORK, "Could not reach " + url + ": "
                + describe(e), e);
    }

    private HubException diskFailure(Path file, IOException e) {
        return new HubException(HubException.Reason.DISK, "Could not write " + file + " in the Hugging Face cache "
                + options.cacheDir() + ": " + describe(e) + ". Free some disk space or set HF_HUB_CACHE to a writable"
                + " directory; a partial download is kept only as *.incomplete and is resumed next time.", e);
    }

    /** HttpClient's exceptions often have no message of their own: find one in the cause chain. */
    static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getClass().getSimpleName() + ": " + t.getMessage();
            }
        }
        return e.getClass().getSimpleName();
    }

    private static long contentRangeStart(HttpHeaders headers) {
        Matcher m = CONTENT_RANGE.matcher(headers.firstValue("Content-Range").orElse(""));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static long parseLongOrMinusOne(String value) {
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static long sizeOrZero(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("Could not delete {}: {}", file, e.getMessage());
        }
    }

    /** Python's urllib.parse.quote: keep unreserved characters (and '/' when asked), %-encode the rest. */
    static String percentEncode(String value, boolean keepSlash) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            boolean unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~' || (keepSlash && c == '/');
            if (unreserved) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    /** A network problem worth another attempt; {@code received} bytes were appended before it. */
    private static final class TransientFailure extends Exception {
        final IOException cause;
        final long received;

        TransientFailure(IOException cause, long received) {
            super(cause);
            this.cause = cause;
            this.received = received;
        }
    }
}
