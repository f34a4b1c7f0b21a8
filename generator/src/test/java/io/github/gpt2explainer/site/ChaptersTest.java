package io.github.gpt2explainer.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.gpt2explainer.model.Gpt2Config;
import io.github.gpt2explainer.prompts.PromptSet;
import io.github.gpt2explainer.prompts.PromptSetLoader;
import io.github.gpt2explainer.prompts.PromptSpec;
import io.github.gpt2explainer.site.Chapters.Chapter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The explainer chapters in templates/prose and the prompt notes: complete in both languages, links live. */
class ChaptersTest {

    private static final Path ROOT = SiteFixture.repositoryRoot();
    private static final List<String> LANGUAGES = List.of("en", "zh");
    private static final Pattern PROMPT_LINK = Pattern.compile("\\]\\(prompt:([a-z0-9-]+)(#[^)]*)?\\)");

    @Test
    void everyChapterExistsInEveryLanguageWithTheSameSlugsInOrder() {
        Chapters chapters = Chapters.load(ROOT.resolve("templates/prose"), LANGUAGES);
        assertThat(chapters.slugs()).containsExactly("transformer", "tokens", "embeddings", "attention", "mlp",
                "residual-layernorm", "logits", "temperature", "sampling", "generation");
        for (int i = 0; i < chapters.slugs().size(); i++) {
            Chapter en = chapters.of("en").get(i);
            Chapter zh = chapters.of("zh").get(i);
            assertThat(zh.slug()).isEqualTo(en.slug());
            assertThat(en.title()).isNotBlank();
            assertThat(zh.title()).as(zh.file()).isNotEqualTo(en.title());
            long han = zh.body().codePoints().filter(cp -> Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN).count();
            assertThat(han).as(zh.file() + " is written in Chinese").isGreaterThan(400);
            int words = en.body().split("\\s+").length;
            assertThat(words).as(en.file() + " words").isBetween(250, 650);
        }
    }

    /** "Each links into the live views of a real prompt": of the curated set in prompts/, in both languages. */
    @Test
    void everyChapterLinksIntoALivePromptViewOfTheRealPromptSet() {
        PromptSet real = PromptSetLoader.load(ROOT.resolve("prompts"));
        Set<String> ids = new HashSet<>(real.ids());
        Chapters chapters = Chapters.load(ROOT.resolve("templates/prose"), LANGUAGES);
        Markdown markdown = new Markdown();
        Gpt2Config demo = new Gpt2Config(50257, 1024, 64, 4, 4, 1e-5);
        ProseValues values = ProseValues.of(demo, "demo", real.settings());
        for (String lang : LANGUAGES) {
            for (Chapter c : chapters.of(lang)) {
                Matcher m = PROMPT_LINK.matcher(c.body());
                int links = 0;
                while (m.find()) {
                    links++;
                    assertThat(ids).as(c.file() + " links to " + m.group(1)).contains(m.group(1));
                }
                assertThat(links).as(c.file() + " prompt links").isPositive();
                // every site link of the chapter resolves against the real set, its numbers filled for the demo
                // model's shape (throws otherwise)
                markdown.toHtml(c.renderable(values), new SiteLinks(c.file(), "../", "", ids, Set.copyOf(chapters.slugs()),
                        demo.layers(), demo.heads()));
            }
        }
    }

    @Test
    void everyPromptNoteExistsInBothLanguages() {
        PromptSet real = PromptSetLoader.load(ROOT.resolve("prompts"));
        assertThat(real.prompts()).hasSizeGreaterThanOrEqualTo(20);
        for (PromptSpec p : real.prompts()) {
            for (String lang : LANGUAGES) {
                assertThat(p.notes().get(lang)).as(p.source() + " note " + lang).isNotBlank();
                assertThat(p.titles().get(lang)).as(p.source() + " title " + lang).isNotBlank();
            }
            assertThat(p.notes().get("zh")).as(p.source().toString()).isNotEqualTo(p.notes().get("en"));
        }
    }

    @Test
    void aChapterMissingInOneLanguageIsNamed(@TempDir Path prose) throws Exception {
        Files.createDirectories(prose.resolve("en/chapters"));
        Files.createDirectories(prose.resolve("zh/chapters"));
        Files.writeString(prose.resolve("en/chapters/01-intro.md"), "# Intro\n\nHello.\n");
        Files.writeString(prose.resolve("en/chapters/02-more.md"), "# More\n\nMore.\n");
        Files.writeString(prose.resolve("zh/chapters/01-intro.md"), "# 介绍\n\n你好。\n");
        assertThatThrownBy(() -> Chapters.load(prose, LANGUAGES))
                .isInstanceOf(SiteRenderException.class)
                .hasMessageContaining("zh" + prose.getFileSystem().getSeparator() + "chapters")
                .hasMessageContaining("missing: 02-more.md");
    }

    @Test
    void malformedNamesAndMissingTitlesAreNamed(@TempDir Path prose) throws Exception {
        Files.createDirectories(prose.resolve("en/chapters"));
        Files.writeString(prose.resolve("en/chapters/intro.md"), "# Intro\n");
        assertThatThrownBy(() -> Chapters.load(prose, List.of("en")))
                .isInstanceOf(SiteRenderException.class).hasMessageContaining("intro.md").hasMessageContaining("NN-slug.md");
        Files.delete(prose.resolve("en/chapters/intro.md"));
        Files.writeString(prose.resolve("en/chapters/01-intro.md"), "Intro without a title\n");
        assertThatThrownBy(() -> Chapters.load(prose, List.of("en")))
                .isInstanceOf(SiteRenderException.class).hasMessageContaining("01-intro.md").hasMessageContaining("# Title");
    }

    @Test
    void titleSummaryAndBodyAreSplitFromTheFile(@TempDir Path prose) throws Exception {
        Files.createDirectories(prose.resolve("en/chapters"));
        Files.writeString(prose.resolve("en/chapters/03-x.md"), "# The title\n\nFirst paragraph\nstill first.\n\nSecond.\n");
        Chapter c = Chapters.load(prose, List.of("en")).of("en").get(0);
        assertThat(c.number()).isEqualTo(3);
        assertThat(c.title()).isEqualTo("The title");
        assertThat(c.summary()).isEqualTo("First paragraph\nstill first.");
        assertThat(c.body()).startsWith("First paragraph").contains("Second.").doesNotContain("The title");
    }
}
