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
 * Serves a directory over HTTP for previewing the site, on the loopback interface unless asked otherwise. Every
 * request resolves the directory afresh, so a build swapping in a new output is visible on the next request.
 * Only GET and HEAD for files; no directory listings; a request can never reach a file outside the directory
 * (".." and symbolic links that lead out are refused with 404). A request naming another host than this machine
 * as it is reached ({@code 127.0.0.1:PORT}, {@code localhost:PORT}, and with {@code --host} the given name or an
 * IP address) gets 403, so that a web page cannot read the preview by pointing its own name at it (DNS
 * rebinding). Idle or half-sent requests cannot hold it up: see {@link DeadlineExecutor}.
 *
 * <p>An {@link Extension} (serve's live explainer) may answer its own paths, overlay a directory on the site
 * under a URL prefix, and add markup to the HTML pages it serves; the files on disk never change.
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

    /** What serve adds to the preview: its own paths, a directory over the site, markup on every page. */
    public interface Extension {

        /** Answers {@code path} (decoded) if it is one of the extension's own; false lets the server serve the site. */
        boolean handle(HttpExchange exchange, String path) throws IOException;

        /** The directory looked in first for {@code path}, and the path within it and within the site; or null. */
        Layer layer(String path);

        /** Markup inserted before {@code </body>} of the HTML page at {@code path}, or null for none. */
        String pageAddition(String path);
    }

    /** A file is looked up as {@code rest} in {@code dir} first, then in the site root. */
    public record Layer(Path dir, String rest) {
    }

    private final Path root;
    private final HttpServer server;
    private final DeadlineExecutor executor;
    private final String hostName;
    private final boolean loopbackOnly;
    private final Extension extension;

    private PreviewServer(Path root, HttpServer server, DeadlineExecutor executor, String hostName, Extension extension) {
        this.root = root;
        this.server = server;
        this.executor = executor;
        this.hostName = hostName == null ? null : hostName.toLowerCase(Locale.ROOT);
        this.loopbackOnly = server.getAddress().getAddress().isLoopbackAddress();
        this.extension = extension;
    }

    /** Starts serving {@code root} on 127.0.0.1 (IPv4 or IPv6 loopback); port 0 picks a free port. */
    public static PreviewServer start(Path root, int port) throws IOException {
        return start(root, null, port, REQUEST_DEADLINE, null);
    }

    /** As {@link #start(Path, int)}, with another deadline per exchange (tests). */
    static PreviewServer start(Path root, int port, Duration deadline) throws IOException {
        return start(root, null, port, deadline, null);
    }

    /**
     * @param host      the interface to listen on (a name or address, {@code 0.0.0.0} for all); null = loopback only
     * @param extension serve's additions, or null for a plain preview
     */
    public static PreviewServer start(Path root, String host, int port, Extension extension) throws IOException {
        return start(root, host, port, REQUEST_DEADLINE, extension);
    }

    static PreviewServer start(Path root, String host, int port, Duration deadline, Extension extension) throws IOException {
        InetAddress address = host == null ? InetAddress.getLoopbackAddress() : InetAddress.getByName(host);
        HttpServer server = HttpServer.create(new InetSocketAddress(address, port), 0);
        DeadlineExecutor executor = new DeadlineExecutor(WORKERS, deadline, "preview-server");
        PreviewServer preview = new PreviewServer(root.toAbsolutePath().normalize(), server, executor, host, extension);
        server.createContext("/", preview::handle);
        server.setExecutor(executor);
        server.start();
        return preview;
    }

    /** Lets the exchange on this thread run past the deadline (a live computation that streams its progress). */
    public static void liftDeadline() {
        DeadlineExecutor.liftDeadline();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:<port>/}. */
    public URI uri() {
        InetAddress address = server.getAddress().getAddress();
        if (address.isAnyLocalAddress()) {
            address = InetAddress.getLoopbackAddress();
        }
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
                        + port() + "/" + (loopbackOnly ? "" : ", to " + hostName + ":" + port() + " and to IP addresses")
                        + "\n";
                send(exchange, 403, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8), false);
                return;
            }
            String path = exchange.getRequestURI().getPath(); // decoded
            if (extension != null && path != null && extension.handle(exchange, path)) {
                return;
            }
            String method = exchange.getRequestMethod();
            boolean head = method.equals("HEAD");
            if (!head && !method.equals("GET")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                send(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n".getBytes(StandardCharsets.UTF_8), false);
                return;
            }
            Layer layer = extension == null || path == null ? null : extension.layer(path);
            Path file = layer == null ? resolve(root, path) : resolveLayered(layer);
            if (file != null && Files.isDirectory(file)) {
                if (!path.endsWith("/")) { // so relative links in index.html resolve against the directory
                    exchange.getResponseHeaders().set("Location", exchange.getRequestURI().getRawPath() + "/");
                    send(exchange, 301, "text/plain; charset=utf-8", new byte[0], head);
                    return;
                }
                file = file.resolve("index.html");
            }
            if (file == null || !Files.isRegularFile(file) || !insideRoot(file, layer)) {
                notFound(exchange, path, head);
                return;
            }
            byte[] body = Files.readAllBytes(file);
            String addition = extension == null ? null : extension.pageAddition(path);
            if (addition != null && contentType(file).startsWith("text/html")) {
                body = withAddition(body, addition);
            }
            send(exchange, 200, contentType(file), body, head);
        }
    }

    /**
     * Whether a Host header names this server as this machine reaches it: 127.0.0.1, [::1] or localhost, with this
     * server's port (which a browser leaves out only for port 80). No Host at all (HTTP/1.0) is accepted: browsers
     * always send one, so a rebinding page cannot leave it out.
     */
    public boolean isOwnHost(String host) {
        if (host == null) {
            return true;
        }
        String value = host.strip().toLowerCase(Locale.ROOT);
        int colon = value.lastIndexOf(':');
        boolean hasPort = colon >= 0 && value.indexOf(']') < colon;
        String name = hasPort ? value.substring(0, colon) : value;
        String portText = hasPort ? value.substring(colon + 1) : "80";
        boolean loopbackName = name.equals("127.0.0.1") || name.equals("localhost") || name.equals("[::1]");
        // With --host, students reach the server by the laptop's address or the name given; a rebinding page
        // always uses a name of its own, never an address.
        boolean reachableName = !loopbackOnly && (name.equals(hostName) || IP_LITERAL.matcher(name).matches());
        return (loopbackName || reachableName) && portText.equals(Integer.toString(port()));
    }

    private static final java.util.regex.Pattern IP_LITERAL =
            java.util.regex.Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}|\\[[0-9a-f:.]+\\]");

    /** The file a URL path names under {@code dir}, or null if the path is malformed or leaves it. */
    private static Path resolve(Path dir, String urlPath) {
        if (urlPath == null || !urlPath.startsWith("/") || urlPath.indexOf('\0') >= 0 || urlPath.indexOf('\\') >= 0) {
            return null;
        }
        try {
            Path candidate = dir.resolve(urlPath.substring(1)).normalize();
            return candidate.startsWith(dir) ? candidate : null;
        } catch (java.nio.file.InvalidPathException e) {
            return null;
        }
    }

    /** The layer's file if it has one, else the site's. */
    private Path resolveLayered(Layer layer) {
        Path own = resolve(layer.dir(), layer.rest());
        return own != null && Files.exists(own) ? own : resolve(root, layer.rest());
    }

    /** Symbolic links inside the site (or the layer) must not lead outside it. */
    private boolean insideRoot(Path file, Layer layer) {
        try {
            Path real = file.toRealPath();
            return real.startsWith(root.toRealPath()) || layer != null && real.startsWith(layer.dir().toRealPath());
        } catch (IOException e) {
            return false;
        }
    }

    private boolean insideRoot(Path file) {
        return insideRoot(file, null);
    }

    /** The page with {@code addition} inserted before its last {@code </body>} (at the end if it has none). */
    static byte[] withAddition(byte[] page, String addition) {
        String html = new String(page, StandardCharsets.UTF_8);
        int at = html.lastIndexOf("</body>");
        String result = at < 0 ? html + addition : html.substring(0, at) + addition + html.substring(at);
        return result.getBytes(StandardCharsets.UTF_8);
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
