package io.github.gpt2explainer.site;

import io.github.gpt2explainer.site.PageModel.AboutPage;
import io.github.gpt2explainer.site.PageModel.ComparePage;
import io.github.gpt2explainer.site.PageModel.IndexPage;
import io.github.gpt2explainer.site.PageModel.Page;
import io.github.gpt2explainer.site.PageModel.PromptCard;
import io.github.gpt2explainer.site.SitePlan.Kind;
import java.nio.charset.StandardCharsets;

/** The pages over every prompt (index, about, comparison) and the comparison data, rendered after the prompts. */
final class OverviewPages {

    private OverviewPages() {
    }

    /** Plans each language's index, about and comparison pages. */
    static void planPages(SitePlan plan, SiteLayout layout) {
        for (String lang : layout.languages()) {
            String index = layout.indexPage(lang);
            plan.addOverview(index, "index page (" + lang + ")", Kind.PAGE, site -> index(site, lang, index));
            String about = layout.aboutPage(lang);
            plan.addOverview(about, "about page (" + lang + ")", Kind.PAGE, site -> about(site, lang, about));
            String compare = layout.comparePage(lang);
            plan.addOverview(compare, "comparison page (" + lang + ")", Kind.PAGE, site -> compare(site, lang, compare));
        }
    }

    /** Plans the comparison data: an index and one attention file per layer, filled from every prompt's run. */
    static void planData(SitePlan plan, int layers) {
        plan.addOverview(SiteLayout.compareIndexData(), "comparison data", Kind.DATA,
                site -> utf8(DataCodec.script("compare/index", site.compare.index())));
        for (int l = 0; l < layers; l++) {
            int layer = l;
            plan.addOverview(SiteLayout.compareAttentionData(l), "comparison data", Kind.DATA,
                    site -> utf8(DataCodec.script("compare/attn-" + layer, site.compare.attention(layer))));
        }
    }

    private static byte[] index(SiteContext site, String lang, String path) {
        Page page = site.page(lang, path, "index", null);
        PromptCard start = site.input.promptSet().prompt(site.featured() == null ? "" : site.featured())
                .map(spec -> site.card(lang, path, spec)).orElse(null);
        return site.pages.render("index.ftlh", new IndexPage(page, site.cards(lang, path), site.modelCard(),
                site.markdown.toHtml(site.templates.prose(lang, "how-to-read")), site.chapterRefs(lang, path), start));
    }

    private static byte[] about(SiteContext site, String lang, String path) {
        Page page = site.page(lang, path, "about", site.messages.strings(lang).get("about.title"));
        SiteInput input = site.input;
        return site.pages.render("about.ftlh", new AboutPage(page, site.modelCard(),
                SettingsText.of(input.promptSet().settings()), input.generatorVersion(),
                "./gpt2-explainer build --model " + input.model().spec(),
                site.markdown.toHtml(site.templates.prose(lang, "about")), site.cards(lang, path)));
    }

    private static byte[] compare(SiteContext site, String lang, String path) {
        Page page = site.page(lang, path, "compare", site.messages.strings(lang).get("compare.title"));
        return site.pages.render("compare.ftlh", new ComparePage(page, site.cards(lang, path), site.layers(),
                site.heads(), page.root() + SiteLayout.compareIndexData(), page.root() + "data/compare/"));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
