package io.github.gpt2explainer.build;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The stages of a build after validation: run what changed, plan, render. {@link SiteBuild} owns everything
 * around them (loading and validating the inputs, the lock, the staging directory and the swap); this interface
 * is the one seam tests replace, to build without the model. {@link StandardPipeline} is the real one.
 *
 * <p>Implementations must be deterministic: identical inputs give byte-identical files (sorted iteration, no
 * timestamps, locale-independent number formatting).
 */
@FunctionalInterface
public interface SitePipeline {

    /**
     * @param context the validated inputs (prompts, model, templates, store, progress, log)
     * @param siteDir an empty directory to write the complete site into; it becomes the output only if this
     *                method returns normally
     */
    void build(BuildContext context, Path siteDir) throws IOException;
}
