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
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves a directory over HTTP on the loopback interface only, for previewing the site. Every request
 * resolves the directory afresh, so a build swapping in a new output is visible on the next request.
 * Only GET and HEAD; no directory listings; a request can never reach a file outside the directory
 * (".." and symbolic links that lead out are refused with 404).
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

    private static final String NOT_FOUND_PAGE = "<!doctype html><html><head><meta charset=\"utf-8\"><title>Not found"
            + "</title></head><body><h1>404: not found</h1><p>%s is not part of the site.</p>"
            + "<p><a href=\"/\">Back to the start</a></p></body></html>";

    private final Path root;
    private final HttpServer server;
    private final ExecutorService executor;

    private PreviewServer(Path root, HttpServer server, ExecutorService executor) {
        this.root = root;
        this.server = server;
        this.executor = executor;
    }

    /** Starts serving {@code root} on 127.0.0.1 (IPv4 or IPv6 loopback); port 0 picks a free port. */
    public static PreviewServer start(Path root, int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "preview-server");
            t.setDaemon(true);
            return t;
        });
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
