package io.github.gpt2explainer.site;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Every HTML page of a built site, discovered from the directory (so pages added by later views and page
 * kinds are checked too), with its kind ({@code data-page} of the body) and language ({@code lang} of html).
 */
record SitePages(Path root, List<SitePage> pages) {

    record SitePage(Path file, String path, String kind, String lang) {
        String url() {
            return file.toUri().toString();
        }

        boolean handout() {
            return path.contains("handouts/");
        }
    }

    private static final Pattern KIND = Pattern.compile("<body[^>]*\\sdata-page=\"([^\"]+)\"");
    private static final Pattern LANG = Pattern.compile("<html[^>]*\\slang=\"([^\"]+)\"");

    static SitePages of(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            List<SitePage> pages = walk.filter(p -> p.toString().endsWith(".html")).sorted().map(p -> page(root, p)).toList();
            return new SitePages(root, pages);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static SitePage page(Path root, Path file) {
        try {
            String html = Files.readString(file, StandardCharsets.UTF_8);
            return new SitePage(file, root.relativize(file).toString().replace('\\', '/'), group(KIND, html, file),
                    group(LANG, html, file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String group(Pattern p, String html, Path file) {
        Matcher m = p.matcher(html);
        if (!m.find()) {
            throw new IllegalStateException(file + ": no " + p.pattern() + " (every page comes from layout.ftlh)");
        }
        return m.group(1);
    }

    /** The first page of each (kind, language, handout or not): one representative of every page kind. */
    List<SitePage> oneOfEachKind() {
        java.util.Map<String, SitePage> first = new java.util.TreeMap<>();
        for (SitePage p : pages) {
            first.putIfAbsent(p.kind() + "/" + p.lang() + "/" + p.handout(), p);
        }
        return List.copyOf(first.values());
    }
}
