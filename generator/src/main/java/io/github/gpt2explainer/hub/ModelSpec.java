package io.github.gpt2explainer.hub;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the user passed to {@code --model}, parsed: a local directory, the built-in {@code demo}, or a Hub id
 * with an optional {@code @revision} (branch, tag, 40-hex commit, {@code refs/pr/N}; default {@code main}).
 *
 * <p>Legacy ids: the Hub still answers the bare names below by redirecting to their organisation's repository.
 * We map them up front so that what we download lands in the same cache folder current Python tools use
 * ({@code models--openai-community--gpt2}); a cache written by older Python tools under the bare name
 * ({@code models--gpt2}) is still found, see {@link #cacheRepoIds()}.
 *
 * <pre>
 *   gpt2         -> openai-community/gpt2
 *   gpt2-medium  -> openai-community/gpt2-medium
 *   gpt2-large   -> openai-community/gpt2-large
 *   gpt2-xl      -> openai-community/gpt2-xl
 *   distilgpt2   -> distilbert/distilgpt2
 * </pre>
 *
 * @param text           the spec exactly as the user wrote it
 * @param kind           which of the three forms it is
 * @param localDirectory absolute directory for {@link Kind#LOCAL_DIRECTORY}, else null
 * @param repoId         canonical Hub repository id for {@link Kind#HUB}, else null
 * @param revision       revision for {@link Kind#HUB} ({@code main} when not given), else null
 * @param legacyId       the bare legacy id the user wrote (e.g. {@code gpt2}), or null
 */
public record ModelSpec(String text, Kind kind, Path localDirectory, String repoId, String revision, String legacyId) {

    public enum Kind { LOCAL_DIRECTORY, DEMO, HUB }

    public static final String DEFAULT_MODEL = "openai-community/gpt2";
    public static final String DEFAULT_REVISION = "main";
    public static final String DEMO = "demo";

    /** Bare legacy ids and the repository the Hub redirects them to. */
    public static final Map<String, String> LEGACY_IDS = Map.of(
            "gpt2", "openai-community/gpt2",
            "gpt2-medium", "openai-community/gpt2-medium",
            "gpt2-large", "openai-community/gpt2-large",
            "gpt2-xl", "openai-community/gpt2-xl",
            "distilgpt2", "distilbert/distilgpt2");

    // Same rules as huggingface_hub's validate_repo_id: [namespace/]name of word chars, '-', '.'; no '--' or '..'
    private static final Pattern REPO_PART = Pattern.compile("[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?");
    private static final Pattern REVISION = Pattern.compile("[A-Za-z0-9_.][A-Za-z0-9_./-]*");
    private static final int MAX_REPO_ID_LENGTH = 96;

    /** Parses {@code --model}; throws {@link HubException} with {@link HubException.Reason#INVALID_SPEC}. */
    public static ModelSpec parse(String text) {
        if (text == null || text.isBlank()) {
            throw invalid(String.valueOf(text), "it is empty; pass a Hub id such as " + DEFAULT_MODEL
                    + ", a local directory, or 'demo'");
        }
        if (!text.equals(text.strip())) {
            throw invalid(text, "it has leading or trailing spaces");
        }
        if (text.equals(DEMO)) {
            return new ModelSpec(text, Kind.DEMO, null, null, null, null);
        }
        Path existing = existingDirectory(text);
        if (existing != null) {
            return new ModelSpec(text, Kind.LOCAL_DIRECTORY, existing, null, null, null);
        }
        if (looksLikePath(text)) {
            throw invalid(text, "it looks like a path but no such directory exists");
        }
        int at = text.indexOf('@');
        String id = at < 0 ? text : text.substring(0, at);
        String revision = at < 0 ? DEFAULT_REVISION : text.substring(at + 1);
        validateRepoId(text, id);
        validateRevision(text, revision);
        String canonical = LEGACY_IDS.get(id);
        return canonical != null
                ? new ModelSpec(text, Kind.HUB, null, canonical, revision, id)
                : new ModelSpec(text, Kind.HUB, null, id, revision, null);
    }

    /** Repository ids whose cache folders may hold this model: the canonical one first, then the legacy one. */
    public List<String> cacheRepoIds() {
        List<String> ids = new ArrayList<>();
        if (repoId != null) {
            ids.add(repoId);
        }
        if (legacyId != null) {
            ids.add(legacyId);
        }
        return List.copyOf(ids);
    }

    private static Path existingDirectory(String text) {
        try {
            Path path = Path.of(text.startsWith("~/") ? System.getProperty("user.home") + text.substring(1) : text);
            return Files.isDirectory(path) ? path.toAbsolutePath().normalize() : null;
        } catch (InvalidPathException e) {
            return null;
        }
    }

    private static boolean looksLikePath(String text) {
        String id = text.contains("@") ? text.substring(0, text.indexOf('@')) : text;
        return text.startsWith("/") || text.startsWith("./") || text.startsWith("../") || text.startsWith("~")
                || text.equals(".") || text.equals("..") || text.contains("\\")
                || id.chars().filter(c -> c == '/').count() > 1 || id.endsWith("/");
    }

    private static void validateRepoId(String text, String id) {
        if (id.isEmpty()) {
            throw invalid(text, "the repository id before '@' is empty");
        }
        if (id.length() > MAX_REPO_ID_LENGTH) {
            throw invalid(text, "the repository id is longer than " + MAX_REPO_ID_LENGTH + " characters");
        }
        if (id.contains("..") || id.contains("--")) {
            throw invalid(text, "a repository id cannot contain '..' or '--'");
        }
        String[] parts = id.split("/", -1);
        for (String part : parts) {
            if (!REPO_PART.matcher(part).matches()) {
                throw invalid(text, "'" + id + "' is not a Hub repository id: expected [organisation/]name made of"
                        + " letters, digits, '-', '_' and '.', such as " + DEFAULT_MODEL);
            }
        }
    }

    private static void validateRevision(String text, String revision) {
        if (revision.isEmpty()) {
            throw invalid(text, "the revision after '@' is empty; use e.g. @main, a tag, a commit or refs/pr/1");
        }
        if (!REVISION.matcher(revision).matches() || revision.contains("..") || revision.contains("//")
                || revision.endsWith("/") || revision.contains("@")) {
            throw invalid(text, "'" + revision + "' is not a valid revision: expected a branch, tag, commit"
                    + " hash or refs/pr/N made of letters, digits, '-', '_', '.' and '/'");
        }
    }

    private static HubException invalid(String text, String why) {
        return new HubException(HubException.Reason.INVALID_SPEC, "Invalid --model '" + text + "': " + why + ".");
    }
}
