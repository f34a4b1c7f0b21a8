package io.github.gpt2explainer.build;

import io.github.gpt2explainer.insight.HeadRoleProbe;
import io.github.gpt2explainer.insight.ProbedHeadRoles;
import io.github.gpt2explainer.runs.BuildRunner;
import io.github.gpt2explainer.runs.HeadRoleRunner;
import io.github.gpt2explainer.runs.LoadedModel;
import io.github.gpt2explainer.runs.RunReport;
import io.github.gpt2explainer.site.PlannedSite;
import io.github.gpt2explainer.site.RenderReport;
import io.github.gpt2explainer.site.SiteInput;
import io.github.gpt2explainer.site.SiteRenderer;
import io.github.gpt2explainer.site.SiteTemplates;
import io.github.gpt2explainer.trace.PromptRun;
import io.github.gpt2explainer.trace.StoreKey;
import io.github.gpt2explainer.trace.TraceStore;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The real {@link SitePipeline}: the trace store brings every prompt's runs up to date (running the model only
 * for what changed) and the model's head-role scores (measured once per model and probe), then the renderer plans
 * the site, which renders loading one prompt's runs at a time.
 */
public final class StandardPipeline implements SitePipeline {

    /** Runs the prompts the store does not hold yet (loading the weights only then). */
    @Override
    public Runs runWhatChanged(BuildContext context) {
        TraceStore store = TraceStore.open(context.storeDir());
        TraceStore.Use use = store.use(); // a concurrent --prune leaves the store alone until the pages are written
        // The weights are loaded once, if at all, for the prompts and the head roles.
        try (BuildLog.Progress progress = context.log().progress(context.prompts());
             LoadedModel weights = new LoadedModel(context.model().get())) {
            RunReport report = new BuildRunner(store, progress).run(context.prompts(), weights, context.prune());
            logRun(report, context);
            HeadRoleRunner.Result heads = HeadRoleRunner.ensure(store, weights, HeadRoleProbe.DEFAULT_SEED);
            context.log().info(heads.summary());
            Map<String, StoreKey> keys = report.keys().stream()
                    .collect(Collectors.toMap(StoreKey::promptId, Function.identity()));
            return new StoredRuns(store, keys, heads.roles(), use);
        } catch (RuntimeException e) {
            use.close();
            throw e;
        }
    }

    /** Plans every page and data file of the site with the templates, which stay open until the plan is closed. */
    @Override
    public Plan plan(BuildContext context, Runs runs) {
        SiteTemplates templates = context.templates().isBundled() ? SiteTemplates.bundled()
                : SiteTemplates.directory(context.templates().directory());
        try {
            SiteRenderer renderer = new SiteRenderer(templates);
            SiteInput input = new SiteInput(context.prompts(), context.model().get().info(), runs, SiteBuild.toolVersion(),
                    runs.headRoles());
            PlannedSite planned = renderer.planSite(input);
            return new Plan() {
                @Override
                public RenderReport render(Path siteDir) {
                    return renderer.render(planned, siteDir);
                }

                @Override
                public void close() {
                    templates.close();
                }
            };
        } catch (RuntimeException e) {
            templates.close();
            throw e;
        }
    }

    private static void logRun(RunReport report, BuildContext context) {
        context.log().info(report.summary() + (report.modelLoaded() ? "" : " (no model work)"));
        if (report.pruned() > 0) {
            context.log().info("Pruned " + report.pruned() + (report.pruned() == 1 ? " entry" : " entries")
                    + " no prompt of this set needs from " + context.storeDir());
        }
    }

    /** The store's entries of this build's prompts, in use until closed. */
    private record StoredRuns(TraceStore store, Map<String, StoreKey> keys, ProbedHeadRoles headRoles, TraceStore.Use use)
            implements Runs {
        @Override
        public PromptRun load(String promptId) {
            return store.load(keys.get(promptId));
        }

        @Override
        public void close() {
            use.close();
        }
    }
}
