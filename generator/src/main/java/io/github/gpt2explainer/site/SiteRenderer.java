package io.github.gpt2explainer.site;

import freemarker.core.TemplateClassResolver;
import freemarker.template.Configuration;
import freemarker.template.DefaultObjectWrapperBuilder;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;
import io.github.gpt2explainer.prompts.EffectivePrompt;
import io.github.gpt2explainer.prompts.PromptSet;
import io.github.gpt2explainer.prompts.PromptSpec;
import io.github.gpt2explainer.prompts.SiteSettings;
import io.github.gpt2explainer.site.Chapters.Chapter;
import io.github.gpt2explainer.site.PageModel.AboutPage;
import io.github.gpt2explainer.site.PageModel.ChapterIndexPage;
import io.github.gpt2explainer.site.PageModel.ChapterPage;
import io.github.gpt2explainer.site.PageModel.ChapterRef;
import io.github.gpt2explainer.site.PageModel.ComparePage;
import io.github.gpt2explainer.site.PageModel.GenerationText;
import io.github.gpt2explainer.site.PageModel.IndexPage;
import io.github.gpt2explainer.site.PageModel.LanguageLink;
import io.github.gpt2explainer.site.PageModel.Link;
import io.github.gpt2explainer.site.PageModel.ModelCard;
import io.github.gpt2explainer.site.PageModel.Page;
import io.github.gpt2explainer.site.PageModel.PromptCard;
import io.github.gpt2explainer.site.PageModel.PromptPage;
import io.github.gpt2explainer.site.PageModel.Settings;
import io.github.gpt2explainer.site.PageModel.TokenCell;
import io.github.gpt2explainer.tokenizer.TokenPiece;
import io.github.gpt2explainer.trace.GenerationRun;
import io.github.gpt2explainer.trace.ModelInfo;
import io.github.gpt2explainer.trace.PromptRun;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TimeZone;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Renders the static site: plan every file ({@link #plan}), then write assets, each prompt's data files
 * and pages (one {@link PromptRun} in memory at a time), then the index and about pages, for every site
 * language. The Freemarker configuration and the Markdown parser are built once per renderer.
 *
 * <p>Output is a pure function of the input and the templates: sorted iteration, no timestamps.
 */
public final class SiteRenderer {

    /** Front-end libraries copied from their WebJars: class-path resource -> site path. */
    static final Map<String, String> VENDOR = new TreeMap<>(Map.of(
            "META-INF/resources/webjars/d3/7.9.0/dist/d3.min.js", SiteLayout.VENDOR + "d3.min.js",
            "META-INF/resources/webjars/d3/7.9.0/LICENSE", SiteLayout.VENDOR + "d3.LICENSE.txt",
            "META-INF/resources/webjars/d3-sankey/0.12.3/dist/d3-sankey.min.js", SiteLayout.VENDOR + "d3-sankey.min.js",
            "META-INF/resources/webjars/d3-sankey/0.12.3/LICENSE", SiteLayout.VENDOR + "d3-sankey.LICENSE.txt"));

    private final SiteTemplates templates;
    private final Configuration freemarker;
    private final Markdown markdown;

    public SiteRenderer(SiteTemplates templates) {
        this.templates = templates;
        this.freemarker = freemarker(templates.pages());
        this.markdown = new Markdown();
    }

    private static Configuration freemarker(Path pages) {
        Configuration cfg = new Configuration(Configuration.VERSION_2_3_34);
        cfg.setTemplateLoader(new PathTemplateLoader(pages));
        cfg.setDefaultEncoding("UTF-8");
        cfg.setOutputEncoding("UTF-8");
        cfg.setRecognizeStandardFileExtensions(true); // .ftlh => HTML output format, auto-escaping on
        cfg.setLocale(Locale.ROOT);
        cfg.setTimeZone(TimeZone.getTimeZone("UTC"));
        cfg.setNumberFormat("computer");
        cfg.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
        cfg.setLogTemplateExceptions(false);
        cfg.setWrapUncheckedExceptions(true);
        cfg.setFallbackOnNullLoopVariable(false);
        cfg.setNewBuiltinClassResolver(TemplateClassResolver.ALLOWS_NOTHING_RESOLVER);
        cfg.setAPIBuiltinEnabled(false);
        cfg.setObjectWrapper(new DefaultObjectWrapperBuilder(Configuration.VERSION_2_3_34).build());
        return cfg;
    }

    // ---- plan --------------------------------------------------------------------------------------

    /**
     * Every file the site will hold, decided before anything is written.
     *
     * @throws SitePlanException when two inputs want the same file
     */
    public SitePlan plan(SiteInput input) {
        return layOut(input).plan();
    }

    /** The plan, with the layout and the chapters it was made from, so rendering builds neither again. */
    private record LaidOut(SitePlan plan, SiteLayout layout, Chapters chapters) {
    }

    private LaidOut layOut(SiteInput input) {
        PromptSet set = input.promptSet();
        SiteLayout layout = new SiteLayout(set.settings().languages());
        SitePlan plan = new SitePlan();
        for (String asset : templates.assetFiles()) {
            plan.add(asset, "templates " + asset, SitePlan.Kind.ASSET);
        }
        for (String target : VENDOR.values()) {
            plan.add(target, "WebJar " + target.substring(SiteLayout.VENDOR.length()), SitePlan.Kind.ASSET);
        }
        for (String lang : layout.languages()) {
            plan.add(SiteLayout.i18nScript(lang), "templates i18n/" + lang + ".properties", SitePlan.Kind.ASSET);
            plan.add(layout.indexPage(lang), "index page (" + lang + ")", SitePlan.Kind.PAGE);
            plan.add(layout.aboutPage(lang), "about page (" + lang + ")", SitePlan.Kind.PAGE);
            plan.add(layout.comparePage(lang), "comparison page (" + lang + ")", SitePlan.Kind.PAGE);
        }
        int layers = input.model().config().layers();
        plan.add(SiteLayout.compareIndexData(), "comparison data", SitePlan.Kind.DATA);
        for (int l = 0; l < layers; l++) {
            plan.add(SiteLayout.compareAttentionData(l), "comparison data", SitePlan.Kind.DATA);
        }
        for (PromptSpec prompt : set.prompts()) {
            String from = "prompt " + prompt.id() + " (" + prompt.source() + ")";
            for (String lang : layout.languages()) {
                plan.add(layout.promptPage(lang, prompt.id()), from + " page (" + lang + ")", SitePlan.Kind.PAGE);
                plan.add(layout.handoutPage(lang, prompt.id()), from + " handout (" + lang + ")", SitePlan.Kind.PAGE);
            }
            plan.add(SiteLayout.mainData(prompt.id()), from + " data", SitePlan.Kind.DATA);
            plan.add(SiteLayout.modelData(prompt.id()), from + " data", SitePlan.Kind.DATA);
            plan.add(SiteLayout.headsData(prompt.id()), from + " data", SitePlan.Kind.DATA);
            for (int l = 0; l < layers; l++) {
                plan.add(SiteLayout.attentionData(prompt.id(), l), from + " data", SitePlan.Kind.DATA);
                plan.add(SiteLayout.layerData(prompt.id(), l), from + " data", SitePlan.Kind.DATA);
            }
        }
        // after the prompts: a clash of paths is reported before a language without chapters
        Chapters chapters = Chapters.load(templates.prose(), layout.languages());
        for (String lang : layout.languages()) {
            if (!chapters.isEmpty()) {
                plan.add(layout.chapterIndex(lang), "chapter list (" + lang + ")", SitePlan.Kind.PAGE);
            }
            for (Chapter c : chapters.of(lang)) {
                plan.add(layout.chapterPage(lang, c.slug()), "chapter " + c.file(), SitePlan.Kind.PAGE);
            }
        }
        return new LaidOut(plan, layout, chapters);
    }

    // ---- render ------------------------------------------------------------------------------------

    /**
     * Writes the site into {@code outDir} (created if needed; existing files with the same names are
     * overwritten, others are left alone: give an empty directory).
     */
    public RenderReport render(SiteInput input, Path outDir) {
        LaidOut laidOut = layOut(input);
        SitePlan plan = laidOut.plan();
        SiteLayout layout = laidOut.layout();
        Chapters chapters = laidOut.chapters();
        PromptSet set = input.promptSet();
        Messages messages = Messages.load(templates.i18n(), layout.languages());
        Set<String> promptIds = Set.copyOf(set.ids());
        Set<String> slugs = Set.copyOf(chapters.slugs());
        // Chapters first: a dead chapter: link fails the build before the long per-prompt work. Links to
        // prompts this set does not have (a lecturer's own set) become plain text, listed in the report.
        Map<String, String> chapterHtml = new TreeMap<>();
        Set<String> unlinked = new TreeSet<>();
        for (String lang : layout.languages()) {
            for (Chapter c : chapters.of(lang)) {
                String path = layout.chapterPage(lang, c.slug());
                SiteLinks links = new SiteLinks(c.file(), SiteLayout.rootFrom(path), layout.languagePrefix(lang), promptIds, slugs);
                chapterHtml.put(path, markdown.toHtml(c.body(), links));
                links.missingPrompts(c.body()).forEach(id -> unlinked.add(c.slug() + " -> " + id));
            }
        }
        List<String> notices = unlinked.isEmpty() ? List.of()
                : List.of("Chapter links to prompts not in this prompt set are shown as plain text: "
                        + String.join(", ", unlinked));
        SiteWriter out = new SiteWriter(outDir, plan);

        Map<String, byte[]> shared = new TreeMap<>(); // what handouts inline besides a prompt's data
        for (String asset : templates.assetFiles()) {
            shared.put(asset, templates.read(asset));
        }
        for (Map.Entry<String, String> v : VENDOR.entrySet()) {
            shared.put(v.getValue(), classpathBytes(v.getKey()));
        }
        for (String lang : layout.languages()) {
            shared.put(SiteLayout.i18nScript(lang), messages.script(lang).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        shared.forEach(out::write);

        ModelCard modelCard = modelCard(input.model());
        CompareData compare = new CompareData(input.model().config().layers(), input.model().config().heads());
        Map<String, PromptSummary> summaries = new TreeMap<>();
        List<PromptSpec> prompts = set.prompts();
        for (int i = 0; i < prompts.size(); i++) {
            PromptSpec spec = prompts.get(i);
            PromptRun run = input.runs().load(spec.id());
            if (run == null || !spec.id().equals(run.promptId())) {
                throw new SiteRenderException("the trace store returned " + (run == null ? "nothing" : "the run of "
                        + run.promptId()) + " for prompt " + spec.id());
            }
            PromptData data = new PromptData(run);
            Map<String, String> dataFiles = writeData(out, spec.id(), data);
            compare.add(run);
            Handout handout = Handout.forPrompt(shared, dataFiles, SiteLayout.mainData(spec.id()));
            PromptSummary summary = PromptSummary.of(run);
            summaries.put(spec.id(), summary);
            EffectivePrompt effective = spec.effective(set.settings());
            for (String lang : layout.languages()) {
                String path = layout.promptPage(lang, spec.id());
                Page page = page(input, layout, messages, chapters, lang, path, "prompt", spec.title(lang));
                PromptCard card = card(layout, lang, path, spec, summary);
                SiteLinks noteLinks = new SiteLinks(spec.source().toString(), page.root(), layout.languagePrefix(lang),
                        promptIds, slugs);
                PromptPage model = new PromptPage(page, card, markdown.toHtml(spec.note(lang), noteLinks), summary.tokens(),
                        summary.generations(), settings(effective), page.root() + SiteLayout.mainData(spec.id()),
                        page.root() + "data/" + spec.id() + "/", data.layers(), run.model().config().heads(),
                        i > 0 ? neighbour(layout, lang, path, prompts.get(i - 1)) : null,
                        i + 1 < prompts.size() ? neighbour(layout, lang, path, prompts.get(i + 1)) : null);
                out.write(path, render("prompt.ftlh", model));

                String handoutPath = layout.handoutPage(lang, spec.id());
                Page handoutPage = page(input, layout, messages, chapters, lang, handoutPath, "prompt", spec.title(lang));
                PromptPage handoutModel = new PromptPage(handoutPage, card, Handout.withoutSiteLinks(model.notesHtml()), model.tokens(),
                        model.generations(), model.settings(), handoutPage.root() + SiteLayout.mainData(spec.id()),
                        handoutPage.root() + "data/" + spec.id() + "/", model.layers(), model.heads(), null, null);
                out.write(handoutPath, Handout.seal(render("prompt.ftlh", handoutModel, handout)));
            }
        }

        for (String lang : layout.languages()) {
            String indexPath = layout.indexPage(lang);
            Page indexPage = page(input, layout, messages, chapters, lang, indexPath, "index", null);
            List<PromptCard> cards = prompts.stream()
                    .map(p -> card(layout, lang, indexPath, p, summaries.get(p.id()))).toList();
            out.write(indexPath, render("index.ftlh",
                    new IndexPage(indexPage, cards, modelCard, markdown.toHtml(templates.prose(lang, "how-to-read")),
                            chapterRefs(layout, lang, indexPath, chapters, promptIds))));

            String aboutPath = layout.aboutPage(lang);
            Page aboutPage = page(input, layout, messages, chapters, lang, aboutPath, "about",
                    messages.strings(lang).get("about.title"));
            List<PromptCard> aboutCards = prompts.stream()
                    .map(p -> card(layout, lang, aboutPath, p, summaries.get(p.id()))).toList();
            out.write(aboutPath, render("about.ftlh", new AboutPage(aboutPage, modelCard, siteSettings(set.settings()),
                    input.generatorVersion(), "./gpt2-explainer build --model " + input.model().spec(),
                    markdown.toHtml(templates.prose(lang, "about")), aboutCards)));

            writeChapters(input, layout, messages, chapters, chapterHtml, promptIds, lang, out);

            String comparePath = layout.comparePage(lang);
            Page comparePage = page(input, layout, messages, chapters, lang, comparePath, "compare",
                    messages.strings(lang).get("compare.title"));
            List<PromptCard> compareCards = prompts.stream()
                    .map(p -> card(layout, lang, comparePath, p, summaries.get(p.id()))).toList();
            out.write(comparePath, render("compare.ftlh", new ComparePage(comparePage, compareCards,
                    input.model().config().layers(), input.model().config().heads(),
                    comparePage.root() + SiteLayout.compareIndexData(), comparePage.root() + "data/compare/")));
        }
        out.write(SiteLayout.compareIndexData(), DataCodec.script("compare/index", compare.index()));
        for (int l = 0; l < input.model().config().layers(); l++) {
            out.write(SiteLayout.compareAttentionData(l), DataCodec.script("compare/attn-" + l, compare.attention(l)));
        }
        return out.finish(notices);
    }

    private void writeChapters(SiteInput input, SiteLayout layout, Messages messages, Chapters chapters,
                               Map<String, String> chapterHtml, Set<String> promptIds, String lang, SiteWriter out) {
        if (chapters.isEmpty()) {
            return;
        }
        String listPath = layout.chapterIndex(lang);
        Page listPage = page(input, layout, messages, chapters, lang, listPath, "chapters",
                messages.strings(lang).get("chapters.title"));
        out.write(listPath, render("chapters.ftlh",
                new ChapterIndexPage(listPage, chapterRefs(layout, lang, listPath, chapters, promptIds))));
        List<Chapter> list = chapters.of(lang);
        for (int i = 0; i < list.size(); i++) {
            Chapter c = list.get(i);
            String path = layout.chapterPage(lang, c.slug());
            Page page = page(input, layout, messages, chapters, lang, path, "chapter", c.title());
            List<ChapterRef> refs = chapterRefs(layout, lang, path, chapters, promptIds);
            out.write(path, render("chapter.ftlh", new ChapterPage(page, refs.get(i), chapterHtml.get(path),
                    i > 0 ? refs.get(i - 1) : null, i + 1 < refs.size() ? refs.get(i + 1) : null, refs)));
        }
    }

    private List<ChapterRef> chapterRefs(SiteLayout layout, String lang, String fromPath, Chapters chapters,
                                         Set<String> promptIds) {
        String root = SiteLayout.rootFrom(fromPath);
        Set<String> slugs = Set.copyOf(chapters.slugs());
        return chapters.of(lang).stream().map(c -> new ChapterRef(c.number(), c.slug(), c.title(),
                root + layout.chapterPage(lang, c.slug()),
                markdown.toHtml(c.summary(), new SiteLinks(c.file(), root, layout.languagePrefix(lang),
                        promptIds, slugs)))).toList();
    }

    /** Writes a prompt's data files; returns them by path, in load order (main first), for its handouts. */
    private static Map<String, String> writeData(SiteWriter out, String id, PromptData data) {
        Map<String, String> files = new java.util.LinkedHashMap<>();
        files.put(SiteLayout.mainData(id), DataCodec.script(id + "/main", data.main()));
        files.put(SiteLayout.modelData(id), DataCodec.script(id + "/model", data.modelLevel()));
        files.put(SiteLayout.headsData(id), DataCodec.script(id + "/heads", data.heads()));
        for (int l = 0; l < data.layers(); l++) {
            files.put(SiteLayout.attentionData(id, l), DataCodec.script(id + "/attn-" + l, data.attention(l)));
            files.put(SiteLayout.layerData(id, l), DataCodec.script(id + "/layer-" + l, data.layer(l)));
        }
        files.forEach(out::write);
        return files;
    }

    private String render(String template, Object model) {
        return render(template, model, null);
    }

    /** Renders a page; with a handout, the layout inlines what it would link (global variable {@code handout}). */
    private String render(String template, Object model, Handout handout) {
        try {
            Template t = freemarker.getTemplate(template);
            StringWriter w = new StringWriter();
            freemarker.core.Environment env = t.createProcessingEnvironment(model, w);
            if (handout != null) {
                env.setGlobalVariable("handout", freemarker.getObjectWrapper().wrap(handout));
            }
            env.process();
            return w.toString();
        } catch (IOException | TemplateException e) {
            throw new SiteRenderException("template " + templates.pages().resolve(template) + ": " + e.getMessage(), e);
        }
    }

    // ---- models ------------------------------------------------------------------------------------

    private static Page page(SiteInput input, SiteLayout layout, Messages messages, Chapters chapters, String lang,
                             String path, String kind, String title) {
        String root = SiteLayout.rootFrom(path);
        String siteTitle = input.promptSet().settings().title().getOrDefault(lang,
                input.promptSet().settings().title().values().stream().findFirst().orElse("GPT-2"));
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
        Link compare = new Link(root + layout.comparePage(lang), t.get("nav.compare"), kind.equals("compare"));
        return new Page(lang, root, kind, title == null ? siteTitle : title, siteTitle, messages.strings(lang),
                languages, home, about, model, m.demo(), t.get("language.tag"), chapterList, compare);
    }

    private static PromptCard card(SiteLayout layout, String lang, String fromPath, PromptSpec spec, PromptSummary s) {
        String href = SiteLayout.rootFrom(fromPath) + layout.promptPage(lang, spec.id());
        return new PromptCard(spec.id(), href, spec.title(lang), spec.text(), spec.tags(),
                s == null ? 0 : s.tokens().size(), s == null ? "" : s.greedyText());
    }

    private static Link neighbour(SiteLayout layout, String lang, String fromPath, PromptSpec spec) {
        return new Link(SiteLayout.rootFrom(fromPath) + layout.promptPage(lang, spec.id()), spec.title(lang), false);
    }

    private static ModelCard modelCard(ModelInfo m) {
        var c = m.config();
        return new ModelCard(m.spec(), m.repoId(), m.revision(), m.commit(), m.weightsSha256(), m.tokenizerSha256(),
                c.layers(), c.width(), c.heads(), c.headDim(), c.vocabSize(), c.contextLength(), m.demo());
    }

    private static Settings settings(EffectivePrompt p) {
        return new Settings(numbers(p.temperatures()), p.maxNewTokens(), p.topK() == 0 ? "" : Integer.toString(p.topK()),
                p.topP() >= 1.0 ? "" : number(p.topP()), Long.toString(p.seed()));
    }

    private static Settings siteSettings(SiteSettings s) {
        return new Settings(numbers(s.temperatures()), s.maxNewTokens(), s.topK() == 0 ? "" : Integer.toString(s.topK()),
                s.topP() >= 1.0 ? "" : number(s.topP()), Long.toString(s.seed()));
    }

    static String number(double d) {
        return BigDecimal.valueOf(d + 0.0).stripTrailingZeros().toPlainString();
    }

    private static String numbers(List<Double> values) {
        return values.stream().map(SiteRenderer::number).collect(Collectors.joining(", "));
    }

    private static byte[] classpathBytes(String resource) {
        try (InputStream in = SiteRenderer.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new SiteRenderException("front-end library " + resource + " is not on the class path (its WebJar is missing)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new SiteRenderException("cannot read " + resource + ": " + e.getMessage(), e);
        }
    }

    /** What the pages keep of a run after its data files are written: tokens and continuations as text. */
    record PromptSummary(List<TokenCell> tokens, List<GenerationText> generations, String greedyText) {

        static PromptSummary of(PromptRun run) {
            long[] ids = run.prefill().tokens();
            List<TokenCell> tokens = new ArrayList<>();
            for (int i = 0; i < ids.length; i++) {
                tokens.add(cell(run, i, ids[i]));
            }
            List<GenerationText> generations = new ArrayList<>();
            String greedy = "";
            for (GenerationRun g : run.generations()) {
                List<TokenCell> cells = new ArrayList<>();
                StringBuilder text = new StringBuilder();
                for (var step : g.steps()) {
                    TokenCell cell = cell(run, step.position(), step.tokenId());
                    cells.add(cell);
                    text.append(run.vocabulary().get(step.tokenId()).display());
                }
                generations.add(new GenerationText(number(g.temperature()), g.temperature() == 0, cells,
                        g.stopReason().name()));
                if (greedy.isEmpty()) {
                    greedy = text.toString(); // generations are ascending: the first is greedy or the coolest
                }
            }
            return new PromptSummary(tokens, generations, greedy);
        }

        private static TokenCell cell(PromptRun run, int position, long id) {
            TokenPiece piece = run.vocabulary().get((int) id);
            if (piece == null) {
                throw new SiteRenderException("prompt " + run.promptId() + ": token id " + id
                        + " has no display form in the run's vocabulary");
            }
            return new TokenCell(position, id, piece.display(), piece.visibleText(),
                    HexFormat.ofDelimiter(" ").withUpperCase().formatHex(piece.bytes()), piece.partial(), piece.special());
        }
    }
}
