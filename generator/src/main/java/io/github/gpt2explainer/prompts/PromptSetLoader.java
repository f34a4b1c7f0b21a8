package io.github.gpt2explainer.prompts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Loads and checks a prompt directory before any model work. Every problem in the whole set is collected
 * and reported together in one {@link PromptSetException}.
 *
 * <p>The directory holds {@code site.yaml}, one {@code <id>.md} per prompt, optionally {@code README.md};
 * hidden entries (names starting with '.') are ignored; anything else is reported, so a misnamed prompt
 * such as {@code foo.yml} or {@code foo.md.txt} cannot be silently skipped.
 */
public final class PromptSetLoader {

    public static final String SITE_FILE = "site.yaml";
    public static final String README_FILE = "README.md";

    /** The largest {@code max_new_tokens} a prompt or the site may ask for. */
    public static final int MAX_NEW_TOKENS = PromptFileReader.MAX_NEW_TOKENS;

    /** Keys allowed in a prompt's front matter. */
    public static final List<String> PROMPT_KEYS = PromptFileReader.KEYS;

    /** Keys allowed in site.yaml. */
    public static final List<String> SITE_KEYS = SiteSettingsReader.KEYS;

    private PromptSetLoader() {
    }

    /**
     * @throws PromptSetException listing every problem found, each with its file and line
     */
    public static PromptSet load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new PromptSetException(List.of(new Problem(dir, 0,
                    Files.exists(dir) ? "not a directory; expected the prompt directory"
                            : "the prompt directory does not exist")));
        }
        List<Problem> problems = new ArrayList<>();
        List<Path> promptFiles = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path entry : entries.sorted().toList()) {
                String name = entry.getFileName().toString();
                if (name.startsWith(".") || name.equals(SITE_FILE) || name.equals(README_FILE)) {
                    continue;
                }
                if (Files.isRegularFile(entry) && name.endsWith(".md")) {
                    promptFiles.add(entry);
                } else {
                    problems.add(new Problem(entry, 0, "unexpected " + (Files.isDirectory(entry) ? "directory" : "file")
                            + " in the prompt directory, which may hold only <id>.md prompts, " + SITE_FILE
                            + " and " + README_FILE));
                }
            }
        } catch (IOException e) {
            throw new PromptSetException(List.of(new Problem(dir, 0, "cannot list the prompt directory: " + e)));
        }

        Path siteFile = dir.resolve(SITE_FILE);
        SiteSettings settings = null;
        if (!Files.isRegularFile(siteFile)) {
            problems.add(new Problem(siteFile, 0, "missing site settings file " + SITE_FILE
                    + " (site title, model, languages and default generation settings)"));
        } else {
            settings = SiteSettingsReader.read(siteFile, problems);
        }
        // Keep checking the prompts against stand-in settings so their own problems are reported too.
        SiteSettings checkAgainst = settings != null ? settings : SiteSettings.fallback();

        if (promptFiles.isEmpty()) {
            problems.add(new Problem(dir, 0, "no prompts: the directory has no <id>.md files"));
        }
        List<PromptSpec> prompts = new ArrayList<>();
        Map<String, Path> fileById = new HashMap<>();
        for (Path file : promptFiles) {
            PromptFileReader.Result result = PromptFileReader.read(file, checkAgainst, problems);
            if (result.id() != null) {
                Path first = fileById.putIfAbsent(result.id(), file);
                if (first != null) {
                    problems.add(new Problem(file, result.idLine(), "duplicate id \"" + result.id()
                            + "\", already used by " + first));
                    continue;
                }
            }
            if (result.spec() != null) {
                prompts.add(result.spec());
            }
        }
        if (!problems.isEmpty()) {
            throw new PromptSetException(problems);
        }
        return new PromptSet(settings, prompts);
    }

    /**
     * Checks one prompt file's content exactly as {@link #load} checks a file of the set, without the file being
     * on disk (serve's live explainer, before it runs a prompt or keeps it).
     *
     * @param source where the file would be: its name must be {@code <id>.md}; problems name it
     * @throws PromptSetException listing every problem of the content
     */
    public static PromptSpec parsePrompt(String content, Path source, SiteSettings settings) {
        List<Problem> problems = new ArrayList<>();
        PromptFileReader.Result result = PromptFileReader.parse(content, source, settings, problems);
        if (!problems.isEmpty() || result.spec() == null) {
            throw new PromptSetException(problems);
        }
        return result.spec();
    }
}
