package io.github.gpt2explainer.site;

import com.vladsch.flexmark.util.sequence.Escaping;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which link targets a Markdown note or prose page may keep: http, https, mailto and relative URLs. The
 * scheme is judged on the URL as a browser would see it, not as written: character references
 * ({@code &#115;}, {@code &colon;}, {@code &Tab;}), backslash escapes and percent-encoding are decoded
 * (repeatedly, until nothing changes), then control characters, whitespace, invisible format characters
 * and backslashes are removed, because browsers skip or ignore them while reading a scheme. Anything
 * that is then some other scheme ({@code javascript:}, {@code data:}, {@code vbscript:}, ...) is refused.
 */
final class LinkPolicy {

    static final Set<String> ALLOWED_SCHEMES = Set.of("http", "https", "mailto");

    /** A URL scheme at the very start (RFC 3986: a letter, then letters, digits, '+', '-', '.'). */
    private static final Pattern SCHEME = Pattern.compile("^([a-z][a-z0-9+.\\-]*):");
    /** Enough rounds for any nesting a real URL has; a URL still changing after that is refused. */
    private static final int MAX_DECODING_ROUNDS = 8;

    private LinkPolicy() {
    }

    /** True if {@code writtenUrl}, as it stands in the Markdown source, may become a link. */
    static boolean allows(String writtenUrl) {
        String url = effectiveUrl(writtenUrl);
        if (url == null) {
            return false;
        }
        Matcher scheme = SCHEME.matcher(url);
        return !scheme.find() || ALLOWED_SCHEMES.contains(scheme.group(1));
    }

    /**
     * The URL reduced to what decides its scheme, lowercased; null when decoding never settles.
     * For example {@code "java&Tab;script&#58;x"} and {@code "\\JAVA%73cript:x"} both give {@code "javascript:x"}.
     */
    static String effectiveUrl(String writtenUrl) {
        String url = writtenUrl;
        for (int round = 0; round < MAX_DECODING_ROUNDS; round++) {
            String decoded = percentDecode(Escaping.unescapeString(url));
            if (decoded.equals(url)) {
                return withoutIgnoredCharacters(url).toLowerCase(Locale.ROOT);
            }
            url = decoded;
        }
        return null;
    }

    /** Drops what a browser skips in a URL (controls, tab, newline, spaces), invisible characters and '\'. */
    private static String withoutIgnoredCharacters(String url) {
        StringBuilder kept = new StringBuilder(url.length());
        url.codePoints().filter(c -> !ignored(c)).forEach(kept::appendCodePoint);
        return kept.toString();
    }

    private static boolean ignored(int c) {
        return Character.isISOControl(c) || Character.isWhitespace(c) || Character.isSpaceChar(c)
                || Character.getType(c) == Character.FORMAT || c == '\\'
                || c == 0xFFFD; // what a reference to NUL or an invalid code point decodes to
    }

    /** {@code %XX} sequences as UTF-8 bytes; a '%' not followed by two hex digits stays as it is. */
    static String percentDecode(String url) {
        if (url.indexOf('%') < 0) {
            return url;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(url.length());
        StringBuilder out = new StringBuilder(url.length());
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            if (c == '%' && i + 2 < url.length() && hex(url.charAt(i + 1)) >= 0 && hex(url.charAt(i + 2)) >= 0) {
                bytes.write(hex(url.charAt(i + 1)) * 16 + hex(url.charAt(i + 2)));
                i += 2;
            } else {
                flush(bytes, out);
                out.append(c);
            }
        }
        flush(bytes, out);
        return out.toString();
    }

    private static void flush(ByteArrayOutputStream bytes, StringBuilder out) {
        if (bytes.size() > 0) {
            out.append(bytes.toString(StandardCharsets.UTF_8));
            bytes.reset();
        }
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }
}
