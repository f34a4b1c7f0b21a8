package io.github.gpt2explainer.site;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Writes the files of a {@link SitePlan} into a directory, refusing any file the plan does not list, and
 * checks at the end that every planned file was written.
 */
final class SiteWriter {

    private final Path outDir;
    private final SitePlan plan;
    private final Set<String> written = new TreeSet<>();
    private final List<RenderReport.WrittenFile> report = new ArrayList<>();

    SiteWriter(Path outDir, SitePlan plan) {
        this.outDir = outDir;
        this.plan = plan;
    }

    void write(String path, String text) {
        write(path, text.getBytes(StandardCharsets.UTF_8));
    }

    void write(String path, byte[] bytes) {
        if (!plan.contains(path)) {
            throw new IllegalStateException("the renderer tried to write " + path + ", which the site plan does not list");
        }
        if (!written.add(path)) {
            throw new IllegalStateException("the renderer wrote " + path + " twice");
        }
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
        List<String> missing = plan.files().stream().map(SitePlan.PlannedFile::path)
                .filter(p -> !written.contains(p)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("planned but not written: " + String.join(", ", missing));
        }
        report.sort(Comparator.comparing(RenderReport.WrittenFile::path));
        return new RenderReport(report, notices);
    }
}
