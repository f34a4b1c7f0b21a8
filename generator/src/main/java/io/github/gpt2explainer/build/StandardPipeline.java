package io.github.gpt2explainer.build;

import io.github.gpt2explainer.insight.HeadRoleProbe;
import io.github.gpt2explainer.insight.ProbedHeadRoles;
import io.github.gpt2explainer.runs.BuildRunner;
import io.github.gpt2explainer.runs.HeadRoleRunner;
import io.github.gpt2explainer.runs.RunReport;
import io.github.gpt2explainer.site.PromptRunSource;
import io.github.gpt2explainer.site.RenderReport;
import io.github.gpt2explainer.site.SiteInput;
import io.github.gpt2explainer.site.SiteRenderer;
import io.github.gpt2explainer.site.SiteTemplates;
import io.github.gpt2explainer.trace.StoreKey;
import io.github.gpt2explainer.trace.TraceStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The real {@link SitePipeline}: the trace store brings every prompt's runs up to date (running the model only
 * for what changed) and the model's head-role scores (measured once per model and probe), then the renderer plans the site and writes the pages, loading one prompt's runs at a time.
 */
public final class StandardPipeline implements SitePipeline {

    @Override
    public void build(BuildContext context, Path siteDir) throws IOException {
        TraceStore store = TraceStore.open(context.storeDir());
        try (TraceStore.Use use = store.use()) { // a concurrent --prune leaves the store alone until the pages are written
            Map<String, StoreKey> keys = runWhatChanged(store, context);
            HeadRoleRunner.Result heads = HeadRoleRunner.ensure(store, context.model().get(), HeadRoleProbe.DEFAULT_SEED);
            context.log().info(heads.summary());
            planAndRender(context, id -> store.load(keys.get(id)), heads.roles(), siteDir);
        }
    }

    /** Runs the prompts the store does not hold yet (loading the weights only then); returns every prompt's key. */
    private static Map<String, StoreKey> runWhatChanged(TraceStore store, BuildContext context) {
        BuildLog log = context.log();
        RunReport report = new BuildRunner(store, context.progress())
                .run(context.prompts(), context.model().get(), context.prune());
        log.info(report.summary() + (report.modelLoaded() ? "" : " (no model work)"));
        if (report.pruned() > 0) {
            log.info("Pruned " + report.pruned() + (report.pruned() == 1 ? " entry" : " entries")
                    + " no prompt of this set needs from " + context.storeDir());
        }
        return report.keys().stream().collect(Collectors.toMap(StoreKey::promptId, Function.identity()));
    }

    /** Plans every page and data file of the site and writes them into {@code siteDir}. */
    private static void planAndRender(BuildContext context, PromptRunSource runs, ProbedHeadRoles headRoles, Path siteDir)
            throws IOException {
        long start = System.nanoTime();
        try (SiteTemplates templates = context.templates().isBundled() ? SiteTemplates.bundled()
                : SiteTemplates.directory(context.templates().directory())) {
            SiteInput input = new SiteInput(context.prompts(), context.model().get().info(), runs, SiteBuild.toolVersion(),
                    headRoles);
            RenderReport rendered = new SiteRenderer(templates).render(input, siteDir);
            rendered.notices().forEach(context.log()::info);
            context.log().info(String.format(Locale.ROOT, "Rendered %d pages (%d files, %.1f MB) in %.1f s",
                    rendered.pageCount(), rendered.files().size(), rendered.totalBytes() / 1e6,
                    (System.nanoTime() - start) / 1e9));
        }
    }
}
