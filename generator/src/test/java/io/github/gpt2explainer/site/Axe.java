package io.github.gpt2explainer.site;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.JavascriptExecutor;

/**
 * axe-core (the npm package, from its WebJar on Maven Central) injected into the open page with WebDriver's
 * script evaluation, which the pages' Content-Security-Policy does not govern. {@code -Daxe.js=/path/axe.min.js}
 * or the environment variable {@code AXE_JS} runs a different axe build (CI uses the current one from
 * {@code npm pack axe-core}).
 */
final class Axe {

    static final String WEBJAR = "META-INF/resources/webjars/axe-core/4.6.3/axe.min.js";
    static final List<String> TAGS = List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa");

    /** One rule that failed, with the nodes it failed on. */
    record Violation(String id, String impact, String help, List<String> targets) {
        boolean blocking() {
            return "serious".equals(impact) || "critical".equals(impact);
        }

        @Override
        public String toString() {
            String shown = targets.stream().limit(3).map(t -> "\n    " + t).reduce("", String::concat);
            return impact + " " + id + ": " + help + " (" + targets.size() + " nodes)" + shown
                    + (targets.size() > 3 ? "\n    ..." : "");
        }
    }

    private final String source;

    Axe() {
        this.source = load();
    }

    private static String load() {
        String override = System.getProperty("axe.js", System.getenv("AXE_JS"));
        try {
            if (override != null && !override.isBlank()) {
                return Files.readString(Path.of(override));
            }
            try (InputStream in = Axe.class.getClassLoader().getResourceAsStream(WEBJAR)) {
                if (in == null) {
                    throw new IllegalStateException(WEBJAR + " is not on the test class path (org.webjars.npm:axe-core)");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the WCAG 2.0/2.1 A and AA rules on the whole open page. */
    @SuppressWarnings("unchecked")
    List<Violation> run(JavascriptExecutor driver) {
        if (!Boolean.TRUE.equals(driver.executeScript("return typeof window.axe === 'object';"))) {
            driver.executeScript(source);
        }
        Object raw = driver.executeAsyncScript(
                "var done = arguments[arguments.length - 1];"
                        + "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
                        + ".then(function (r) { done(r.violations.map(function (v) { return {id: v.id, impact: v.impact,"
                        + " help: v.help, targets: v.nodes.map(function (n) { return n.target.join(' ') + ' :: '"
                        + " + (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 240); })}; })); },"
                        + " function (e) { done('axe failed: ' + e); });",
                TAGS);
        if (raw instanceof String failure) {
            throw new IllegalStateException(failure);
        }
        List<Violation> out = new ArrayList<>();
        for (Map<String, Object> v : (List<Map<String, Object>>) raw) {
            out.add(new Violation((String) v.get("id"), (String) v.get("impact"), (String) v.get("help"),
                    (List<String>) v.get("targets")));
        }
        return out;
    }

    String version(JavascriptExecutor driver) {
        return (String) driver.executeScript("return window.axe ? axe.version : null;");
    }
}
