package io.github.gpt2explainer.live;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import io.github.gpt2explainer.output.PreviewServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The HTTP side of serve's live explainer, added to the preview server:
 * <ul>
 *   <li>{@code GET /live?prompt=...}: the shareable address; a page that runs nothing itself, and asks the server
 *       to ({@code POST /live/run}) only when it was opened from this site or typed in, never on a link from
 *       another site without a click;</li>
 *   <li>{@code POST /live/run}: computes, streaming progress as lines of JSON, then the page's address;</li>
 *   <li>{@code GET /live/keep?...} and {@code POST /live/keep}: writes {@code prompts/<id>.md};</li>
 *   <li>{@code /live/r/<key>/...}: the rendered pages, over the built site (a page's handouts are rendered when
 *       one is first asked for); {@code /__live/*}: the box's script
 *       and styles, added to every served page (never to the files of the site).</li>
 * </ul>
 * A POST runs or writes only if it carries this server start's random token and an Origin that is this server
 * (the Host was checked by the server); otherwise 403 and nothing happens. One computation at a time; a few wait,
 * more get "busy".
 */
public final class LiveHandler implements PreviewServer.Extension {

    /** Requests that may wait while one computes. */
    public static final int QUEUE = 2;

    private static final Pattern KEY = Pattern.compile("[0-9a-f]{20}");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> RESOURCES = Map.of(
            "/__live/box.js", "text/javascript; charset=utf-8",
            "/__live/live.js", "text/javascript; charset=utf-8",
            "/__live/live.css", "text/css; charset=utf-8");

    private final LiveExplainer explainer;
    private final LiveGate gate;
    private final String token;
    private final Consumer<String> log;

    /** Thrown from a progress write when the client has gone away: the computation stops. */
    static final class ClientGone extends RuntimeException {
        ClientGone(IOException cause) {
            super("the client went away", cause);
        }
    }

    /** @param log status lines for the console (what ran, what was refused and why) */
    public LiveHandler(LiveExplainer explainer, int queue, Consumer<String> log) {
        this.explainer = explainer;
        this.gate = new LiveGate(queue);
        this.log = log;
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        this.token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /** This server start's token (tests). */
    public String token() {
        return token;
    }

    @Override
    public boolean handle(HttpExchange exchange, String path) throws IOException {
        exchange.getResponseHeaders().set("X-Frame-Options", "DENY");
        if (RESOURCES.containsKey(path)) {
            if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                return methodNotAllowed(exchange, "GET, HEAD");
            }
            byte[] body;
            try (InputStream in = LiveHandler.class.getResourceAsStream(path.substring("/__live/".length()))) {
                body = in.readAllBytes();
            }
            send(exchange, 200, RESOURCES.get(path), body);
            return true;
        }
        if (path.startsWith("/live/r/") && path.contains("/handouts/")) {
            handoutOnDemand(path);
            return false; // the server serves the file (404 if there is none)
        }
        switch (path) {
            case "/live" -> {
                if (!exchange.getRequestMethod().equals("GET")) {
                    return methodNotAllowed(exchange, "GET");
                }
                LiveRequest request = requestOrErrorPage(exchange, exchange.getRequestURI().getRawQuery());
                if (request != null) {
                    String site = exchange.getRequestHeaders().getFirst("Sec-Fetch-Site");
                    boolean fromHere = "same-origin".equals(site) || "none".equals(site);
                    page(exchange, 200, LivePages.running(request, token, fromHere, explainer.words(request.language())));
                }
            }
            case "/live/keep" -> {
                if (exchange.getRequestMethod().equals("GET")) {
                    LiveRequest request = requestOrErrorPage(exchange, exchange.getRequestURI().getRawQuery());
                    if (request != null) {
                        page(exchange, 200, LivePages.keep(request, token, explainer.words(request.language())));
                    }
                } else if (exchange.getRequestMethod().equals("POST")) {
                    keep(exchange);
                } else {
                    return methodNotAllowed(exchange, "GET, POST");
                }
            }
            case "/live/run" -> {
                if (!exchange.getRequestMethod().equals("POST")) {
                    return methodNotAllowed(exchange, "POST");
                }
                run(exchange);
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    @Override
    public PreviewServer.Layer layer(String path) {
        if (!path.startsWith("/live/r/")) {
            return null;
        }
        String rest = path.substring("/live/r/".length());
        int slash = rest.indexOf('/');
        String key = slash < 0 ? rest : rest.substring(0, slash);
        if (!KEY.matcher(key).matches()) {
            return null;
        }
        return new PreviewServer.Layer(explainer.directory().resolve("r").resolve(key), slash < 0 ? "/" : rest.substring(slash));
    }

    @Override
    public String pageAddition(String path) {
        if (path.contains("/handouts/")) {
            return null; // a handout's policy allows only its own inlined scripts
        }
        StringBuilder tag = new StringBuilder("<script defer src=\"/__live/box.js\""); // after the page's strings
        PreviewServer.Layer layer = layer(path);
        if (layer != null) {
            LiveRequest request = explainer.requestOf(layer.dir().getFileName().toString());
            if (request != null) {
                tag.append(" data-query=\"").append(LivePages.escape(request.query())).append('"');
            }
        }
        return tag.append("></script>\n").toString();
    }

    /** A live page's handouts are rendered the first time one is asked for (see {@link LiveExplainer#renderHandouts}). */
    private void handoutOnDemand(String path) {
        PreviewServer.Layer layer = layer(path);
        if (layer == null) {
            return;
        }
        String key = layer.dir().getFileName().toString();
        try {
            explainer.renderHandouts(key);
        } catch (IOException | RuntimeException e) {
            log.accept("Live: cannot render the handouts of " + key + ": " + e);
        }
    }

    // ---- the two endpoints that act ---------------------------------------------------------------------

    private void run(HttpExchange exchange) throws IOException {
        Map<String, String> form = authorisedForm(exchange);
        if (form == null) {
            return;
        }
        LiveRequest request;
        LiveExplainer.Checked checked;
        try {
            request = LiveRequest.fromForm(form);
            checked = explainer.check(request);
        } catch (LiveInputException e) {
            json(exchange, 400, Map.of("error", e.getMessage()));
            return;
        } catch (RuntimeException e) {
            log.accept("Live: failed: " + e);
            json(exchange, 500, Map.of("error", "the explainer failed: " + e.getMessage()));
            return;
        }
        LiveGate.Ticket ticket;
        try {
            ticket = gate.enter();
        } catch (LiveGate.Busy busy) {
            log.accept("Live: busy, refused \"" + abbreviate(request.text()) + "\"");
            json(exchange, 503, Map.of("error", busy.getMessage()));
            return;
        }
        try (ticket) {
            PreviewServer.liftDeadline(); // the request is read; progress writes notice a client that leaves
            exchange.getResponseHeaders().set("Content-Type", "application/x-ndjson; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                Progress progress = new Progress(out);
                progress.line(Map.of("phase", "queued"));
                ticket.awaitTurn();
                long start = System.nanoTime();
                LiveExplainer.Result result = explainer.explain(checked, progress);
                String lang = request.language() != null && result.pages().containsKey(request.language())
                        ? request.language() : result.pages().keySet().iterator().next();
                String phases = result.phases().toString();
                log.accept(String.format(Locale.ROOT, "Live: %s in %d ms (%s%s)", result.id(),
                        (System.nanoTime() - start) / 1_000_000, result.ranModel() ? "model ran" : "from the trace store",
                        phases.isEmpty() ? "" : ": " + phases));
                Map<String, Object> done = new LinkedHashMap<>();
                done.put("page", "/live/" + result.pages().get(lang));
                done.put("share", "/live?" + request.query());
                done.put("ranModel", result.ranModel());
                progress.line(done);
            } catch (ClientGone gone) {
                log.accept("Live: cancelled \"" + abbreviate(request.text()) + "\": the browser went away");
            } catch (LiveInputException e) {
                lastLine(exchange, Map.of("error", e.getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException | IOException e) {
                log.accept("Live: failed: " + e);
                lastLine(exchange, Map.of("error", "the explainer failed: " + e.getMessage()));
            }
        }
    }

    private void keep(HttpExchange exchange) throws IOException {
        Map<String, String> form = authorisedForm(exchange);
        if (form == null) {
            return;
        }
        try {
            LiveRequest request = LiveRequest.fromForm(form);
            explainer.keep(request);
            log.accept("Live: kept prompts/" + request.id() + ".md");
            json(exchange, 200, Map.of("written", "prompts/" + request.id() + ".md"));
        } catch (LiveInputException e) {
            json(exchange, e.getMessage().contains("already exists") ? 409 : 400, Map.of("error", e.getMessage()));
        } catch (RuntimeException e) {
            log.accept("Live: failed: " + e);
            json(exchange, 500, Map.of("error", "the explainer failed: " + e.getMessage()));
        }
    }

    /**
     * The form of a POST that may act: from a page of this server (Origin equal to the Host the server accepted)
     * with this start's token. Otherwise answers 403 and returns null: nothing runs, nothing is written.
     */
    private Map<String, String> authorisedForm(HttpExchange exchange) throws IOException {
        String host = exchange.getRequestHeaders().getFirst("Host");
        String origin = exchange.getRequestHeaders().getFirst("Origin");
        if (origin == null || host == null || !origin.equalsIgnoreCase("http://" + host.strip())) {
            return refuse(exchange, "403: only a page of this server may ask it to compute or write (Origin "
                    + (origin == null ? "missing" : origin) + ")");
        }
        byte[] body = exchange.getRequestBody().readNBytes(LiveRequest.MAX_BYTES + 1);
        if (body.length > LiveRequest.MAX_BYTES) {
            json(exchange, 413, Map.of("error", "the request is over " + LiveRequest.MAX_BYTES / 1024 + " KB"));
            return null;
        }
        Map<String, String> form;
        try {
            form = LiveRequest.decodeForm(new String(body, StandardCharsets.UTF_8));
        } catch (LiveInputException e) {
            json(exchange, 400, Map.of("error", e.getMessage()));
            return null;
        }
        String given = form.getOrDefault("token", "");
        if (!MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
            return refuse(exchange, "403: the request lacks this server's token; reload the page and try again");
        }
        return form;
    }

    private Map<String, String> refuse(HttpExchange exchange, String message) throws IOException {
        log.accept("Live: refused " + exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + ": " + message);
        send(exchange, 403, "text/plain; charset=utf-8", (message + "\n").getBytes(StandardCharsets.UTF_8));
        return null;
    }

    private LiveRequest requestOrErrorPage(HttpExchange exchange, String rawQuery) throws IOException {
        String language = null;
        try {
            if (rawQuery != null && rawQuery.length() > LiveRequest.MAX_BYTES) {
                throw new LiveInputException("the address is over " + LiveRequest.MAX_BYTES / 1024 + " KB");
            }
            Map<String, String> form = LiveRequest.decodeForm(rawQuery);
            language = form.get("lang");
            return LiveRequest.fromForm(form);
        } catch (LiveInputException e) {
            page(exchange, 400, LivePages.error(e.getMessage(), explainer.words(language)));
            return null;
        }
    }

    /** Progress lines, each flushed; a failed write means the client has gone. */
    private static final class Progress implements LiveExplainer.Progress {
        private final OutputStream out;

        Progress(OutputStream out) {
            this.out = out;
        }

        void line(Map<String, ?> fields) {
            try {
                out.write(JSON.writeValueAsBytes(fields));
                out.write('\n');
                out.flush();
            } catch (IOException e) {
                throw new ClientGone(e);
            }
        }

        @Override
        public void phase(String phase) {
            line(Map.of("phase", phase));
        }

        @Override
        public void step(int done, int total) {
            line(Map.of("step", done, "total", total));
        }
    }

    private static void lastLine(HttpExchange exchange, Map<String, ?> fields) {
        try {
            OutputStream out = exchange.getResponseBody();
            out.write(JSON.writeValueAsBytes(fields));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            // the client has gone; nothing to tell
        }
    }

    private static boolean methodNotAllowed(HttpExchange exchange, String allow) throws IOException {
        exchange.getResponseHeaders().set("Allow", allow);
        send(exchange, 405, "text/plain; charset=utf-8", ("405: use " + allow + "\n").getBytes(StandardCharsets.UTF_8));
        return true;
    }

    private static void page(HttpExchange exchange, int status, String html) throws IOException {
        exchange.getResponseHeaders().set("Content-Security-Policy", LivePages.POLICY);
        send(exchange, status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
    }

    private static void json(HttpExchange exchange, int status, Map<String, ?> fields) throws IOException {
        send(exchange, status, "application/json; charset=utf-8", JSON.writeValueAsBytes(fields));
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static String abbreviate(String text) {
        String line = text.replaceAll("\\s+", " ").strip();
        return line.length() <= 40 ? line : line.substring(0, 37) + "...";
    }
}
