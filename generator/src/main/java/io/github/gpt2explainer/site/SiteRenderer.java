package io.github.gpt2explainer.site;

import io.github.gpt2explainer.prompts.PromptSet;
import io.github.gpt2explainer.site.SitePlan.PlannedFile;
import io.github.gpt2explainer.site.SitePlan.PromptPages;
import io.github.gpt2explainer.timing.PhaseTimes;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Renders the static site: plan every file with how to render it ({@link #plan}), then render the plan in
 * its three groups: the shared assets, each prompt's files (its run loaded once, one run in memory at a
 * time), then the pages over every prompt. The page kinds live in {@link AssetFiles}, {@link PromptFiles},
 * {@link OverviewPages}, {@link HeadsPage} and {@link ChapterPages}; the Freemarker configuration and the Markdown parser are
 * built once per renderer.
 *
 * <p>Output is a pure function of the input and the templates: sorted iteration, no timestamps.
 */
public final class SiteRenderer {

    private final SiteTemplates templates;
    private final PageTemplates pages;
    private final Markdown markdown;

    public SiteRenderer(SiteTemplates templates) {
        this.templates = templates;
        this.pages = new PageTemplates(templates.pages());
        this.markdown = new Markdown();
    }

    /**
     * Every file the site will hold, decided before anything is written.
     *
     * @throws SitePlanException when two inputs want the same file
     */
    public SitePlan plan(SiteInput input) {
        return planSite(input).plan();
    }

    /**
     * The site planned from {@code input}, ready for {@link #render(PlannedSite, Path)}: the plan, with the layout
     * and the chapters it was made from, so rendering builds neither again.
     *
     * @throws SitePlanException when two inputs want the same file
     */
    public PlannedSite planSite(SiteInput input) {
        PromptSet set = input.promptSet();
        SiteLayout layout = new SiteLayout(set.settings().languages());
        int layers = input.model().config().layers();
        SitePlan plan = new SitePlan();
        AssetFiles.plan(plan, templates, layout);
        OverviewPages.planPages(plan, layout);
        OverviewPages.planData(plan, layers);
        HeadsPage.plan(plan, layout, input);
        for (int i = 0; i < set.prompts().size(); i++) {
            PromptFiles.plan(plan, layout, set, i, layers);
        }
        // after the prompts: a clash of paths is reported before a language without chapters
        Chapters chapters = Chapters.load(templates.prose(), layout.languages()).filled(ProseValues.of(input));
        ChapterPages.plan(plan, layout, chapters);
        return new PlannedSite(input, plan, layout, chapters);
    }

    /** Plans the site and writes it into {@code outDir}: {@link #planSite} then {@link #render(PlannedSite, Path)}. */
    public RenderReport render(SiteInput input, Path outDir) {
        return render(planSite(input), outDir);
    }

    /**
     * Writes the planned site into {@code outDir} (created if needed; existing files with the same names are
     * overwritten, others are left alone: give an empty directory).
     */
    public RenderReport render(PlannedSite planned, Path outDir) {
        SitePlan plan = planned.plan();
        SiteContext site = new SiteContext(planned.input(), planned.layout(), planned.chapters(), templates, pages, markdown);
        SiteWriter out = new SiteWriter(outDir);
        for (PlannedFile<SiteContext> file : plan.shared()) {
            try (PhaseTimes.Span span = PhaseTimes.phase("render: shared assets")) {
                byte[] bytes = file.renderer().render(site);
                site.share(file.path(), bytes);
                out.write(file.path(), bytes);
            }
        }
        for (PromptPages group : plan.prompts()) {
            PromptContext prompt;
            try (PhaseTimes.Span span = PhaseTimes.phase("render: load a prompt's runs from the store")) {
                prompt = site.load(group.prompt());
            }
            for (PlannedFile<PromptContext> file : group.files()) {
                try (PhaseTimes.Span span = PhaseTimes.phase("render: " + kindOf(file.path(), planned.layout()))) {
                    out.write(file.path(), file.renderer().render(prompt));
                }
            }
        }
        for (PlannedFile<SiteContext> file : plan.overview()) {
            try (PhaseTimes.Span span = PhaseTimes.phase("render: pages over every prompt (home, chapters, compare, heads, about)")) {
                out.write(file.path(), file.renderer().render(site));
            }
        }
        return out.finish(site.notices());
    }

    /** What a file is, for {@code build --timings}: handout, page or data file, with the language of a page. */
    private static String kindOf(String path, SiteLayout layout) {
        String language = layout.defaultLanguage();
        for (String l : layout.languages()) {
            if (!layout.languagePrefix(l).isEmpty() && path.startsWith(layout.languagePrefix(l))) {
                language = l;
            }
        }
        if (path.contains("handouts/")) {
            return "handouts, " + language;
        }
        return path.endsWith(".html") ? "prompt pages, " + language : "prompt data files";
    }

    /**
     * Writes only the files of the input's one prompt (its pages, handouts and data) into {@code outDir}, as
     * {@link #render} writes them for that prompt: serve's live explainer, whose page borrows everything else
     * (assets, other pages) from the built site. The shared files are rendered, for the handouts to inline,
     * but not written.
     */
    public RenderReport renderPrompt(SiteInput input, Path outDir) {
        return renderPrompt(input, outDir, path -> true);
    }

    /**
     * As {@link #renderPrompt(SiteInput, Path)}, writing only the prompt's files whose site path {@code include}
     * accepts, each exactly as a full render writes it. The shared files are rendered only when one of those is a
     * handout, which inlines them (the live explainer renders its handouts only when one is asked for).
     */
    public RenderReport renderPrompt(SiteInput input, Path outDir, Predicate<String> include) {
        if (input.promptSet().prompts().size() != 1) {
            throw new IllegalArgumentException("renderPrompt renders a set of exactly one prompt, got "
                    + input.promptSet().prompts().size());
        }
        PlannedSite planned = planSite(input);
        PromptPages group = planned.plan().prompts().get(0);
        List<PlannedFile<PromptContext>> files = group.files().stream().filter(f -> include.test(f.path())).toList();
        Set<String> handouts = planned.layout().languages().stream()
                .map(lang -> planned.layout().handoutPage(lang, group.prompt().id())).collect(Collectors.toSet());
        SiteContext site = new SiteContext(input, planned.layout(), planned.chapters(), templates, pages, markdown);
        if (files.stream().anyMatch(f -> handouts.contains(f.path()))) {
            for (PlannedFile<SiteContext> file : planned.plan().shared()) {
                site.share(file.path(), file.renderer().render(site));
            }
        }
        SiteWriter out = new SiteWriter(outDir);
        PromptContext prompt = site.load(group.prompt());
        for (PlannedFile<PromptContext> file : files) {
            out.write(file.path(), file.renderer().render(prompt));
        }
        return out.finish(site.notices());
    }
}
