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

    private static final Map<String, Map<String, String>> STRINGS = Map.of(
            "en", Map.ofEntries(
                    Map.entry("title.run", "Explaining your prompt"),
                    Map.entry("title.keep", "Keep this prompt"),
                    Map.entry("title.error", "The live explainer cannot do that"),
                    Map.entry("prompt", "Prompt"),
                    Map.entry("waiting", "Waiting for the model..."),
                    Map.entry("start", "Explain this prompt"),
                    Map.entry("start.hint", "This link came from another site, so nothing runs until you ask."),
                    Map.entry("keep.id", "Prompt id (the file name; the sampling seeds derive from it)"),
                    Map.entry("keep.button", "Write the prompt file"),
                    Map.entry("keep.hint", "Writes a new prompt file with this text and settings, a title to edit and "
                            + "a note to write in every language. An existing file is never overwritten."),
                    Map.entry("back", "Back to the site"),
                    Map.entry("noscript", "The live explainer needs JavaScript.")),
            "zh", Map.ofEntries(
                    Map.entry("title.run", "正在解释你的提示"),
                    Map.entry("title.keep", "保留这个提示"),
                    Map.entry("title.error", "实时解释无法完成这个请求"),
                    Map.entry("prompt", "提示"),
                    Map.entry("waiting", "等待模型……"),
                    Map.entry("start", "解释这个提示"),
                    Map.entry("start.hint", "这个链接来自其他网站，所以在你点击之前不会运行任何东西。"),
                    Map.entry("keep.id", "提示编号（文件名；采样种子由它派生）"),
                    Map.entry("keep.button", "写入提示文件"),
                    Map.entry("keep.hint", "用这段文本和设置写一个新的提示文件，每种语言各有一个待修改的标题和待写的说明。"
                            + "已有的文件绝不会被覆盖。"),
                    Map.entry("back", "返回网站"),
                    Map.entry("noscript", "实时解释需要 JavaScript。")));

    private LivePages() {
    }

    /** The progress page: live.js posts the request and follows its progress to the page. */
    static String running(LiveRequest request, String token, boolean autoStart) {
        String lang = language(request.language());
        Map<String, String> t = STRINGS.get(lang);
        return frame(lang, t.get("title.run"), "<main class=\"live-page\" data-action=\"run\" data-token=\""
                + escape(token) + "\" data-query=\"" + escape(request.query()) + "\" data-auto=\"" + autoStart + "\">\n"
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
    static String keep(LiveRequest request, String token) {
        String lang = language(request.language());
        Map<String, String> t = STRINGS.get(lang);
        return frame(lang, t.get("title.keep"), "<main class=\"live-page\" data-action=\"keep\" data-token=\""
                + escape(token) + "\" data-query=\"" + escape(request.query()) + "\">\n"
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
    static String error(String language, String message) {
        String lang = language(language);
        Map<String, String> t = STRINGS.get(lang);
        return frame(lang, t.get("title.error"), "<main class=\"live-page\">\n<h1>" + t.get("title.error") + "</h1>\n"
                + "<p class=\"live-error\">" + escape(message) + "</p>\n"
                + "<p><a href=\"/\">" + t.get("back") + "</a></p>\n</main>\n");
    }

    private static String frame(String lang, String title, String main) {
        return "<!DOCTYPE html>\n<html lang=\"" + (lang.equals("zh") ? "zh-Hans" : lang) + "\">\n<head>\n"
                + "<meta charset=\"utf-8\">\n<meta name=\"referrer\" content=\"no-referrer\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<title>" + title + "</title>\n"
                + "<link rel=\"icon\" href=\"/assets/favicon.svg\" type=\"image/svg+xml\">\n"
                + "<link rel=\"stylesheet\" href=\"/assets/css/site.css\">\n"
                + "<link rel=\"stylesheet\" href=\"/__live/live.css\">\n</head>\n<body data-lang=\"" + lang + "\">\n"
                + main + "<script defer src=\"/__live/live.js\"></script>\n</body>\n</html>\n";
    }

    private static String language(String requested) {
        return requested != null && requested.startsWith("zh") ? "zh" : "en";
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
