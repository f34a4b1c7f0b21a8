package io.github.gpt2explainer.site;

import io.github.gpt2explainer.prompts.PromptSet;
import io.github.gpt2explainer.prompts.PromptSpec;
import io.github.gpt2explainer.site.PageModel.Link;
import io.github.gpt2explainer.site.PageModel.Page;
import io.github.gpt2explainer.site.PageModel.PromptCard;
import io.github.gpt2explainer.site.PageModel.PromptPage;
import io.github.gpt2explainer.site.SitePlan.Kind;
import io.github.gpt2explainer.site.SitePlan.PromptPages;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** A prompt's files: its data scripts, and in every language its page and its self-contained handout. */
final class PromptFiles {

    private PromptFiles() {
    }

    /** One data file: where it goes, the name it registers under, and which part of the run it holds. */
    private record DataFile(String path, String name, Function<PromptData, Object> content) {
    }

    /** A prompt's data files in load order (main first), as its handouts inline them. */
    private static List<DataFile> dataFiles(String id, int layers) {
        List<DataFile> files = new ArrayList<>(List.of(
                new DataFile(SiteLayout.mainData(id), id + "/main", PromptData::main),
                new DataFile(SiteLayout.modelData(id), id + "/model", PromptData::modelLevel),
                new DataFile(SiteLayout.headsData(id), id + "/heads", PromptData::heads),
                new DataFile(SiteLayout.insightData(id), id + "/insight", PromptData::insight)));
        for (int l = 0; l < layers; l++) {
            int layer = l;
            files.add(new DataFile(SiteLayout.attentionData(id, l), id + "/attn-" + l, d -> d.attention(layer)));
            files.add(new DataFile(SiteLayout.layerData(id, l), id + "/layer-" + l, d -> d.layer(layer)));
        }
        return files;
    }

    /** The scripts of a prompt's data files, by path in load order. */
    static Map<String, String> dataScripts(String id, PromptData data) {
        Map<String, String> scripts = new LinkedHashMap<>();
        for (DataFile f : dataFiles(id, data.layers())) {
            scripts.put(f.path(), DataCodec.script(f.name(), f.content().apply(data)));
        }
        return scripts;
    }

    /** Plans the files of the prompt at {@code position} in the set. */
    static void plan(SitePlan plan, SiteLayout layout, PromptSet set, int position, int layers) {
        List<PromptSpec> prompts = set.prompts();
        PromptSpec spec = prompts.get(position);
        PromptSpec previous = position > 0 ? prompts.get(position - 1) : null;
        PromptSpec next = position + 1 < prompts.size() ? prompts.get(position + 1) : null;
        String from = "prompt " + spec.id() + " (" + spec.source() + ")";
        PromptPages group = plan.addPrompt(spec);
        for (String lang : layout.languages()) {
            String path = layout.promptPage(lang, spec.id());
            group.add(path, from + " page (" + lang + ")", Kind.PAGE,
                    p -> p.site.pages.render("prompt.ftlh", promptPage(p, lang, path, previous, next)));
            String handout = layout.handoutPage(lang, spec.id());
            group.add(handout, from + " handout (" + lang + ")", Kind.PAGE, p -> handoutPage(p, lang, path, handout));
        }
        for (DataFile f : dataFiles(spec.id(), layers)) {
            group.add(f.path(), from + " data", Kind.DATA, p -> p.dataScript(f.path()).getBytes(StandardCharsets.UTF_8));
        }
    }

    private static PromptPage promptPage(PromptContext p, String lang, String path, PromptSpec previous, PromptSpec next) {
        SiteContext site = p.site;
        PromptSpec spec = p.spec;
        Page page = site.page(lang, path, "prompt", spec.title(lang));
        PromptCard card = site.card(lang, path, spec);
        SiteLinks noteLinks = new SiteLinks(spec.source().toString(), page.root(), site.layout.languagePrefix(lang),
                site.promptIds, site.slugs);
        PromptSummary summary = p.summary();
        return new PromptPage(page, card, site.markdown.toHtml(spec.note(lang), noteLinks), summary.tokens(),
                summary.generations(), SettingsText.of(spec.effective(site.input.promptSet().settings())),
                page.root() + SiteLayout.mainData(spec.id()), page.root() + "data/" + spec.id() + "/",
                p.data().layers(), p.run.model().config().heads(),
                previous == null ? null : neighbour(site, lang, path, previous),
                next == null ? null : neighbour(site, lang, path, next), p.captions(lang));
    }

    /** The prompt page as one file: no site links, no neighbours, everything inlined, sealed by its CSP. */
    private static byte[] handoutPage(PromptContext p, String lang, String pagePath, String path) {
        PromptPage model = promptPage(p, lang, pagePath, null, null);
        Page page = p.site.page(lang, path, "prompt", p.spec.title(lang));
        PromptPage handout = new PromptPage(page, model.prompt(), Handout.withoutSiteLinks(model.notesHtml()),
                model.tokens(), model.generations(), model.settings(), page.root() + SiteLayout.mainData(p.spec.id()),
                page.root() + "data/" + p.spec.id() + "/", model.layers(), model.heads(), null, null, model.captions());
        return Handout.seal(p.site.pages.text("prompt.ftlh", handout, p.handout())).getBytes(StandardCharsets.UTF_8);
    }

    private static Link neighbour(SiteContext site, String lang, String fromPath, PromptSpec spec) {
        return new Link(SiteLayout.rootFrom(fromPath) + site.layout.promptPage(lang, spec.id()), spec.title(lang), false);
    }
}
