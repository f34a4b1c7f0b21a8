package io.github.gpt2explainer.site;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Every file of the site and where it comes from, decided before anything is written. Paths are
 * relative, '/'-separated; two inputs that want the same path (compared case-insensitively, since
 * GitHub Pages users check sites out on case-insensitive file systems) are rejected naming both.
 */
public final class SitePlan {

    /** One output file: its path in the site, what produces it, and what it is. */
    public record PlannedFile(String path, String source, Kind kind) {
    }

    public enum Kind { PAGE, DATA, ASSET }

    private static final Pattern SAFE_PATH = Pattern.compile("[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)*",
            Pattern.CASE_INSENSITIVE);

    private final Map<String, PlannedFile> byFoldedPath = new TreeMap<>();

    /**
     * Adds a file.
     *
     * @throws SitePlanException if the path is unsafe (absolute, '..', odd characters) or already planned
     */
    public void add(String path, String source, Kind kind) {
        if (!SAFE_PATH.matcher(path).matches() || path.contains("..")) {
            throw new SitePlanException("output path '" + path + "' (from " + source
                    + ") is not a safe relative path: only letters, digits, '.', '_', '-' and '/' separators");
        }
        String folded = path.toLowerCase(Locale.ROOT);
        PlannedFile earlier = byFoldedPath.get(folded);
        if (earlier != null) {
            throw new SitePlanException("two inputs want the same output file " + path + ": " + earlier.source()
                    + " and " + source);
        }
        byFoldedPath.put(folded, new PlannedFile(path, source, kind));
    }

    /** Every planned file, sorted by path. */
    public List<PlannedFile> files() {
        return Collections.unmodifiableList(new ArrayList<>(byFoldedPath.values()));
    }

    public boolean contains(String path) {
        return byFoldedPath.containsKey(path.toLowerCase(Locale.ROOT));
    }

    public int size() {
        return byFoldedPath.size();
    }
}
