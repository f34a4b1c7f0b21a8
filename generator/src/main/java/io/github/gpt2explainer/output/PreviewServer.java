package io.github.gpt2explainer.output;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Serves a directory over HTTP on the loopback interface only, for previewing the site. Every request
 * resolves the directory afresh, so a build swapping in a new output is visible on the next request.
 * Only GET and HEAD; no directory listings; a request can never reach a file outside the directory
 * (".." and symbolic links that lead out are refused with 404). A request naming another host than
 * {@code 127.0.0.1:PORT} or {@code localhost:PORT} gets 403, so that a web page cannot read the preview by
 * pointing its own name at 127.0.0.1 (DNS rebinding). Idle or half-sent requests cannot hold it up: see
 * {@link DeadlineExecutor}.
 */
public final class PreviewServer implements AutoCloseable {

    /** Content types by file extension; anything else is served as application/octet-stream. */
    static final Map<String, String> CONTENT_TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("webp", "image/webp"),
            Map.entry("woff", "font/woff"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("xml", "application/xml"),
            Map.entry("bin", "application/octet-stream"),
            Map.entry("wasm", "application/wasm"));

    /** Threads answering requests; more than a browser opens to one host (6) plus a few stuck clients. */
    static final int WORKERS = 16;
    /** The longest one exchange may take, from the first byte of the request to the last of the answer. */
    static final Duration REQUEST_DEADLINE = Duration.ofSeconds(10);

    private static final String NOT_FOUND_PAGE = "<!doctype html><html><head><meta charset=\"utf-8\"><title>Not found"
            + "</title></head><body><h1>404: not found</h1><p>%s is not part of the site.</p>"
            + "<p><a href=\"/\">Back to the start</a></p></body></html>";

    private final Path root;
    private final HttpServer server;
    private final DeadlineExecutor executor;

    private PreviewServer(Path root, HttpServer server, DeadlineExecutor executor) {
        this.root = root;
        this.server = server;
        this.executor = executor;
    }

    /** Starts serving {@code root} on 127.0.0.1 (IPv4 or IPv6 loopback); port 0 picks a free port. */
    public static PreviewServer start(Path root, int port) throws IOException {
        return start(root, port, REQUEST_DEADLINE);
    }

    /** As {@link #start(Path, int)}, with another deadline per exchange (tests). */
    static PreviewServer start(Path root, int port, Duration deadline) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        DeadlineExecutor executor = new DeadlineExecutor(WORKERS, deadline, "preview-server");
        PreviewServer preview = new PreviewServer(root.toAbsolutePath().normalize(), server, executor);
        server.createContext("/", preview::handle);
        server.setExecutor(executor);
        server.start();
        return preview;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:<port>/}. */
    public URI uri() {
        InetAddress address = server.getAddress().getAddress();
        String host = address.getHostAddress().contains(":") ? "[" + address.getHostAddress() + "]" : address.getHostAddress();
        return URI.create("http://" + host + ":" + port() + "/");
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!isOwnHost(exchange.getRequestHeaders().getFirst("Host"))) {
                String body = "403: this preview answers only to http://127.0.0.1:" + port() + "/ and http://localhost:"
                        + port() + "/\n";
                send(exchange, 403, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8), false);
                return;
            }
            String method = exchange.getRequestMethod();
            boolean head = method.equals("HEAD");
            if (!head && !method.equals("GET")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                send(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n".getBytes(StandardCharsets.UTF_8), false);
                return;
            }
            String path = exchange.getRequestURI().getPath(); // decoded
            Path file = resolve(path);
            if (file != null && Files.isDirectory(file)) {
                if (!path.endsWith("/")) { // so relative links in index.html resolve against the directory
                    exchange.getResponseHeaders().set("Location", exchange.getRequestURI().getRawPath() + "/");
                    send(exchange, 301, "text/plain; charset=utf-8", new byte[0], head);
                    return;
                }
                file = file.resolve("index.html");
            }
            if (file == null || !Files.isRegularFile(file) || !insideRoot(file)) {
                notFound(exchange, path, head);
                return;
            }
            send(exchange, 200, contentType(file), Files.readAllBytes(file), head);
        }
    }

    /**
     * Whether a Host header names this server as this machine reaches it: 127.0.0.1, [::1] or localhost, with this
     * server's port (which a browser leaves out only for port 80). No Host at all (HTTP/1.0) is accepted: browsers
     * always send one, so a rebinding page cannot leave it out.
     */
    private boolean isOwnHost(String host) {
        if (host == null) {
            return true;
        }
        String value = host.strip().toLowerCase(Locale.ROOT);
        int colon = value.lastIndexOf(':');
        boolean hasPort = colon >= 0 && value.indexOf(']') < colon;
        String name = hasPort ? value.substring(0, colon) : value;
        String portText = hasPort ? value.substring(colon + 1) : "80";
        boolean loopbackName = name.equals("127.0.0.1") || name.equals("localhost") || name.equals("[::1]");
        return loopbackName && portText.equals(Integer.toString(port()));
    }

    /** The file a URL path names, or null if the path is malformed or leaves the root. */
    private Path resolve(String urlPath) {
        if (urlPath == null || !urlPath.startsWith("/") || urlPath.indexOf('\0') >= 0 || urlPath.indexOf('\\') >= 0) {
            return null;
        }
        try {
            Path candidate = root.resolve(urlPath.substring(1)).normalize();
            return candidate.startsWith(root) ? candidate : null;
        } catch (java.nio.file.InvalidPathException e) {
            return null;
        }
    }

    /** Symbolic links inside the site must not lead outside it. */
    private boolean insideRoot(Path file) {
        try {
            return file.toRealPath().startsWith(root.toRealPath());
        } catch (IOException e) {
            return false;
        }
    }

    private void notFound(HttpExchange exchange, String path, boolean head) throws IOException {
        Path custom = root.resolve("404.html");
        byte[] body = Files.isRegularFile(custom) && insideRoot(custom) ? Files.readAllBytes(custom)
                : String.format(Locale.ROOT, NOT_FOUND_PAGE, escape(path == null ? "" : path)).getBytes(StandardCharsets.UTF_8);
        send(exchange, 404, "text/html; charset=utf-8", body, head);
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body, boolean head) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store"); // a preview: always the latest build
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        if (head) {
            exchange.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    static String contentType(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return CONTENT_TYPES.getOrDefault(ext, "application/octet-stream");
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
