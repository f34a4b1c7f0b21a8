package io.github.gpt2explainer.site;

import java.util.ArrayList;
import java.util.List;

import com.vladsch.flexmark.ast.AutoLink;
import com.vladsch.flexmark.ast.InlineLinkNode;
import com.vladsch.flexmark.ast.Link;
import com.vladsch.flexmark.ast.RefNode;
import com.vladsch.flexmark.ast.Reference;
import com.vladsch.flexmark.ast.Text;
import com.vladsch.flexmark.ext.tables.TablesExtension;
import com.vladsch.flexmark.html.HtmlRenderer;
import com.vladsch.flexmark.parser.Parser;
import com.vladsch.flexmark.util.ast.Document;
import com.vladsch.flexmark.util.ast.Node;
import com.vladsch.flexmark.util.data.MutableDataSet;
import com.vladsch.flexmark.util.sequence.BasedSequence;

/**
 * Markdown to HTML for prompt notes and explainer prose. Built once per renderer. Raw HTML in the source
 * is escaped (shown as text), and a link or image whose URL has a scheme other than http, https or mailto
 * (javascript:, data:, vbscript:, ...) is rendered as plain text, however the scheme is disguised (character
 * references, percent-encoding, control characters: see {@link LinkPolicy}). With {@link SiteLinks}, the site-internal
 * forms {@code prompt:<id>#state}, {@code chapter:<slug>} and {@code compare:#state} are rewritten to relative
 * links (checked to exist) before that filter runs; without, they count as unknown schemes and are dropped
 * like the others.
 */
public final class Markdown {

    /** Any URL with a scheme that is not http(s) or mailto, as written (flexmark's own filter; {@link LinkPolicy} decides). */
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
        return toHtml(markdown, null);
    }

    /**
     * Safe HTML for {@code markdown}, with its site-internal links resolved by {@code links} (null: none).
     *
     * @throws SiteRenderException        naming the Markdown file when a site-internal link has no target
     * @throws MarkdownTooDeepException naming the file and line when the Markdown nests too deeply
     */
    public String toHtml(String markdown, SiteLinks links) {
        String source = links != null ? links.source() : "Markdown text";
        MarkdownTooDeepException.check(source, markdown);
        try {
            Document doc = parser.parse(markdown == null ? "" : markdown);
            if (links != null) {
                resolveSiteLinks(doc, links);
            }
            dropUnsafeLinks(doc);
            return renderer.render(doc);
        } catch (StackOverflowError e) {
            // the parser and renderer recurse per level: a nesting MarkdownDepth does not measure
            throw new MarkdownTooDeepException(source + ": the Markdown nests too deeply to render;"
                    + " flatten its quotes, lists, links or emphasis");
        }
    }

    /**
     * Inline links and link reference definitions ([x]: prompt:...) with a site-internal URL get its target;
     * a link to a prompt this set does not have keeps its words and loses the link.
     */
    private static void resolveSiteLinks(Document doc, SiteLinks links) {
        List<Node> nodes = new ArrayList<>();
        doc.getDescendants().forEach(nodes::add); // collected first: unlinking changes the tree
        for (Node node : nodes) {
            if (node instanceof Link link) {
                String url = link.getUrl().unescape();
                if (SiteLinks.isSiteLink(url)) {
                    String target = links.resolve(url, link.getStartLineNumber() + 1);
                    if (target != null) {
                        link.setUrl(BasedSequence.of(target));
                    } else {
                        keepTextDropLink(link);
                    }
                }
            } else if (node instanceof Reference ref) {
                String url = ref.getUrl().unescape();
                if (SiteLinks.isSiteLink(url)) {
                    String target = links.resolve(url, ref.getStartLineNumber() + 1);
                    ref.setUrl(BasedSequence.of(target != null ? target : ""));
                }
            }
        }
    }

    /** Links, images and autolinks whose target {@link LinkPolicy} refuses keep their words and lose the link. */
    private static void dropUnsafeLinks(Document doc) {
        List<Node> nodes = new ArrayList<>();
        doc.getDescendants().forEach(nodes::add); // collected first: unlinking changes the tree
        for (Node node : nodes) {
            if (node instanceof AutoLink auto) {
                if (!LinkPolicy.allows(auto.getUrl().toString())) {
                    auto.insertBefore(new Text(auto.getChars()));
                    auto.unlink();
                }
            } else if (node instanceof InlineLinkNode link) { // [words](url) and ![alt](url)
                if (!LinkPolicy.allows(link.getUrl().toString())) {
                    keepTextDropLink(link);
                }
            } else if (node instanceof RefNode ref) {
                Reference target = ref.getReferenceNode(doc);
                if (target != null && !LinkPolicy.allows(target.getUrl().toString())) {
                    keepTextDropLink(node);
                }
            }
        }
    }

    private static void keepTextDropLink(Node link) {
        Node child = link.getFirstChild();
        while (child != null) {
            Node next = child.getNext();
            link.insertBefore(child);
            child = next;
        }
        link.unlink();
    }
}
