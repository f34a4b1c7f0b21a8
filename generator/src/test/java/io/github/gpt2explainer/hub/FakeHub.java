package io.github.gpt2explainer.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback imitation of the Hub and of its separate storage host, with faults to inject.
 *
 * <p>The Hub ({@code http://127.0.0.1:port}) answers {@code /{repo}/resolve/{revision}/{file}} like
 * huggingface.co: small files directly with a git-sha1 ETag, {@code *.safetensors} (LFS) with a 302 to the
 * storage host ({@code http://localhost:port}, a different host name so that dropping the token is testable)
 * carrying X-Linked-Etag (sha256) and X-Linked-Size. Both record every request.
 */
final class FakeHub implements AutoCloseable {

    /** One request as the server saw it. */
    record Request(String server, String method, String path, String authorization, String range) {
    }

    /** A repository: commits with their files, and refs (branches, tags, refs/pr/N) pointing at commits. */
    static final class Repo {
        final Map<String, Map<String, byte[]>> commits = new ConcurrentHashMap<>();
        final Map<String, String> refs = new ConcurrentHashMap<>();
        volatile String requiredToken;

        Repo commit(String commit, Map<String, byte[]> files) {
            commits.put(commit, files);
            return this;
        }

        Repo ref(String name, String commit) {
            refs.put(name, commit);
            return this;
        }
    }

    final Map<String, Repo> repos = new ConcurrentHashMap<>();
    final Map<String, String> renames = new ConcurrentHashMap<>();
    final ConcurrentLinkedQueue<Request> requests = new ConcurrentLinkedQueue<>();

    // Faults, keyed by file name
    final Map<String, AtomicInteger> dropAfterHalf = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> serverErrors = new ConcurrentHashMap<>();
    final Map<String, Boolean> ignoreRange = new ConcurrentHashMap<>();
    final Map<String, Boolean> corrupt = new ConcurrentHashMap<>();
    final Map<String, Long> stallBeforeBodyMillis = new ConcurrentHashMap<>();
    final Map<String, Long> slowBodyMillisPerChunk = new ConcurrentHashMap<>();
    /** The storage host sends this many bytes, chunked, in place of the file: a body longer than announced. */
    final Map<String, Long> oversizeBodyBytes = new ConcurrentHashMap<>();
    /** How many bytes of oversize bodies the storage host wrote before the client hung up. */
    final AtomicLong oversizeBytesSent = new AtomicLong();
    /** The Hub answers the file with a 302 to this Location (and nothing else). */
    final Map<String, String> hubRedirects = new ConcurrentHashMap<>();
    /** The storage host answers the file with a 302 to this Location. */
    final Map<String, String> storageRedirects = new ConcurrentHashMap<>();
    volatile long stallHeadMillis;
    /** When > 0, storage holds every body until the Hub has answered this many HEADs for that file (max 10 s). */
    volatile int holdBodiesUntilHeads;
    private final Map<String, AtomicInteger> lfsHeads = new ConcurrentHashMap<>();

    private final Map<String, byte[]> blobsBySha = new ConcurrentHashMap<>();
    private final HttpServer hub;
    private final HttpServer storage;
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-hub");
        t.setDaemon(true);
        return t;
    });

    FakeHub() throws IOException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        hub = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
        storage = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
        hub.createContext("/", this::handleHub);
        storage.createContext("/", this::handleStorage);
        hub.setExecutor(workers);
        storage.setExecutor(workers);
        hub.start();
        storage.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + hub.getAddress().getPort();
    }

    String storageBase() {
        return "http://localhost:" + storage.getAddress().getPort();
    }

    Repo repo(String id) {
        return repos.computeIfAbsent(id, k -> new Repo());
    }

    List<Request> requests(String server) {
        return requests.stream().filter(r -> r.server.equals(server)).toList();
    }

    long count(String server, String method, String pathPart) {
        return requests.stream().filter(r -> r.server.equals(server) && r.method.equals(method)
                && r.path.contains(pathPart)).count();
    }

    @Override
    public void close() {
        hub.stop(0);
        storage.stop(0);
        workers.shutdownNow();
    }

    static boolean isLfs(String file) {
        return file.endsWith(".safetensors");
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Git's blob id, which the Hub uses as the ETag of small (non-LFS) files. */
    static String gitSha1(byte[] data) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(("blob " + data.length + "\0").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(sha1.digest(data));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------------------------------------ hub

    private void handleHub(HttpExchange exchange) throws IOException {
        try (exchange) {
            String rawPath = exchange.getRequestURI().getRawPath();
            record(exchange, "hub");
            int at = rawPath.indexOf("/resolve/");
            if (at < 0) {
                send(exchange, 404, null);
                return;
            }
            String repoId = rawPath.substring(1, at);
            String rest = rawPath.substring(at + "/resolve/".length());
            int slash = rest.indexOf('/');
            String rawRevision = rest.substring(0, slash);
            String rawFile = rest.substring(slash + 1);
            String revision = URLDecoder.decode(rawRevision, StandardCharsets.UTF_8);
            String file = URLDecoder.decode(rawFile, StandardCharsets.UTF_8);
            if (stallHeadMillis > 0) {
                sleep(stallHeadMillis);
            }
            if (hubRedirects.containsKey(file)) {
                exchange.getResponseHeaders().set("Location", hubRedirects.get(file));
                send(exchange, 302, null);
                return;
            }
            AtomicInteger errors = serverErrors.get(file);
            if (errors != null && errors.getAndDecrement() > 0) {
                send(exchange, 503, null);
                return;
            }
            if (renames.containsKey(repoId)) {
                exchange.getResponseHeaders().set("Location", "/" + renames.get(repoId) + "/resolve/" + rawRevision + "/" + rawFile);
                send(exchange, 307, null);
                return;
            }
            Repo repo = repos.get(repoId);
            if (repo == null) {
                exchange.getResponseHeaders().set("X-Error-Code", "RepoNotFound");
                exchange.getResponseHeaders().set("X-Error-Message", "Repository not found");
                send(exchange, 404, null);
                return;
            }
            if (repo.requiredToken != null) {
                String auth = exchange.getRequestHeaders().getFirst("Authorization");
                if (auth == null) {
                    exchange.getResponseHeaders().set("X-Error-Message", "Access to model " + repoId + " is restricted.");
                    send(exchange, 401, null);
                    return;
                }
                if (!auth.equals("Bearer " + repo.requiredToken)) {
                    send(exchange, 403, null);
                    return;
                }
            }
            String commit = repo.refs.getOrDefault(revision, repo.commits.containsKey(revision) ? revision : null);
            if (commit == null) {
                exchange.getResponseHeaders().set("X-Error-Code", "RevisionNotFound");
                send(exchange, 404, null);
                return;
            }
            byte[] data = repo.commits.get(commit).get(file);
            exchange.getResponseHeaders().set("X-Repo-Commit", commit);
            if (data == null) {
                exchange.getResponseHeaders().set("X-Error-Code", "EntryNotFound");
                send(exchange, 404, null);
                return;
            }
            if (isLfs(file)) {
                synchronized (lfsHeads) {
                    lfsHeads.computeIfAbsent(file, k -> new AtomicInteger()).incrementAndGet();
                    lfsHeads.notifyAll();
                }
                String sha = sha256(data);
                blobsBySha.put(sha, data);
                exchange.getResponseHeaders().set("X-Linked-Etag", "\"" + sha + "\"");
                exchange.getResponseHeaders().set("X-Linked-Size", Long.toString(data.length));
                exchange.getResponseHeaders().set("ETag", "\"" + gitSha1(("pointer " + sha).getBytes(StandardCharsets.UTF_8)) + "\"");
                exchange.getResponseHeaders().set("Location", storageBase() + "/blobs/" + sha + "?file="
                        + java.net.URLEncoder.encode(file, StandardCharsets.UTF_8) + "&X-Amz-Signature=abc");
                send(exchange, 302, null);
                return;
            }
            exchange.getResponseHeaders().set("ETag", "\"" + gitSha1(data) + "\"");
            serveBytes(exchange, file, data);
        }
    }

    // ------------------------------------------------------------------------------------------------ storage

    private void handleStorage(HttpExchange exchange) throws IOException {
        try (exchange) {
            record(exchange, "storage");
            String path = exchange.getRequestURI().getPath();
            String query = exchange.getRequestURI().getQuery();
            String file = query == null ? "" : query.replaceAll(".*file=([^&]*).*", "$1");
            byte[] data = path.startsWith("/blobs/") ? blobsBySha.get(path.substring("/blobs/".length())) : null;
            if (data == null) {
                send(exchange, 404, null);
                return;
            }
            AtomicInteger errors = serverErrors.get(file);
            if (errors != null && errors.getAndDecrement() > 0) {
                send(exchange, 500, null);
                return;
            }
            if (storageRedirects.containsKey(file)) {
                exchange.getResponseHeaders().set("Location", storageRedirects.get(file));
                send(exchange, 302, null);
                return;
            }
            if (oversizeBodyBytes.containsKey(file)) {
                streamJunk(exchange, oversizeBodyBytes.get(file));
                return;
            }
            holdUntilEnoughHeads(file);
            serveBytes(exchange, file, data);
        }
    }

    /** {@code total} bytes in chunked encoding, counted as they go, until done or the client hangs up. */
    private void streamJunk(HttpExchange exchange, long total) {
        byte[] chunk = new byte[64 * 1024];
        try {
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            for (long sent = 0; sent < total; sent += chunk.length) {
                out.write(chunk);
                oversizeBytesSent.addAndGet(chunk.length);
            }
        } catch (IOException e) {
            // the client stopped reading and closed the connection: what the test hopes for
        }
    }

    private void holdUntilEnoughHeads(String file) {
        long deadline = System.currentTimeMillis() + 10_000;
        synchronized (lfsHeads) {
            while (holdBodiesUntilHeads > 0
                    && lfsHeads.getOrDefault(file, new AtomicInteger()).get() < holdBodiesUntilHeads
                    && System.currentTimeMillis() < deadline) {
                try {
                    lfsHeads.wait(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

    /** Serves {@code data} honouring {@code Range: bytes=N-}, with the faults configured for {@code file}. */
    private void serveBytes(HttpExchange exchange, String file, byte[] data) throws IOException {
        exchange.getResponseHeaders().set("Accept-Ranges", "bytes");
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.getResponseHeaders().set("Content-Length", Long.toString(data.length));
            send(exchange, 200, null);
            return;
        }
        byte[] body = data;
        if (Boolean.TRUE.equals(corrupt.get(file))) {
            body = data.clone();
            body[body.length / 2] ^= 0x55;
        }
        int start = 0;
        String range = exchange.getRequestHeaders().getFirst("Range");
        Matcher m = range == null ? null : RANGE.matcher(range);
        if (m != null && m.matches() && !Boolean.TRUE.equals(ignoreRange.get(file))) {
            start = Integer.parseInt(m.group(1));
            if (start >= data.length) {
                send(exchange, 416, null);
                return;
            }
            exchange.getResponseHeaders().set("Content-Range", "bytes " + start + "-" + (data.length - 1) + "/" + data.length);
        }
        Long stall = stallBeforeBodyMillis.get(file);
        int length = body.length - start;
        exchange.sendResponseHeaders(start > 0 ? 206 : 200, length);
        OutputStream out = exchange.getResponseBody();
        if (stall != null) {
            out.write(body, start, Math.min(1024, length));
            out.flush();
            sleep(stall);
        }
        AtomicInteger drops = dropAfterHalf.get(file);
        if (drops != null && drops.getAndDecrement() > 0) {
            int half = length / 2;
            out.write(body, start, half);
            out.flush();
            // leaving the exchange with bytes owed makes the server close the connection: a dropped download
            return;
        }
        Long slow = slowBodyMillisPerChunk.get(file);
        int chunk = 16 * 1024;
        for (int offset = start; offset < body.length; offset += chunk) {
            out.write(body, offset, Math.min(chunk, body.length - offset));
            if (slow != null) {
                out.flush();
                sleep(slow);
            }
        }
    }

    private void record(HttpExchange exchange, String server) {
        requests.add(new Request(server, exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                exchange.getRequestHeaders().getFirst("Authorization"), exchange.getRequestHeaders().getFirst("Range")));
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body == null ? -1 : body.length);
        if (body != null) {
            exchange.getResponseBody().write(body);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
