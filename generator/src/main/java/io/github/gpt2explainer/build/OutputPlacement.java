package io.github.gpt2explainer.build;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Where {@code --out} may be. A build replaces the output directory as a whole, so it must not be, or contain,
 * the working directory or any input (prompts, templates, trace store), and must not lie inside an input.
 * Paths are compared after resolving symbolic links, so a link cannot hide an overlap.
 */
public final class OutputPlacement {

    private OutputPlacement() {
    }

    /**
     * @throws BuildInputException naming both directories if {@code out} overlaps the working directory or an input
     */
    public static void check(Path out, Path prompts, TemplateSource templates, Path store) {
        check(out, Path.of(""), prompts, templates.isBundled() ? null : templates.directory(), store);
    }

    /** As {@link #check(Path, Path, TemplateSource, Path)} with an explicit working directory; a null input is skipped. */
    public static void check(Path out, Path workingDir, Path prompts, Path templates, Path store) {
        Path target = real(out);
        Path cwd = real(workingDir);
        if (cwd.startsWith(target)) {
            throw new BuildInputException("--out " + out + (target.equals(cwd) ? " is" : " contains")
                    + " the working directory " + cwd + ": a build replaces --out as a whole, so everything here "
                    + "would go; choose a directory of its own, such as site-out");
        }
        refuseOverlap(out, target, "prompts", "--prompts", prompts);
        refuseOverlap(out, target, "templates", "--templates", templates);
        refuseOverlap(out, target, "trace store", "--store", store);
    }

    private static void refuseOverlap(Path out, Path target, String what, String option, Path input) {
        if (input == null) {
            return;
        }
        Path dir = real(input);
        if (dir.startsWith(target)) {
            throw new BuildInputException("--out " + out + (target.equals(dir) ? " is" : " contains") + " the " + what
                    + " directory " + dir + " (" + option + "): a build replaces --out as a whole, so it would delete "
                    + "them; choose a directory outside the inputs, such as site-out");
        }
        if (target.startsWith(dir)) {
            throw new BuildInputException("--out " + out + " is inside the " + what + " directory " + dir + " ("
                    + option + "): choose a directory outside the inputs, such as site-out");
        }
    }

    /**
     * The absolute path with symbolic links resolved as far as the path exists; the part that does not exist yet is
     * appended as written (normalized).
     */
    static Path real(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return absolute;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(absolute)).normalize();
        } catch (IOException e) {
            return absolute; // a dangling link or no permission: compare as written
        }
    }
}
