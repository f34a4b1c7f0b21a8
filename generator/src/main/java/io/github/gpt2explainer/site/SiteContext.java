package io.github.gpt2explainer.site;

import io.github.gpt2explainer.prompts.PromptSpec;
import io.github.gpt2explainer.site.Chapters.Chapter;
import io.github.gpt2explainer.site.PageModel.ChapterRef;
import io.github.gpt2explainer.site.PageModel.LanguageLink;
import io.github.gpt2explainer.site.PageModel.Link;
import io.github.gpt2explainer.site.PageModel.ModelCard;
import io.github.gpt2explainer.site.PageModel.Page;
import io.github.gpt2explainer.site.PageModel.PromptCard;
import io.github.gpt2explainer.trace.ModelInfo;
import io.github.gpt2explainer.trace.PromptRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What one render of the site shares between its planned files: the input, layout, chapters, messages and
 * templates, plus what the render gathers as it goes (the shared files handouts inline, each prompt's summary
 * and the comparison data). Public because {@link SitePlan.Renderer} names it; built by {@link SiteRenderer}.
 */
public final class SiteContext {

    final SiteInput input;
    final SiteLayout layout;
    final Chapters chapters;
    final Messages messages;
    final SiteTemplates templates;
    final PageTemplates pages;
    final Markdown markdown;
    final Set<String> promptIds;
    final Set<String> slugs;
    final CompareData compare;
    private final ProseValues values;
    final HeadExamples headExamples;
    private final Map<String, String> chapterHtml = new TreeMap<>();
    /** The prompt the chapters' first figure draws from (or the first prompt): where the home page says to start. */
    private String featured;
    private final List<String> notices;
    private final Map<String, byte[]> shared = new TreeMap<>();
    private final Map<String, PromptSummary> summaries = new TreeMap<>();
    /** Site paths of the view scripts, sorted: one order for every page, so the same input gives the same site. */
    private final List<String> viewScripts;

    SiteContext(SiteInput input, SiteLayout layout, Chapters chapters, SiteTemplates templates, PageTemplates pages,
                Markdown markdown) {
        this.input = input;
        this.layout = layout;
        this.chapters = chapters;
        this.messages = Messages.load(templates.i18n(), layout.languages());
        this.templates = templates;
        this.pages = pages;
        this.markdown = markdown;
        this.promptIds = Set.copyOf(input.promptSet().ids());
        this.slugs = Set.copyOf(chapters.slugs());
        this.compare = new CompareData(input.model().config().layers(), input.model().config().heads());
        this.values = ProseValues.of(input);
        this.headExamples = new HeadExamples(input.model().config().layers(), input.model().config().heads());
        this.viewScripts = templates.viewScripts();
        this.notices = renderChapters();
    }

    /**
     * Chapters first: a dead chapter: link, a placeholder the site does not know, or a layer or head the model
     * lacks fails the build before the long per-prompt work. Links to prompts this set does not have (a
     * lecturer's own set) become plain text and figures of such prompts draw the first prompt instead, both
     * listed in the returned notices.
     */
    private List<String> renderChapters() {
        Set<String> unlinked = new TreeSet<>();
        Set<String> moved = new TreeSet<>();
        List<String> ids = input.promptSet().ids();
        int layers = layers(), heads = heads();
        for (String lang : layout.languages()) {
            for (Chapter c : chapters.of(lang)) {
                String path = layout.chapterPage(lang, c.slug());
                String root = SiteLayout.rootFrom(path);
                SiteLinks links = new SiteLinks(c.file(), root, layout.languagePrefix(lang), promptIds, slugs, layers, heads);
                ChapterFigures.Extracted x = ChapterFigures.extract(c.file(), c.renderable(values), layers, heads, ids);
                String html = markdown.toHtml(x.markdown(), links);
                chapterHtml.put(path, ChapterFigures.insert(c.file(), html, x.figures(), f -> figureHtml(lang, root, f)));
                links.missingPrompts(c.body()).forEach(id -> unlinked.add(c.slug() + " -> " + id));
                for (ChapterFigures.Figure f : x.figures()) {
                    if (!f.prompt().equals(f.named())) {
                        moved.add(c.slug() + " -> " + f.named());
                    }
                    if (featured == null && f.prompt().equals(f.named())) {
                        featured = f.prompt();
                    }
                }
            }
        }
        if (featured == null && !ids.isEmpty()) {
            featured = ids.get(0);
        }
        List<String> out = new ArrayList<>();
        if (!unlinked.isEmpty()) {
            out.add("Chapter links to prompts not in this prompt set are shown as plain text: " + String.join(", ", unlinked));
        }
        if (!moved.isEmpty() && !ids.isEmpty()) {
            out.add("Chapter figures of prompts not in this prompt set draw " + ids.get(0) + " instead: "
                    + String.join(", ", moved));
        }
        return List.copyOf(out);
    }

    /** A chapter figure: an empty frame that figures.js draws into, its caption, and a link to the same view. */
    private String figureHtml(String lang, String root, ChapterFigures.Figure f) {
        Map<String, String> t = messages.strings(lang);
        String text = input.promptSet().prompt(f.prompt()).map(PromptSpec::text).orElse(f.prompt());
        String key = "figure." + f.view() + (f.state().containsKey("steps") ? ".steps" : "");
        String caption = t.getOrDefault(key, key).replace("{prompt}", text);
        for (Map.Entry<String, String> e : f.state().entrySet()) {
            caption = caption.replace("{" + e.getKey() + "}", e.getValue());
        }
        if (f.state().containsKey("k")) {
            caption += " " + t.get("figure.topk").replace("{k}", f.state().get("k"));
        }
        if (f.state().containsKey("p")) {
            caption += " " + t.get("figure.topp").replace("{p}", f.state().get("p"));
        }
        StringBuilder h = new StringBuilder("<figure class=\"live-figure\" data-figure=\"").append(f.view())
                .append("\" data-prompt=\"").append(f.prompt()).append('"');
        f.state().forEach((k, v) -> h.append(" data-").append(k).append("=\"").append(v).append('"'));
        h.append(">\n<div class=\"figure-body\"><p class=\"hint figure-status\" role=\"status\">")
                .append(escape(t.get("figure.loading"))).append("</p></div>\n<figcaption>").append(escape(caption))
                .append(" <a href=\"").append(root).append(layout.promptPage(lang, f.prompt())).append('#')
                .append(escape(f.hash())).append("\">").append(escape(t.get("figure.open"))).append("</a></figcaption>\n</figure>\n");
        return h.toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }

    /** The prompt the home page offers as the place to start (null for a site without prompts). */
    String featured() {
        return featured;
    }

    List<String> notices() {
        return notices;
    }

    String chapterHtml(String path) {
        return chapterHtml.get(path);
    }

    /** Keeps a shared file (asset, library, messages) for the handouts to inline. */
    void share(String path, byte[] bytes) {
        shared.put(path, bytes);
    }

    Map<String, byte[]> shared() {
        return shared;
    }

    /** Loads a prompt's run (the one load per prompt) and records what the overview pages need of it. */
    PromptContext load(PromptSpec spec) {
        PromptRun run = input.runs().load(spec.id());
        if (run == null || !spec.id().equals(run.promptId())) {
            throw new SiteRenderException("the trace store returned " + (run == null ? "nothing" : "the run of "
                    + run.promptId()) + " for prompt " + spec.id());
        }
        PromptContext prompt = new PromptContext(this, spec, run);
        compare.add(run);
        headExamples.add(run);
        summaries.put(spec.id(), prompt.summary());
        return prompt;
    }

    int layers() {
        return input.model().config().layers();
    }

    int heads() {
        return input.model().config().heads();
    }

    // ---- page models shared by every page kind -----------------------------------------------------

    Page page(String lang, String path, String kind, String title) {
        String root = SiteLayout.rootFrom(path);
        Map<String, String> titles = input.promptSet().settings().title();
        String siteTitle = titles.getOrDefault(lang, titles.values().stream().findFirst().orElse("GPT-2"));
        List<LanguageLink> languages = new ArrayList<>();
        String rest = path.substring(layout.languagePrefix(lang).length());
        for (String other : layout.languages()) {
            languages.add(new LanguageLink(root + layout.languagePrefix(other) + rest,
                    messages.strings(other).get("language.name"), other.equals(lang), other,
                    messages.strings(other).get("language.tag")));
        }
        Map<String, String> t = messages.strings(lang);
        Link home = new Link(root + layout.indexPage(lang), t.get("nav.home"), kind.equals("index"));
        Link about = new Link(root + layout.aboutPage(lang), t.get("nav.about"), kind.equals("about"));
        ModelInfo m = input.model();
        String model = m.demo() ? t.get("model.demo.short") : m.repoId() != null ? m.repoId() : m.spec();
        Link chapterList = chapters.isEmpty() ? null : new Link(root + layout.chapterIndex(lang), t.get("nav.chapters"),
                kind.equals("chapters") || kind.equals("chapter"));
        Link compareLink = new Link(root + layout.comparePage(lang), t.get("nav.compare"), kind.equals("compare"));
        Link headsLink = input.headRoles() == null ? null
                : new Link(root + layout.headsPage(lang), t.get("nav.heads"), kind.equals("heads"));
        return new Page(lang, root, kind, title == null ? siteTitle : title, siteTitle, messages.strings(lang),
                languages, home, about, model, m.demo(), t.get("language.tag"), chapterList, compareLink, headsLink,
                viewScripts.stream().map(v -> root + v).toList());
    }

    /** A prompt's card, linked from {@code fromPath}; its token count and greedy text once its run was seen. */
    PromptCard card(String lang, String fromPath, PromptSpec spec) {
        PromptSummary s = summaries.get(spec.id());
        String href = SiteLayout.rootFrom(fromPath) + layout.promptPage(lang, spec.id());
        return new PromptCard(spec.id(), href, spec.title(lang), spec.text(), spec.tags(),
                s == null ? 0 : s.tokens().size(), s == null ? "" : s.greedyText());
    }

    List<PromptCard> cards(String lang, String fromPath) {
        return input.promptSet().prompts().stream().map(p -> card(lang, fromPath, p)).toList();
    }

    List<ChapterRef> chapterRefs(String lang, String fromPath) {
        String root = SiteLayout.rootFrom(fromPath);
        return chapters.of(lang).stream().map(c -> new ChapterRef(c.number(), c.slug(), c.title(),
                root + layout.chapterPage(lang, c.slug()),
                markdown.toHtml(c.summary(), new SiteLinks(c.file(), root, layout.languagePrefix(lang),
                        promptIds, slugs)))).toList();
    }

    ModelCard modelCard() {
        ModelInfo m = input.model();
        var c = m.config();
        return new ModelCard(m.spec(), m.repoId(), m.revision(), m.commit(), m.weightsSha256(), m.tokenizerSha256(),
                c.layers(), c.width(), c.heads(), c.headDim(), c.vocabSize(), c.contextLength(), m.demo());
    }
}
