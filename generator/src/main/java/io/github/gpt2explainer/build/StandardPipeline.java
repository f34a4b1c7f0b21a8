package io.github.gpt2explainer.cli;

import io.github.gpt2explainer.runs.BuildRunner;
import io.github.gpt2explainer.prompts.EffectivePrompt;
import io.github.gpt2explainer.model.ModelSource;
import io.github.gpt2explainer.runs.RunProgress;
import io.github.gpt2explainer.runs.RunReport;
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
 * The production {@link SitePipeline}: the trace store brings every prompt's runs up to date (running the
 * model only for what changed), then the renderer writes the pages, loading one prompt's runs at a time.
 */
final class StandardPipeline {
    private StandardPipeline() {
    }

    static SitePipeline create() {
        return (context, siteDir) -> {
            TraceStore store = TraceStore.open(context.storeDir());
            try (TraceStore.Use use = store.use()) { // a concurrent --prune leaves the store alone until the pages are written
                buildWith(store, context, siteDir);
            }
        };
    }

    private static void buildWith(TraceStore store, BuildContext context, Path siteDir) throws IOException {
        Console console = context.console();
        ModelSource model = context.model().get();
        RunReport report = new BuildRunner(store, progress(context)).run(context.prompts(), model, context.prune());
        console.info(report.summary() + (report.modelLoaded() ? "" : " (no model work)"));
        if (report.pruned() > 0) {
            console.info("Pruned " + report.pruned() + (report.pruned() == 1 ? " entry" : " entries")
                    + " no prompt of this set needs from " + context.storeDir());
        }
        Map<String, StoreKey> keys = report.keys().stream()
                .collect(Collectors.toMap(StoreKey::promptId, Function.identity()));

        long start = System.nanoTime();
        try (SiteTemplates templates = context.templates().isBundled() ? SiteTemplates.bundled()
                : SiteTemplates.directory(context.templates().directory())) {
            SiteInput input = new SiteInput(context.prompts(), model.info(), id -> store.load(keys.get(id)),
                    VersionProvider.version());
            RenderReport rendered = new SiteRenderer(templates).render(input, siteDir);
            rendered.notices().forEach(console::info);
            console.info(String.format(Locale.ROOT, "Rendered %d pages (%d files, %.1f MB) in %.1f s",
                    rendered.pageCount(), rendered.files().size(), rendered.totalBytes() / 1e6,
                    (System.nanoTime() - start) / 1e9));
        }
    }

    /** Feeds the console's generation progress (prompt x temperature x step) from the run's callbacks. */
    private static RunProgress progress(BuildContext context) {
        GenerationProgress bar = context.progress();
        Console console = context.console();
        Map<String, EffectivePrompt> prompts = context.prompts().effectivePrompts().stream()
                .collect(Collectors.toMap(EffectivePrompt::id, Function.identity()));
        return new RunProgress() {
            @Override
            public void planned(int count, int cached, int toRun) {
                console.info(count + (count == 1 ? " prompt: " : " prompts: ") + cached + " cached, " + toRun
                        + " to run");
            }

            @Override
            public void generating(long tokens) {
                if (tokens > 0) { // nothing to generate: no progress line at all
                    bar.begin(tokens);
                }
            }

            @Override
            public void notice(String message) {
                console.info(message);
            }

            @Override
            public void step(String promptId, int step, int maxSteps) {
                // All temperatures of a prompt advance together: one step is one token per temperature.
                for (double temperature : prompts.get(promptId).temperatures()) {
                    bar.step(promptId, temperature, step, maxSteps);
                }
            }

            @Override
            public void promptDone(String promptId, int index, int count, double seconds) {
                console.detail(String.format(Locale.ROOT, "[%d/%d] %s %.2f s", index + 1, count, promptId, seconds));
            }
        };
    }
}
