package io.github.gpt2explainer.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

/**
 * Issue 17 item 5: the home page says where to start (one prompt's page, then the chapters, then the rest) before
 * it lists the prompts, and "How to read this site" explains every view the prompt page has, in every language.
 */
class HomePageTest {

    private static Document page(String path) throws IOException {
        Path file = SiteFixture.site().resolve(path);
        return Jsoup.parse(file.toFile(), "UTF-8");
    }

    @Test
    void theHomePageLeadsWithAPathFromOnePromptToTheChaptersBeforeThePrompts() throws IOException {
        for (String prefix : List.of("", "zh/")) {
            Document index = page(prefix + "index.html");
            List<String> sections = index.select("main > section").eachAttr("class");
            assertThat(sections.indexOf("start-path")).as(prefix + " sections " + sections).isEqualTo(1) // after the title
                    .isLessThan(sections.indexOf("prompts"));
            List<Element> steps = index.select(".start-path .start-step .start-link");
            assertThat(steps).hasSize(3);
            // 1: the prompt the chapters' figures draw, which the chapters follow
            assertThat(target(prefix, steps.get(0))).isEqualTo(prefix + "p/" + SiteFixture.EIFFEL_ID + ".html");
            assertThat(steps.get(0).text()).contains("The Eiffel Tower is located in the city of");
            // 2: the chapters, 3: the prompts of this page
            assertThat(target(prefix, steps.get(1))).isEqualTo(prefix + "chapters/index.html");
            assertThat(steps.get(2).attr("href")).isEqualTo("#prompts-title");
            assertThat(index.getElementById("prompts-title")).isNotNull();
        }
    }

    /** The site path a relative link on a page of {@code prefix}'s index leads to. */
    private static String target(String prefix, Element link) {
        return Path.of(prefix.isEmpty() ? "." : prefix).resolve(link.attr("href")).normalize().toString().replace('\\', '/');
    }

    @Test
    void howToReadExplainsEveryViewOfThePromptPageByItsName() throws IOException {
        for (String prefix : List.of("", "zh/")) {
            // the prompt page's sections (its section nav is made from them in the browser: ViewRegistryBrowserTest)
            List<String> views = page(prefix + "p/" + SiteFixture.EIFFEL_ID + ".html").select("section.panel[id] > h2").eachText();
            assertThat(views).as("the prompt page's views").hasSizeGreaterThanOrEqualTo(10);
            List<String> explained = page(prefix + "index.html").select(".how-to-read li > strong").eachText();
            assertThat(explained).as(prefix + "index.html: How to read this site").containsExactlyElementsOf(views);
        }
    }
}
