package io.github.gpt2explainer.cli;

import java.io.IOException;
import java.nio.file.Path;

/**
 * What {@code build}, {@code build --check} and {@code serve} run: bring the trace store up to date (model work
 * only for prompts whose content hash changed) and render the whole site.
 *
 * <p>The CLI owns everything around it: the start-up summary, the lock, the staging directory and the swap
 * (see {@link io.github.gpt2explainer.output.SafeOutput}), comparing for {@code --check}, and exit codes.
 * Implementations must be deterministic: identical inputs give byte-identical files (sorted iteration, no
 * timestamps, locale-independent number formatting).
 */
@FunctionalInterface
public interface SitePipeline {

    /**
     * @param context what the command line resolved (prompts, model, templates, store, progress, console)
     * @param siteDir an empty directory to write the complete site into; it becomes the output only if this
     *                method returns normally
     */
    void build(BuildContext context, Path siteDir) throws IOException;
}
