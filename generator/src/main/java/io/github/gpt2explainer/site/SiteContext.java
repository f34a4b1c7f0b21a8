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
    final HeadExamples headExamples;
    private final Map<String, String> chapterHtml = new TreeMap<>();
    private final List<String> notices;
    private final Map<String, byte[]> shared = new TreeMap<>();
    private final Map<String, PromptSummary> summaries = new TreeMap<>();

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
        this.headExamples = new HeadExamples(input.model().config().layers(), input.model().config().heads());
        this.notices = renderChapters();
    }

    /**
     * Chapters first: a dead chapter: link fails the build before the long per-prompt work. Links to prompts
     * this set does not have (a lecturer's own set) become plain text, listed in the returned notice.
     */
    private List<String> renderChapters() {
        Set<String> unlinked = new TreeSet<>();
        for (String lang : layout.languages()) {
            for (Chapter c : chapters.of(lang)) {
                String path = layout.chapterPage(lang, c.slug());
                SiteLinks links = new SiteLinks(c.file(), SiteLayout.rootFrom(path), layout.languagePrefix(lang), promptIds, slugs);
                chapterHtml.put(path, markdown.toHtml(c.body(), links));
                links.missingPrompts(c.body()).forEach(id -> unlinked.add(c.slug() + " -> " + id));
            }
        }
        return unlinked.isEmpty() ? List.of()
                : List.of("Chapter links to prompts not in this prompt set are shown as plain text: "
                        + String.join(", ", unlinked));
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
                languages, home, about, model, m.demo(), t.get("language.tag"), chapterList, compareLink, headsLink);
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
