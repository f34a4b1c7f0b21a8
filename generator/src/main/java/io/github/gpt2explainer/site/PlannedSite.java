package io.github.gpt2explainer.site;

/**
 * A site planned by {@link SiteRenderer#planSite}: every file it will hold ({@link SitePlan}), with the input, the
 * layout and the chapters the plan was made from, so that rendering builds none of them again.
 */
public final class PlannedSite {

    private final SiteInput input;
    private final SitePlan plan;
    private final SiteLayout layout;
    private final Chapters chapters;

    PlannedSite(SiteInput input, SitePlan plan, SiteLayout layout, Chapters chapters) {
        this.input = input;
        this.plan = plan;
        this.layout = layout;
        this.chapters = chapters;
    }

    /** Every file of the site: path, kind and how to render it, grouped per prompt. */
    public SitePlan plan() {
        return plan;
    }

    SiteInput input() {
        return input;
    }

    SiteLayout layout() {
        return layout;
    }

    Chapters chapters() {
        return chapters;
    }
}
