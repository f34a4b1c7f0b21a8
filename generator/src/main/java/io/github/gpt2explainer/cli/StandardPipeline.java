package io.github.gpt2explainer.cli;

/**
 * The production {@link SitePipeline}: the trace store brings every prompt's runs up to date, then the site
 * renderer writes the pages. Both arrive from their own branches; until they are merged, {@code build}
 * stops with this message instead of writing a partial site.
 */
final class StandardPipeline {
    private StandardPipeline() {
    }

    static SitePipeline create() {
        return (context, siteDir) -> {
            throw new IllegalStateException("this build of gpt2-explainer has no site renderer yet: the trace store and "
                    + "the renderer are wired into StandardPipeline when their branches are merged");
        };
    }
}
