package io.github.gpt2explainer.site;

import java.util.List;

/**
 * What a render wrote.
 *
 * @param files   every file written, sorted by path, with its size in bytes
 * @param notices things the user should know (e.g. chapter links to prompts this set does not have)
 */
public record RenderReport(List<WrittenFile> files, List<String> notices) {

    public record WrittenFile(String path, long bytes) {
    }

    public RenderReport {
        files = List.copyOf(files);
        notices = List.copyOf(notices);
    }

    public long totalBytes() {
        return files.stream().mapToLong(WrittenFile::bytes).sum();
    }

    public int pageCount() {
        return (int) files.stream().filter(f -> f.path().endsWith(".html")).count();
    }
}
