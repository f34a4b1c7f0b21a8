package io.github.gpt2explainer.site;

import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Headless Debian Chromium driven by the system chromedriver (never Selenium Manager, which would try to
 * download a browser), with every host except 127.0.0.1 unresolvable, plus a static file server for the
 * site on 127.0.0.1.
 */
final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    final ChromeDriver driver;
    private final Path profile;

    Browser() {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("browser tests need Debian's chromium and chromium-driver ("
                    + CHROMIUM + ", " + CHROMEDRIVER + "): apt-get install -y chromium chromium-driver");
        }
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        try {
            profile = Files.createTempDirectory("gpt2x-chromium");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-quic", "--disable-extensions", "--window-size=1280,900",
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                "--user-data-dir=" + profile);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort()
                .withTimeout(Duration.ofSeconds(30))
                .build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
    }

    /** Console messages since the last call. */
    List<LogEntry> console() {
        return driver.manage().logs().get(LogType.BROWSER).getAll();
    }

    /** Every resource URL the page loaded (performance entries), plus the page itself. */
    @SuppressWarnings("unchecked")
    List<String> resources() {
        return (List<String>) driver.executeScript(
                "return [location.href].concat(performance.getEntriesByType('resource').map(function (e) { return e.name; }));");
    }

    Path screenshot(String name) {
        try {
            Path dir = Path.of("target", "screenshots");
            Files.createDirectories(dir);
            Path file = dir.resolve(name + ".png");
            Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Opens {@code url} and waits until the page is loaded and, on a prompt page, has drawn its views
     * ({@code ready}, set by page.js).
     */
    void openReady(String url) {
        driver.get(url);
        new org.openqa.selenium.support.ui.WebDriverWait(driver, Duration.ofSeconds(20)).until(d -> Boolean.TRUE.equals(
                driver.executeScript("return document.readyState === 'complete' && document.body.classList.contains('ready');")));
    }

    /** Runs a script in the page (executeScript). */
    Object js(String script, Object... args) {
        return driver.executeScript(script, args);
    }

    /** Waits up to 20 s until a JavaScript expression is true in the page. */
    void waitUntil(String condition) {
        new org.openqa.selenium.support.ui.WebDriverWait(driver, Duration.ofSeconds(20))
                .until(d -> Boolean.TRUE.equals(js("return " + condition + ";")));
    }

    /**
     * One data part of a built site, as JSON: the file {@code path} under {@code site} is
     * {@code GPT2X.receive("<key>", <json>);}.
     */
    static com.fasterxml.jackson.databind.JsonNode payload(Path site, String path, String key) throws IOException {
        String script = Files.readString(site.resolve(path), java.nio.charset.StandardCharsets.UTF_8);
        String head = "GPT2X.receive(\"" + key + "\", ";
        if (!script.startsWith(head) || !script.endsWith(");\n")) {
            throw new IllegalStateException(path + " is not a data part " + key);
        }
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(script.substring(head.length(), script.length() - 3));
    }

    /** A screenshot of the whole page height (resizes the window to the document). */
    Path fullScreenshot(String name, int width) {
        Number height = (Number) driver.executeScript("return Math.min(6000, document.documentElement.scrollHeight);");
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(width, height.intValue() + 40));
        Path file = screenshot(name);
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 900));
        return file;
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (var walk = Files.walk(profile)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a leftover temp profile is harmless
            }
        }
    }

    /** Serves a directory on 127.0.0.1 (any free port) with content types a browser accepts for scripts. */
    static final class StaticServer implements AutoCloseable {
        private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8",
                "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "txt", "text/plain; charset=utf-8",
                "png", "image/png");
        private final HttpServer server;

        StaticServer(Path root) {
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server.createContext("/", exchange -> {
                String path = exchange.getRequestURI().getPath();
                Path file = root.resolve(path.substring(1)).normalize();
                if (!file.startsWith(root) || !Files.isRegularFile(file)) {
                    exchange.sendResponseHeaders(404, -1);
                    exchange.close();
                    return;
                }
                String name = file.getFileName().toString();
                String ext = name.substring(name.lastIndexOf('.') + 1);
                byte[] body = Files.readAllBytes(file);
                exchange.getResponseHeaders().set("Content-Type", TYPES.getOrDefault(ext, "application/octet-stream"));
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
        }

        /** The base URL, mounted under a sub-path like GitHub Pages would (/site/). */
        String base() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
