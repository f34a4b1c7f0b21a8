package io.github.gpt2explainer.site;

import io.github.gpt2explainer.prompts.PromptSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Every file of the site, where it comes from and how to render it, decided before anything is written.
 * Paths are relative, '/'-separated; two inputs that want the same path (compared case-insensitively, since
 * GitHub Pages users check sites out on case-insensitive file systems) are rejected naming both.
 *
 * <p>The files fall into three groups, rendered in this order:
 * <ol>
 *   <li>{@link #shared()}: assets, front-end libraries and message scripts (handouts inline them);</li>
 *   <li>{@link #prompts()}: one {@link PromptPages} per prompt, whose files are all rendered from its run,
 *       loaded once;</li>
 *   <li>{@link #overview()}: pages over every prompt (index, about, comparison, chapters) and the comparison
 *       data, which need what the prompts' runs left behind.</li>
 * </ol>
 */
public final class SitePlan {

    public enum Kind { PAGE, DATA, ASSET }

    /** How a planned file's bytes are made, from the site ({@link SiteContext}) or one prompt ({@link PromptContext}). */
    @FunctionalInterface
    public interface Renderer<C> {
        byte[] render(C context);
    }

    /** One output file: its path in the site, what produces it, what it is, and how to render it. */
    public record PlannedFile<C>(String path, String source, Kind kind, Renderer<C> renderer) {
    }

    /** One prompt's files, rendered together from its run so that the run is loaded once. */
    public final class PromptPages {
        private final PromptSpec prompt;
        private final List<PlannedFile<PromptContext>> files = new ArrayList<>();

        private PromptPages(PromptSpec prompt) {
            this.prompt = prompt;
        }

        public PromptSpec prompt() {
            return prompt;
        }

        /** This prompt's files, in the order they are rendered. */
        public List<PlannedFile<PromptContext>> files() {
            return Collections.unmodifiableList(files);
        }

        void add(String path, String source, Kind kind, Renderer<PromptContext> renderer) {
            files.add(claim(new PlannedFile<>(path, source, kind, renderer)));
        }
    }

    private static final Pattern SAFE_PATH = Pattern.compile("[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)*",
            Pattern.CASE_INSENSITIVE);

    private final Map<String, PlannedFile<?>> byFoldedPath = new TreeMap<>();
    private final List<PlannedFile<SiteContext>> shared = new ArrayList<>();
    private final List<PromptPages> prompts = new ArrayList<>();
    private final List<PlannedFile<SiteContext>> overview = new ArrayList<>();

    /**
     * Adds a file that needs only the templates (rendered before any prompt).
     *
     * @throws SitePlanException if the path is unsafe (absolute, '..', odd characters) or already planned
     */
    public void addShared(String path, String source, Kind kind, Renderer<SiteContext> renderer) {
        shared.add(claim(new PlannedFile<>(path, source, kind, renderer)));
    }

    /** Starts the group of a prompt's files. */
    public PromptPages addPrompt(PromptSpec prompt) {
        PromptPages group = new PromptPages(prompt);
        prompts.add(group);
        return group;
    }

    /**
     * Adds a file rendered after every prompt's run has been seen.
     *
     * @throws SitePlanException if the path is unsafe or already planned
     */
    public void addOverview(String path, String source, Kind kind, Renderer<SiteContext> renderer) {
        overview.add(claim(new PlannedFile<>(path, source, kind, renderer)));
    }

    private <C> PlannedFile<C> claim(PlannedFile<C> file) {
        String path = file.path();
        if (!SAFE_PATH.matcher(path).matches() || path.contains("..")) {
            throw new SitePlanException("output path '" + path + "' (from " + file.source()
                    + ") is not a safe relative path: only letters, digits, '.', '_', '-' and '/' separators");
        }
        String folded = path.toLowerCase(Locale.ROOT);
        PlannedFile<?> earlier = byFoldedPath.get(folded);
        if (earlier != null) {
            throw new SitePlanException("two inputs want the same output file " + path + ": " + earlier.source()
                    + " and " + file.source());
        }
        byFoldedPath.put(folded, file);
        return file;
    }

    public List<PlannedFile<SiteContext>> shared() {
        return Collections.unmodifiableList(shared);
    }

    public List<PromptPages> prompts() {
        return Collections.unmodifiableList(prompts);
    }

    public List<PlannedFile<SiteContext>> overview() {
        return Collections.unmodifiableList(overview);
    }

    /** Every planned file, sorted by path. */
    public List<PlannedFile<?>> files() {
        return List.copyOf(byFoldedPath.values());
    }

    public int size() {
        return byFoldedPath.size();
    }
}
