package io.github.gpt2explainer.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.gpt2explainer.prompts.PromptSet;
import io.github.gpt2explainer.prompts.PromptSpec;
import io.github.gpt2explainer.prompts.SiteSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SitePlanTest {

    @Test
    void aDuplicatePathIsRejectedNamingBothInputs() {
        SitePlan plan = new SitePlan();
        plan.add("p/a.html", "prompt a (a.md)", SitePlan.Kind.PAGE);
        assertThatThrownBy(() -> plan.add("p/a.html", "prompt b (b.md)", SitePlan.Kind.PAGE))
                .isInstanceOf(SitePlanException.class)
                .hasMessageContaining("p/a.html").hasMessageContaining("prompt a (a.md)")
                .hasMessageContaining("prompt b (b.md)");
    }

    @Test
    void pathsDifferingOnlyInCaseClash() {
        SitePlan plan = new SitePlan();
        plan.add("data/x/main.js", "first", SitePlan.Kind.DATA);
        assertThatThrownBy(() -> plan.add("data/X/main.js", "second", SitePlan.Kind.DATA))
                .isInstanceOf(SitePlanException.class).hasMessageContaining("first and second");
    }

    @Test
    void unsafePathsAreRejected() {
        SitePlan plan = new SitePlan();
        for (String bad : List.of("/etc/passwd", "../x.html", "a/../../x.html", "a//b.html", "a b.html", "")) {
            assertThatThrownBy(() -> plan.add(bad, "test", SitePlan.Kind.PAGE))
                    .as(bad).isInstanceOf(SitePlanException.class).hasMessageContaining("not a safe relative path");
        }
    }

    @Test
    void filesAreListedSortedByPath() {
        SitePlan plan = new SitePlan();
        plan.add("z.html", "z", SitePlan.Kind.PAGE);
        plan.add("a/b.js", "b", SitePlan.Kind.DATA);
        plan.add("index.html", "i", SitePlan.Kind.PAGE);
        assertThat(plan.files()).extracting(SitePlan.PlannedFile::path).containsExactly("a/b.js", "index.html", "z.html");
    }

    /** A language named "p" puts its index at p/index.html, where the prompt "index" already lives. */
    @Test
    void theRendererRejectsAClashBetweenALanguageAndAPromptBeforeWritingAnything(@TempDir Path out) throws Exception {
        SiteSettings settings = new SiteSettings(Map.of("en", "t", "p", "t"), SiteSettings.DEFAULT_MODEL, List.of(0.0),
                2, 0, 1.0, 1L, List.of("en", "p"), Path.of("site.yaml"));
        PromptSpec index = new PromptSpec("index", "Hello", Map.of("en", "x", "p", "x"), Map.of("en", "n", "p", "n"),
                null, null, null, null, null, null, List.of(), Path.of("prompts/index.md"), 2);
        SiteInput input = new SiteInput(new PromptSet(settings, List.of(index)), SiteFixture.model().info(),
                id -> {
                    throw new AssertionError("no run may be loaded before the plan is checked");
                }, "v");
        try (SiteTemplates t = SiteFixture.templates()) {
            assertThatThrownBy(() -> new SiteRenderer(t).render(input, out))
                    .isInstanceOf(SitePlanException.class)
                    .hasMessageContaining("p/index.html")
                    .hasMessageContaining("index page (p)")
                    .hasMessageContaining("prompt index (prompts/index.md) page (en)");
        }
        try (var files = Files.list(out)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void thePlanListsEveryFileTheRendererWrites() {
        try (SiteTemplates t = SiteFixture.templates()) {
            SitePlan plan = new SiteRenderer(t).plan(SiteFixture.input());
            assertThat(plan.files()).extracting(SitePlan.PlannedFile::path)
                    .containsExactlyElementsOf(SiteFixture.report().files().stream().map(RenderReport.WrittenFile::path).toList());
        }
    }
}
