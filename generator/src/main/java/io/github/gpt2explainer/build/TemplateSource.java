package io.github.gpt2explainer.build;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the site templates come from: a directory ({@code --templates}, or {@code templates/} in the working
 * directory when present), else the copy bundled in the jar.
 *
 * @param directory the templates directory, or null for the bundled templates
 */
public record TemplateSource(Path directory) {

    /** The directory looked for when {@code --templates} is not given. */
    public static final Path DEFAULT_DIRECTORY = Path.of("templates");

    public static TemplateSource bundled() {
        return new TemplateSource(null);
    }

    /** {@code --templates} if given, else {@code templates/} if it is a directory, else the bundled copy. */
    public static TemplateSource choose(Path option) {
        if (option != null) {
            return new TemplateSource(option);
        }
        return Files.isDirectory(DEFAULT_DIRECTORY) ? new TemplateSource(DEFAULT_DIRECTORY) : bundled();
    }

    public boolean isBundled() {
        return directory == null;
    }

    public String describe() {
        return isBundled() ? "bundled with the tool (no templates/ directory here)" : directory.toAbsolutePath().normalize().toString();
    }
}
