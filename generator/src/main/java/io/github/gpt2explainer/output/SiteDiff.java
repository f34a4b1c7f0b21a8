package io.github.gpt2explainer.output;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * How a committed site differs from a fresh render, file by file and byte by byte. Directories only
 * matter through their files (git does not keep empty directories either). Paths use '/' and are sorted.
 *
 * @param added   files the fresh render has and the committed site lacks
 * @param removed files the committed site has and the fresh render does not produce
 * @param changed files in both whose bytes differ
 */
public record SiteDiff(List<String> added, List<String> removed, List<String> changed) {

    /** Lines {@link #describe} prints before "... and N more". */
    public static final int MAX_LINES = 50;

    public SiteDiff {
        added = List.copyOf(added);
        removed = List.copyOf(removed);
        changed = List.copyOf(changed);
    }

    /**
     * Compares {@code committed} (the output directory as it is; may be missing) with {@code fresh}.
     */
    public static SiteDiff compare(Path committed, Path fresh) throws IOException {
        TreeMap<String, Path> before = files(committed);
        TreeMap<String, Path> after = files(fresh);
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        TreeSet<String> all = new TreeSet<>(before.keySet());
        all.addAll(after.keySet());
        for (String name : all) {
            Path a = before.get(name);
            Path b = after.get(name);
            if (a == null) {
                added.add(name);
            } else if (b == null) {
                removed.add(name);
            } else if (!sameContent(a, b)) {
                changed.add(name);
            }
        }
        return new SiteDiff(added, removed, changed);
    }

    public boolean identical() {
        return added.isEmpty() && removed.isEmpty() && changed.isEmpty();
    }

    public int size() {
        return added.size() + removed.size() + changed.size();
    }

    /**
     * One line per difference, sorted by path: {@code "  changed  index.html"}, {@code "  missing  a.js"}
     * (the fresh render has it, the committed site does not), {@code "  extra    b.css"} (the committed site has
     * it, the fresh render does not); at most {@link #MAX_LINES}, then {@code "  ... and N more"}.
     */
    public List<String> describe() {
        TreeMap<String, String> byPath = new TreeMap<>();
        added.forEach(p -> byPath.put(p, "missing"));
        removed.forEach(p -> byPath.put(p, "extra  "));
        changed.forEach(p -> byPath.put(p, "changed"));
        List<String> lines = new ArrayList<>();
        for (var e : byPath.entrySet()) {
            if (lines.size() == MAX_LINES) {
                lines.add("  ... and " + (byPath.size() - MAX_LINES) + " more");
                break;
            }
            lines.add("  " + e.getValue() + "  " + e.getKey());
        }
        return lines;
    }

    /** Files and other non-directory entries under root, by '/'-separated relative path. */
    private static TreeMap<String, Path> files(Path root) throws IOException {
        TreeMap<String, Path> files = new TreeMap<>();
        if (!Files.isDirectory(root)) {
            return files;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).forEach(p -> {
                String rel = root.relativize(p).toString().replace(root.getFileSystem().getSeparator(), "/");
                files.put(rel, p);
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return files;
    }

    private static boolean sameContent(Path a, Path b) throws IOException {
        boolean fileA = Files.isRegularFile(a, LinkOption.NOFOLLOW_LINKS);
        boolean fileB = Files.isRegularFile(b, LinkOption.NOFOLLOW_LINKS);
        if (fileA && fileB) {
            return Files.mismatch(a, b) == -1L;
        }
        if (Files.isSymbolicLink(a) && Files.isSymbolicLink(b)) {
            return Files.readSymbolicLink(a).equals(Files.readSymbolicLink(b));
        }
        return false;
    }
}
