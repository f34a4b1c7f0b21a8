package io.github.gpt2explainer.build;

import io.github.gpt2explainer.insight.ProbedHeadRoles;
import io.github.gpt2explainer.site.PromptRunSource;
import io.github.gpt2explainer.site.RenderReport;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The two steps of a build that need the model and the templates: run what changed, and plan the site (which then
 * renders itself). {@link SiteBuild#buildInto} calls them in order and owns everything around them: loading and
 * validating the inputs, the lock, the staging directory and the swap. This interface is the one seam tests
 * replace, to build without the model; {@link StandardPipeline} is the real one.
 *
 * <p>Implementations must be deterministic: identical inputs give byte-identical files (sorted iteration, no
 * timestamps, locale-independent number formatting).
 */
public interface SitePipeline {

    /** Brings every prompt's runs up to date in the trace store (the model runs only for what it lacks). */
    Runs runWhatChanged(BuildContext context);

    /** Plans every file of the site from the prompts and their runs, before anything is written. */
    Plan plan(BuildContext context, Runs runs);

    /** Each prompt's runs, readable until closed (the trace store is in use until then). */
    interface Runs extends PromptRunSource, AutoCloseable {
        @Override
        void close();

        /** The model's head-role scores for the "meet the heads" page; null: the site has no such page. */
        default ProbedHeadRoles headRoles() {
            return null;
        }
    }

    /** Every file the site will hold, with how to render it; closing it releases the templates. */
    interface Plan extends AutoCloseable {

        /** Writes every planned file into {@code siteDir}, an empty directory that becomes the output only if this returns. */
        RenderReport render(Path siteDir) throws IOException;

        @Override
        void close();
    }
}
