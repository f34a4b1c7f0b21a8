package io.github.gpt2explainer.site;

import io.github.gpt2explainer.site.Chapters.Chapter;
import io.github.gpt2explainer.site.PageModel.ChapterIndexPage;
import io.github.gpt2explainer.site.PageModel.ChapterPage;
import io.github.gpt2explainer.site.PageModel.ChapterRef;
import io.github.gpt2explainer.site.PageModel.Page;
import io.github.gpt2explainer.site.SitePlan.Kind;
import java.util.List;

/** Each language's chapter list and chapter pages (none when the templates have no chapters). */
final class ChapterPages {

    private ChapterPages() {
    }

    static void plan(SitePlan plan, SiteLayout layout, Chapters chapters) {
        for (String lang : layout.languages()) {
            if (!chapters.isEmpty()) {
                String list = layout.chapterIndex(lang);
                plan.addOverview(list, "chapter list (" + lang + ")", Kind.PAGE, site -> list(site, lang, list));
            }
            List<Chapter> ofLang = chapters.of(lang);
            for (int i = 0; i < ofLang.size(); i++) {
                Chapter c = ofLang.get(i);
                int position = i;
                String path = layout.chapterPage(lang, c.slug());
                plan.addOverview(path, "chapter " + c.file(), Kind.PAGE, site -> chapter(site, lang, path, c, position));
            }
        }
    }

    private static byte[] list(SiteContext site, String lang, String path) {
        Page page = site.page(lang, path, "chapters", site.messages.strings(lang).get("chapters.title"));
        return site.pages.render("chapters.ftlh", new ChapterIndexPage(page, site.chapterRefs(lang, path)));
    }

    private static byte[] chapter(SiteContext site, String lang, String path, Chapter c, int i) {
        Page page = site.page(lang, path, "chapter", c.title());
        List<ChapterRef> refs = site.chapterRefs(lang, path);
        return site.pages.render("chapter.ftlh", new ChapterPage(page, refs.get(i), site.chapterHtml(path),
                i > 0 ? refs.get(i - 1) : null, i + 1 < refs.size() ? refs.get(i + 1) : null, refs));
    }
}
