package io.github.gpt2explainer.site;

import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One headless Chromium ({@link Browser}) per test class and, if the class asks, a {@link Browser.StaticServer}
 * for a site on http://127.0.0.1: started before the class's {@code @BeforeAll} methods, closed after its
 * {@code @AfterAll} methods, also when starting failed half way. A class states only what it needs:
 * <pre>
 * &#64;RegisterExtension
 * static final BrowserExtension chromium = BrowserExtension.serving(SiteFixture::site);  // or .browserOnly()
 * </pre>
 * Without Chromium or chromedriver, starting fails with {@link Browser}'s message saying what to install.
 */
final class BrowserExtension implements BeforeAllCallback, AfterAllCallback {

    /** The site to serve, asked for when the class starts (fixtures build lazily); null: no server. */
    private final Supplier<Path> siteToServe;
    private Path site;
    private Browser browser;
    private Browser.StaticServer server;

    private BrowserExtension(Supplier<Path> siteToServe) {
        this.siteToServe = siteToServe;
    }

    /** Only the browser; the class opens its pages from disk (file://). */
    static BrowserExtension browserOnly() {
        return new BrowserExtension(null);
    }

    /** The browser and a server for the site {@code site} supplies. */
    static BrowserExtension serving(Supplier<Path> site) {
        return new BrowserExtension(site);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (siteToServe != null) {
            site = siteToServe.get();
        }
        browser = new Browser();
        if (site != null) {
            server = new Browser.StaticServer(site);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (server != null) {
                server.close();
            }
            browser = null;
            server = null;
            site = null;
        }
    }

    Browser browser() {
        return started(browser, "browser");
    }

    Browser.StaticServer server() {
        return started(server, "server (use BrowserExtension.serving)");
    }

    /** The served site's directory. */
    Path site() {
        return started(site, "served site (use BrowserExtension.serving)");
    }

    private static <T> T started(T value, String what) {
        if (value == null) {
            throw new IllegalStateException("no " + what + ": the extension is not running for this class");
        }
        return value;
    }
}
