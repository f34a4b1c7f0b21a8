package io.github.gpt2explainer.site;

import com.vladsch.flexmark.ext.tables.TablesExtension;
import com.vladsch.flexmark.html.HtmlRenderer;
import com.vladsch.flexmark.parser.Parser;
import com.vladsch.flexmark.util.data.MutableDataSet;
import java.util.List;

/**
 * Markdown to HTML for prompt notes and explainer prose. Built once per renderer. Raw HTML in the source
 * is escaped (shown as text), and a link or image whose URL has a scheme other than http, https or mailto
 * (javascript:, data:, vbscript:, ...) is rendered as plain text.
 */
public final class Markdown {

    /** Any URL with a scheme that is not http(s) or mailto. */
    static final String UNSAFE_LINK = "(?i)^\\s*(?!https?:|mailto:)[a-z][a-z0-9+.\\-]*:.*";

    private final Parser parser;
    private final HtmlRenderer renderer;

    public Markdown() {
        MutableDataSet options = new MutableDataSet();
        options.set(Parser.EXTENSIONS, List.of(TablesExtension.create()));
        options.set(HtmlRenderer.ESCAPE_HTML, true);
        options.set(HtmlRenderer.SUPPRESSED_LINKS, UNSAFE_LINK);
        options.set(HtmlRenderer.SOFT_BREAK, "\n");
        this.parser = Parser.builder(options).build();
        this.renderer = HtmlRenderer.builder(options).build();
    }

    /** Safe HTML for {@code markdown}. */
    public String toHtml(String markdown) {
        return renderer.render(parser.parse(markdown == null ? "" : markdown));
    }
}
