package io.github.gpt2explainer.hub;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How to reach the Hub and where its cache lives, resolved the way huggingface_hub resolves them so that both
 * tools share one cache.
 *
 * <ul>
 *   <li>endpoint: {@code HF_ENDPOINT}, default {@code https://huggingface.co} (trailing slash stripped)</li>
 *   <li>offline: {@code HF_HUB_OFFLINE} (or legacy {@code TRANSFORMERS_OFFLINE}) in 1/true/yes/on, or the flag</li>
 *   <li>token: {@code HF_TOKEN}, else {@code HUGGING_FACE_HUB_TOKEN}, else the file {@code HF_TOKEN_PATH}, else
 *       {@code $HF_HOME/token}</li>
 *   <li>cache: {@code HF_HUB_CACHE}, else legacy {@code HUGGINGFACE_HUB_CACHE}, else {@code $HF_HOME/hub};
 *       {@code HF_HOME} defaults to {@code $XDG_CACHE_HOME/huggingface}, else {@code ~/.cache/huggingface}</li>
 * </ul>
 *
 * @param endpoint       base URL of the Hub or a mirror, without trailing slash
 * @param offline        never touch the network; use the cache only
 * @param token          bearer token, or null
 * @param tokenFile      where the token file is looked for (named in error hints)
 * @param cacheDir       the Hub cache ({@code .../huggingface/hub})
 * @param connectTimeout TCP connect timeout
 * @param readTimeout    longest wait for response headers, or between two chunks of a body
 * @param maxRetries     retries after the first attempt on 5xx / dropped connections / timeouts
 * @param initialBackoff wait before the first retry; doubled each retry
 */
public record HubOptions(
        String endpoint,
        boolean offline,
        String token,
        Path tokenFile,
        Path cacheDir,
        Duration connectTimeout,
        Duration readTimeout,
        int maxRetries,
        Duration initialBackoff) {

    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";
    private static final Set<String> TRUE_VALUES = Set.of("1", "true", "yes", "on");

    public HubOptions {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(cacheDir, "cacheDir");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(readTimeout, "readTimeout");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        endpoint = normaliseEndpoint(endpoint);
        if (token != null && token.isBlank()) {
            token = null;
        }
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be >= 0, got " + maxRetries);
        }
    }

    /** Options from the process environment; {@code offlineFlag} is the CLI's {@code --offline}. */
    public static HubOptions fromEnvironment(boolean offlineFlag) {
        return fromEnvironment(System.getenv(), offlineFlag);
    }

    /** Options from the given environment (tests pass a map instead of mutating the process environment). */
    public static HubOptions fromEnvironment(Map<String, String> env, boolean offlineFlag) {
        Path home = Path.of(System.getProperty("user.home"));
        Path hfHome = pathVar(env, "HF_HOME", home);
        if (hfHome == null) {
            Path xdg = pathVar(env, "XDG_CACHE_HOME", home);
            hfHome = (xdg != null ? xdg : home.resolve(".cache")).resolve("huggingface");
        }
        Path cache = pathVar(env, "HF_HUB_CACHE", home);
        if (cache == null) {
            cache = pathVar(env, "HUGGINGFACE_HUB_CACHE", home);
        }
        if (cache == null) {
            cache = hfHome.resolve("hub");
        }
        Path tokenFile = pathVar(env, "HF_TOKEN_PATH", home);
        if (tokenFile == null) {
            tokenFile = hfHome.resolve("token");
        }
        String token = nonBlank(env.get("HF_TOKEN"));
        if (token == null) {
            token = nonBlank(env.get("HUGGING_FACE_HUB_TOKEN"));
        }
        if (token == null) {
            token = readTokenFile(tokenFile);
        }
        String offlineVar = nonBlank(env.get("HF_HUB_OFFLINE"));
        if (offlineVar == null) {
            offlineVar = nonBlank(env.get("TRANSFORMERS_OFFLINE"));
        }
        boolean offline = offlineFlag || (offlineVar != null && TRUE_VALUES.contains(offlineVar.trim().toLowerCase(Locale.ROOT)));
        String endpoint = nonBlank(env.get("HF_ENDPOINT"));
        return new HubOptions(endpoint != null ? endpoint : DEFAULT_ENDPOINT, offline, token, tokenFile,
                cache, Duration.ofSeconds(10), Duration.ofSeconds(30), 5, Duration.ofMillis(500));
    }

    public HubOptions withEndpoint(String newEndpoint) {
        return new HubOptions(newEndpoint, offline, token, tokenFile, cacheDir, connectTimeout, readTimeout, maxRetries, initialBackoff);
    }

    public HubOptions withOffline(boolean newOffline) {
        return new HubOptions(endpoint, newOffline, token, tokenFile, cacheDir, connectTimeout, readTimeout, maxRetries, initialBackoff);
    }

    public HubOptions withToken(String newToken) {
        return new HubOptions(endpoint, offline, newToken, tokenFile, cacheDir, connectTimeout, readTimeout, maxRetries, initialBackoff);
    }

    public HubOptions withCacheDir(Path newCacheDir) {
        return new HubOptions(endpoint, offline, token, tokenFile, newCacheDir, connectTimeout, readTimeout, maxRetries, initialBackoff);
    }

    public HubOptions withTimeouts(Duration connect, Duration read) {
        return new HubOptions(endpoint, offline, token, tokenFile, cacheDir, connect, read, maxRetries, initialBackoff);
    }

    public HubOptions withRetries(int retries, Duration backoff) {
        return new HubOptions(endpoint, offline, token, tokenFile, cacheDir, connectTimeout, readTimeout, retries, backoff);
    }

    /** Never prints the token itself. */
    @Override
    public String toString() {
        return "HubOptions[endpoint=" + endpoint + ", offline=" + offline + ", token=" + (token == null ? "none" : "***")
                + ", cacheDir=" + cacheDir + ", connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout
                + ", maxRetries=" + maxRetries + ", initialBackoff=" + initialBackoff + "]";
    }

    private static String normaliseEndpoint(String raw) {
        String trimmed = raw.trim();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        URI uri;
        try {
            uri = URI.create(trimmed);
        } catch (IllegalArgumentException e) {
            throw new HubException(HubException.Reason.INVALID_SPEC,
                    "HF_ENDPOINT '" + raw + "' is not a valid URL: " + e.getMessage());
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https")) || uri.getHost() == null) {
            throw new HubException(HubException.Reason.INVALID_SPEC,
                    "HF_ENDPOINT '" + raw + "' must be an http(s) URL such as https://huggingface.co or https://hf-mirror.com");
        }
        return trimmed;
    }

    private static Path pathVar(Map<String, String> env, String name, Path home) {
        String value = nonBlank(env.get(name));
        if (value == null) {
            return null;
        }
        if (value.equals("~")) {
            return home;
        }
        if (value.startsWith("~/")) {
            return home.resolve(value.substring(2));
        }
        return Path.of(value);
    }

    private static String nonBlank(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static String readTokenFile(Path file) {
        try {
            return Files.isRegularFile(file) ? nonBlank(Files.readString(file, StandardCharsets.UTF_8)) : null;
        } catch (IOException | SecurityException e) {
            return null; // an unreadable token file is the same as none: requests go unauthenticated
        }
    }
}
