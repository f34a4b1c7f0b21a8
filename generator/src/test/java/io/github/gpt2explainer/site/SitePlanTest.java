package io.github.gpt2explainer.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.gpt2explainer.model.Gpt2Config;
import io.github.gpt2explainer.prompts.PromptSet;
import io.github.gpt2explainer.prompts.PromptSpec;
import io.github.gpt2explainer.prompts.SiteSettings;
import io.github.gpt2explainer.site.SitePlan.Kind;
import io.github.gpt2explainer.site.SitePlan.PlannedFile;
import io.github.gpt2explainer.site.SitePlan.PromptPages;
import io.github.gpt2explainer.trace.ModelInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SitePlanTest {

    private static final SitePlan.Renderer<SiteContext> NOTHING = site -> new byte[0];

    @Test
    void aDuplicatePathIsRejectedNamingBothInputs() {
        SitePlan plan = new SitePlan();
        plan.addShared("p/a.html", "prompt a (a.md)", SitePlan.Kind.PAGE, NOTHING);
        assertThatThrownBy(() -> plan.addShared("p/a.html", "prompt b (b.md)", SitePlan.Kind.PAGE, NOTHING))
                .isInstanceOf(SitePlanException.class)
                .hasMessageContaining("p/a.html").hasMessageContaining("prompt a (a.md)")
                .hasMessageContaining("prompt b (b.md)");
    }

    @Test
    void pathsDifferingOnlyInCaseClash() {
        SitePlan plan = new SitePlan();
        plan.addShared("data/x/main.js", "first", SitePlan.Kind.DATA, NOTHING);
        assertThatThrownBy(() -> plan.addShared("data/X/main.js", "second", SitePlan.Kind.DATA, NOTHING))
                .isInstanceOf(SitePlanException.class).hasMessageContaining("first and second");
    }

    @Test
    void unsafePathsAreRejected() {
        SitePlan plan = new SitePlan();
        for (String bad : List.of("/etc/passwd", "../x.html", "a/../../x.html", "a//b.html", "a b.html", "")) {
            assertThatThrownBy(() -> plan.addShared(bad, "test", SitePlan.Kind.PAGE, NOTHING))
                    .as(bad).isInstanceOf(SitePlanException.class).hasMessageContaining("not a safe relative path");
        }
    }

    @Test
    void filesAreListedSortedByPath() {
        SitePlan plan = new SitePlan();
        plan.addShared("z.html", "z", SitePlan.Kind.PAGE, NOTHING);
        plan.addShared("a/b.js", "b", SitePlan.Kind.DATA, NOTHING);
        plan.addShared("index.html", "i", SitePlan.Kind.PAGE, NOTHING);
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

    @Test
    void aPromptFileClashesWithASharedFileToo() {
        SitePlan plan = new SitePlan();
        plan.addShared("data/a/main.js", "templates data/a/main.js", Kind.ASSET, NOTHING);
        PromptPages group = plan.addPrompt(SiteFixture.promptSet().prompts().get(0));
        assertThatThrownBy(() -> group.add("data/A/main.js", "prompt a data", Kind.DATA, p -> new byte[0]))
                .isInstanceOf(SitePlanException.class)
                .hasMessageContaining("templates data/a/main.js and prompt a data");
        assertThat(group.files()).isEmpty();
    }

    @Test
    void eachPromptsPagesHandoutsAndDataAreOneGroupWithTheirKinds() {
        try (SiteTemplates t = SiteFixture.templates()) {
            SitePlan plan = new SiteRenderer(t).plan(SiteFixture.input());
            PromptSet set = SiteFixture.promptSet();
            SiteLayout layout = new SiteLayout(set.settings().languages());
            int layers = SiteFixture.model().info().config().layers();
            assertThat(plan.prompts()).extracting(g -> g.prompt().id()).containsExactlyElementsOf(set.ids());
            for (PromptPages group : plan.prompts()) {
                String id = group.prompt().id();
                Map<String, Kind> expected = new TreeMap<>();
                for (String lang : layout.languages()) {
                    expected.put(layout.promptPage(lang, id), Kind.PAGE);
                    expected.put(layout.handoutPage(lang, id), Kind.PAGE);
                }
                expected.put(SiteLayout.mainData(id), Kind.DATA);
                expected.put(SiteLayout.modelData(id), Kind.DATA);
                expected.put(SiteLayout.headsData(id), Kind.DATA);
                expected.put(SiteLayout.insightData(id), Kind.DATA);
                for (int l = 0; l < layers; l++) {
                    expected.put(SiteLayout.attentionData(id, l), Kind.DATA);
                    expected.put(SiteLayout.layerData(id, l), Kind.DATA);
                }
                Map<String, Kind> planned = new TreeMap<>();
                group.files().forEach(f -> planned.put(f.path(), f.kind()));
                assertThat(planned).as(id).isEqualTo(expected);
            }
            assertThat(plan.shared()).extracting(PlannedFile::kind).containsOnly(Kind.ASSET);
            Map<String, Kind> overview = new TreeMap<>();
            plan.overview().forEach(f -> overview.put(f.path(), f.kind()));
            assertThat(overview).containsEntry("index.html", Kind.PAGE).containsEntry("zh/index.html", Kind.PAGE)
                    .containsEntry("about.html", Kind.PAGE).containsEntry(layout.comparePage("zh"), Kind.PAGE)
                    .containsEntry(SiteLayout.compareIndexData(), Kind.DATA)
                    .containsEntry(SiteLayout.compareAttentionData(layers - 1), Kind.DATA);
            int grouped = plan.prompts().stream().mapToInt(g -> g.files().size()).sum();
            assertThat(plan.shared().size() + grouped + plan.overview().size()).isEqualTo(plan.size());
        }
    }

    @Test
    void eachPromptsRunIsLoadedOnceAndInPromptOrder(@TempDir Path out) {
        List<String> loads = new ArrayList<>();
        SiteInput fixture = SiteFixture.input();
        SiteInput counting = new SiteInput(fixture.promptSet(), fixture.model(), id -> {
            loads.add(id);
            return SiteFixture.run(id);
        }, fixture.generatorVersion());
        try (SiteTemplates t = SiteFixture.templates()) {
            new SiteRenderer(t).render(counting, out);
        }
        assertThat(loads).containsExactlyElementsOf(fixture.promptSet().ids());
    }

    @Test
    void aRunWithOtherLayersThanTheModelIsRejectedNamingThePrompt(@TempDir Path out) {
        SiteInput fixture = SiteFixture.input();
        ModelInfo m = fixture.model();
        Gpt2Config c = m.config();
        ModelInfo deeper = new ModelInfo(m.spec(), m.repoId(), m.revision(), m.commit(), m.weightsSha256(),
                m.tokenizerSha256(), new Gpt2Config(c.vocabSize(), c.contextLength(), c.width(), c.layers() + 1,
                c.heads(), c.layerNormEpsilon()), m.demo());
        SiteInput input = new SiteInput(fixture.promptSet(), deeper, fixture.runs(), fixture.generatorVersion());
        try (SiteTemplates t = SiteFixture.templates()) {
            assertThatThrownBy(() -> new SiteRenderer(t).render(input, out))
                    .isInstanceOf(SiteRenderException.class)
                    .hasMessageContaining("prompt " + fixture.promptSet().ids().get(0))
                    .hasMessageContaining(c.layers() + " layers, the model " + (c.layers() + 1));
        }
    }
}
