package io.github.gpt2explainer.build;

import io.github.gpt2explainer.site.RenderReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A {@link SitePipeline} without the model or the templates, for tests of what surrounds it: it runs nothing, and
 * its plan "renders" by calling the given function on the validated context and the staging directory.
 */
public final class FakePipeline implements SitePipeline {

    /** What the fake writes (or throws) when the orchestrator renders its plan. */
    @FunctionalInterface
    public interface Render {
        void into(BuildContext context, Path siteDir) throws IOException;
    }

    private final Render render;

    private FakePipeline(Render render) {
        this.render = render;
    }

    public static FakePipeline rendering(Render render) {
        return new FakePipeline(render);
    }

    @Override
    public Runs runWhatChanged(BuildContext context) {
        return new Runs() {
            @Override
            public io.github.gpt2explainer.trace.PromptRun load(String promptId) {
                throw new IllegalStateException("a fake pipeline stores no runs (asked for " + promptId + ")");
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public Plan plan(BuildContext context, Runs runs) {
        return new Plan() {
            @Override
            public RenderReport render(Path siteDir) throws IOException {
                render.into(context, siteDir);
                return new RenderReport(List.of(), List.of());
            }

            @Override
            public void close() {
            }
        };
    }
}
