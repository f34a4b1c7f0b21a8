package io.github.gpt2explainer.output;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The file {@value #NAME} that the tool writes into every site and staging directory it creates. A directory
 * that carries it was written by this tool and may be replaced as a whole; any other non-empty directory
 * belongs to the user and is never replaced or deleted.
 */
public final class SiteMarker {

    /** The marker's file name, at the top of the directory. */
    public static final String NAME = ".gpt2-explainer-site";

    /** Fixed text, so two builds of the same inputs stay byte-identical. */
    static final String TEXT = "This directory was written by gpt2-explainer. A build replaces it as a whole:\n"
            + "keep nothing here that the build does not write.\n";

    private SiteMarker() {
    }

    /** Writes the marker into {@code dir}. */
    public static void write(Path dir) throws IOException {
        Files.writeString(dir.resolve(NAME), TEXT, StandardCharsets.UTF_8);
    }

    /** Whether {@code dir} is a directory (not a link to one) holding the marker as a regular file. */
    public static boolean isMarked(Path dir) {
        return Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
                && Files.isRegularFile(dir.resolve(NAME), LinkOption.NOFOLLOW_LINKS);
    }

    /** Whether {@code dir} is a directory (not a link to one) with nothing in it. */
    public static boolean isEmptyDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (Stream<Path> children = Files.list(dir)) {
            return children.findAny().isEmpty();
        }
    }

    /** Missing, empty or marked: a directory the tool may replace. */
    public static boolean mayReplace(Path dir) throws IOException {
        return !Files.exists(dir, LinkOption.NOFOLLOW_LINKS) || isEmptyDirectory(dir) || isMarked(dir);
    }

    /**
     * @throws ForeignOutputException if {@code dir} exists and is neither empty nor marked (nothing is touched)
     */
    public static void requireReplaceable(Path dir) throws IOException {
        if (!mayReplace(dir)) {
            throw new ForeignOutputException(dir);
        }
    }
}
