package io.github.gpt2explainer.site;

import java.util.List;

/**
 * What a render wrote.
 *
 * @param files every file written, sorted by path, with its size in bytes
 */
public record RenderReport(List<WrittenFile> files) {

    public record WrittenFile(String path, long bytes) {
    }

    public RenderReport {
        files = List.copyOf(files);
    }

    public long totalBytes() {
        return files.stream().mapToLong(WrittenFile::bytes).sum();
    }

    public int pageCount() {
        return (int) files.stream().filter(f -> f.path().endsWith(".html")).count();
    }
}
