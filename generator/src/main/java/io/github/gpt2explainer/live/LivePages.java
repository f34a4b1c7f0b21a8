package io.github.gpt2explainer.live;

import java.util.Map;

/**
 * The few pages serve's live explainer makes itself: the page that shows progress while a prompt is explained,
 * the page that keeps a prompt, and the error page. Every piece of text a reader supplied goes through
 * {@link #escape}; the pages have no inline script or style (their Content-Security-Policy forbids both), and
 * their behaviour is in {@code live.js}.
 */
final class LivePages {

    /** The policy of these pages: scripts and styles from this server only, fetches to it only, never framed. */
    static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /**
     * The words of these pages in one site language: the {@code live.*} strings of the templates' {@code i18n/}
     * files, read through {@link io.github.gpt2explainer.site.Messages} like every UI string of the site.
     *
     * @param language the language's code, as site.yaml lists it
     * @param strings  every UI string of that language, by key
     */
    record Words(String language, Map<String, String> strings) {
        /** The string as HTML text (escaped: a templates directory may hold any text). */
        String get(String key) {
            String value = strings.get("live." + key);
            if (value == null) {
                throw new IllegalStateException("the UI strings of language " + language + " have no live." + key);
            }
            return escape(value);
        }

        /** The strings {@code live.<group>.*} by their last part, unescaped: what a script of these pages reads. */
        Map<String, String> group(String group) {
            String prefix = "live." + group + ".";
            Map<String, String> out = new java.util.TreeMap<>();
            strings.forEach((key, value) -> {
                if (key.startsWith(prefix)) {
                    out.put(key.substring(prefix.length()), value);
                }
            });
            return out;
        }
    }

    /** {@code value} as JSON, for a data attribute (escape it there). */
    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private LivePages() {
    }

    /** The progress page: live.js posts the request and follows its progress to the page. */
    static String running(LiveRequest request, String token, boolean autoStart, Words t) {
        return frame(t.language(), t.get("title.run"), "<main class=\"live-page\" data-action=\"run\" data-token=\""
                + escape(token) + "\" data-words=\"" + escape(json(t.group("progress"))) + "\" data-query=\"" + escape(request.query()) + "\" data-auto=\"" + autoStart + "\">\n"
                + "<h1>" + t.get("title.run") + "</h1>\n"
                + "<p class=\"live-label\">" + t.get("prompt") + "</p>\n"
                + "<blockquote class=\"live-prompt\">" + escape(request.text()) + "</blockquote>\n"
                + (autoStart ? "" : "<p class=\"live-hint\">" + t.get("start.hint") + "</p>\n")
                + "<button type=\"button\" class=\"live-start\"" + (autoStart ? " hidden" : "") + ">" + t.get("start")
                + "</button>\n"
                + "<progress class=\"live-progress\" max=\"1\"" + (autoStart ? "" : " hidden") + "></progress>\n"
                + "<p class=\"live-status\" role=\"status\" aria-live=\"polite\">" + (autoStart ? t.get("waiting") : "")
                + "</p>\n"
                + "<noscript><p>" + t.get("noscript") + "</p></noscript>\n"
                + "<p><a href=\"/\">" + t.get("back") + "</a></p>\n</main>\n");
    }

    /** The keep page: the id to write, and the button that posts the request. */
    static String keep(LiveRequest request, String token, Words t) {
        return frame(t.language(), t.get("title.keep"), "<main class=\"live-page\" data-action=\"keep\" data-token=\""
                + escape(token) + "\" data-words=\"" + escape(json(t.group("progress"))) + "\" data-query=\"" + escape(request.query()) + "\">\n"
                + "<h1>" + t.get("title.keep") + "</h1>\n"
                + "<p class=\"live-label\">" + t.get("prompt") + "</p>\n"
                + "<blockquote class=\"live-prompt\">" + escape(request.text()) + "</blockquote>\n"
                + "<p class=\"live-hint\">" + t.get("keep.hint") + "</p>\n"
                + "<p><label>" + t.get("keep.id") + "<br><input class=\"live-id\" name=\"id\" value=\""
                + escape(request.id()) + "\" pattern=\"[a-z0-9][a-z0-9\\-]*\" maxlength=\"64\" spellcheck=\"false\"></label></p>\n"
                + "<button type=\"button\" class=\"live-start\">" + t.get("keep.button") + "</button>\n"
                + "<p class=\"live-status\" role=\"status\" aria-live=\"polite\"></p>\n"
                + "<noscript><p>" + t.get("noscript") + "</p></noscript>\n"
                + "<p><a href=\"/\">" + t.get("back") + "</a></p>\n</main>\n");
    }

    /** A clear error: what went wrong, as text. */
    static String error(String message, Words t) {
        return frame(t.language(), t.get("title.error"), "<main class=\"live-page\">\n<h1>" + t.get("title.error") + "</h1>\n"
                + "<p class=\"live-error\">" + escape(message) + "</p>\n"
                + "<p><a href=\"/\">" + t.get("back") + "</a></p>\n</main>\n");
    }

    private static String frame(String lang, String title, String main) {
        return "<!DOCTYPE html>\n<html lang=\"" + escape(lang.equals("zh") ? "zh-Hans" : lang) + "\">\n<head>\n"
                + "<meta charset=\"utf-8\">\n<meta name=\"referrer\" content=\"no-referrer\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<title>" + title + "</title>\n"
                + "<link rel=\"icon\" href=\"/assets/favicon.svg\" type=\"image/svg+xml\">\n"
                + "<link rel=\"stylesheet\" href=\"/assets/css/site.css\">\n"
                + "<link rel=\"stylesheet\" href=\"/__live/live.css\">\n</head>\n<body data-lang=\"" + escape(lang) + "\">\n"
                + main + "<script defer src=\"/__live/live.js\"></script>\n</body>\n</html>\n";
    }

    /** Text as HTML: {@code & < > " '} replaced by their character references. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
