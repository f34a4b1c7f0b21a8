package io.github.gpt2explainer.site;

import freemarker.cache.TemplateLoader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loads Freemarker templates from a {@link Path}, which may be inside the jar (FileTemplateLoader needs a File). */
final class PathTemplateLoader implements TemplateLoader {

    private final Path dir;

    PathTemplateLoader(Path dir) {
        this.dir = dir;
    }

    @Override
    public Object findTemplateSource(String name) {
        Path file = dir.resolve(name).normalize();
        return file.startsWith(dir) && Files.isRegularFile(file) ? file : null;
    }

    @Override
    public long getLastModified(Object templateSource) {
        return -1; // templates are read once per render; no reloading
    }

    @Override
    public Reader getReader(Object templateSource, String encoding) throws IOException {
        return Files.newBufferedReader((Path) templateSource, StandardCharsets.UTF_8);
    }

    @Override
    public void closeTemplateSource(Object templateSource) {
    }
}
