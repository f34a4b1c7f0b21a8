package io.github.gpt2explainer.site;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The templates directory: {@code pages/*.ftlh} (Freemarker), {@code assets/} (CSS, JS; copied verbatim),
 * {@code i18n/<lang>.properties} (UI strings) and {@code prose/<lang>/*.md} (explainer text). Either a
 * directory on disk ({@code --templates DIR}, or {@code templates/} in the working directory) or the copy
 * bundled in the jar under {@code site-templates/}.
 */
public final class SiteTemplates implements AutoCloseable {

    static final String BUNDLED = "site-templates";
    static final List<String> REQUIRED = List.of("pages", "assets", "i18n", "prose");

    private final Path root;
    private final String description;
    private final FileSystem jarFileSystem; // non-null when reading from inside the jar

    private SiteTemplates(Path root, String description, FileSystem jarFileSystem) {
        this.root = root;
        this.description = description;
        this.jarFileSystem = jarFileSystem;
    }

    /**
     * A templates directory on disk.
     *
     * @throws SiteRenderException naming the directory and what is missing
     */
    public static SiteTemplates directory(Path dir) {
        SiteTemplates t = new SiteTemplates(dir.toAbsolutePath().normalize(), dir.toString(), null);
        t.check();
        return t;
    }

    /** {@code templates/} in the working directory when it is a templates directory, else the bundled copy. */
    public static SiteTemplates defaults() {
        Path local = Path.of("templates");
        if (REQUIRED.stream().allMatch(d -> Files.isDirectory(local.resolve(d)))) {
            return directory(local);
        }
        return bundled();
    }

    /** The copy packaged with the generator. */
    public static SiteTemplates bundled() {
        URL url = SiteTemplates.class.getClassLoader().getResource(BUNDLED + "/README.md");
        if (url == null) {
            throw new SiteRenderException("the bundled templates (" + BUNDLED + "/ on the class path) are missing;"
                    + " rebuild the generator or pass --templates DIR");
        }
        try {
            URI uri = url.toURI();
            if ("jar".equals(uri.getScheme())) {
                FileSystem fs = FileSystems.newFileSystem(uri, Map.of());
                SiteTemplates t = new SiteTemplates(fs.getPath("/" + BUNDLED), "bundled templates", fs);
                t.check();
                return t;
            }
            SiteTemplates t = new SiteTemplates(Path.of(uri).getParent(), "bundled templates", null);
            t.check();
            return t;
        } catch (URISyntaxException | IOException e) {
            throw new SiteRenderException("cannot open the bundled templates at " + url + ": " + e.getMessage(), e);
        }
    }

    private void check() {
        for (String dir : REQUIRED) {
            if (!Files.isDirectory(root.resolve(dir))) {
                throw new SiteRenderException("templates " + description + ": no " + dir + "/ directory (a templates"
                        + " directory holds " + String.join("/, ", REQUIRED) + "/)");
            }
        }
    }

    public Path root() {
        return root;
    }

    public Path pages() {
        return root.resolve("pages");
    }

    /** {@code prose/}: Markdown per language, including {@code prose/<lang>/chapters/}. */
    public Path prose() {
        return root.resolve("prose");
    }

    public Path i18n() {
        return root.resolve("i18n");
    }

    /** Explainer prose {@code prose/<lang>/<name>.md}; null when absent. */
    public String prose(String language, String name) {
        Path file = root.resolve("prose").resolve(language).resolve(name + ".md");
        try {
            if (!Files.isRegularFile(file)) {
                return null;
            }
            String text = Files.readString(file);
            MarkdownTooDeepException.check(file.toString(), text);
            return text;
        } catch (IOException e) {
            throw new SiteRenderException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Every file under {@code assets/}, as '/'-separated paths relative to the templates root, sorted. */
    public List<String> assetFiles() {
        Path assets = root.resolve("assets");
        try (Stream<Path> walk = Files.walk(assets)) {
            return walk.filter(Files::isRegularFile)
                    .map(p -> root.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/"))
                    .filter(p -> !p.substring(p.lastIndexOf('/') + 1).startsWith("."))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new SiteRenderException(assets + ": cannot list: " + e.getMessage(), e);
        }
    }

    /** Where the view scripts live: each file registers one view (templates/README.md, "Adding a view"). */
    static final String VIEWS = "assets/js/views/";

    /**
     * The view scripts, {@code assets/js/views/*.js} as site paths, sorted by name. The order is only for a
     * byte-identical site: a view registers itself and page.js starts it, so no view depends on another's place.
     */
    public List<String> viewScripts() {
        return assetFiles().stream()
                .filter(p -> p.startsWith(VIEWS) && p.endsWith(".js") && p.indexOf('/', VIEWS.length()) < 0)
                .toList();
    }

    public byte[] read(String relative) {
        Path file = root.resolve(relative);
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new SiteRenderException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    public String description() {
        return description;
    }

    @Override
    public void close() {
        if (jarFileSystem != null) {
            try {
                jarFileSystem.close();
            } catch (IOException ignored) {
                // read-only jar view: nothing to lose
            }
        }
    }
}
