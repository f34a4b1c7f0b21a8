package io.github.gpt2explainer.site;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Writes rendered files into a directory and reports them. It is only fed from a {@link SitePlan}, which has
 * already rejected unsafe and clashing paths, so every file is planned and written once.
 */
final class SiteWriter {

    private final Path outDir;
    private final List<RenderReport.WrittenFile> report = new ArrayList<>();

    SiteWriter(Path outDir) {
        this.outDir = outDir;
    }

    void write(String path, byte[] bytes) {
        Path target = outDir.resolve(path);
        try {
            Files.createDirectories(target.getParent());
            Files.write(target, bytes);
        } catch (IOException e) {
            throw new SiteRenderException("cannot write " + target + ": " + e.getMessage(), e);
        }
        report.add(new RenderReport.WrittenFile(path, bytes.length));
    }

    RenderReport finish(List<String> notices) {
        report.sort(Comparator.comparing(RenderReport.WrittenFile::path));
        return new RenderReport(report, notices);
    }
}
