package io.github.gpt2explainer.site;

import io.github.gpt2explainer.prompts.PromptSpec;
import io.github.gpt2explainer.trace.PromptRun;
import java.util.List;
import java.util.Map;

/**
 * One prompt's run while its files are rendered: the run (loaded once), its data files as scripts, the
 * summary its pages show and the handout that inlines them. Public because {@link SitePlan.Renderer} names it.
 */
public final class PromptContext {

    final SiteContext site;
    final PromptSpec spec;
    final PromptRun run;
    private final PromptData data;
    private final Map<String, String> dataScripts;
    private final PromptSummary summary;
    private Handout handout; // made when a handout is rendered: it copies every data script
    private final Map<String, List<String>> captions;

    PromptContext(SiteContext site, PromptSpec spec, PromptRun run) {
        this.site = site;
        this.spec = spec;
        this.run = run;
        this.data = new PromptData(run);
        if (data.layers() != site.layers()) {
            throw new SiteRenderException("prompt " + spec.id() + ": its run has " + data.layers()
                    + " layers, the model " + site.layers());
        }
        this.dataScripts = PromptFiles.dataScripts(spec.id(), data);
        this.summary = PromptSummary.of(run);
        this.captions = PromptCaptions.of(run, site.layout.languages());
    }

    PromptData data() {
        return data;
    }

    /** The script of one of this prompt's data files, by site path. */
    String dataScript(String path) {
        return dataScripts.get(path);
    }

    PromptSummary summary() {
        return summary;
    }

    /** The "What the model did" sentences in {@code language} (none for a language without patterns). */
    List<String> captions(String language) {
        return captions.getOrDefault(language, List.of());
    }

    synchronized Handout handout() {
        if (handout == null) {
            handout = Handout.forPrompt(site.shared(), dataScripts, SiteLayout.mainData(spec.id()),
                    site.input.promptSet().settings().handouts());
        }
        return handout;
    }
}
