package io.github.gpt2explainer.site;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.gpt2explainer.model.Checkpoint;
import io.github.gpt2explainer.model.Gpt2Config;
import io.github.gpt2explainer.model.RandomCheckpoint;
import io.github.gpt2explainer.model.ModelSource;
import io.github.gpt2explainer.prompts.PromptSet;
import io.github.gpt2explainer.prompts.PromptSpec;
import io.github.gpt2explainer.tokenizer.Gpt2Tokenizer;
import io.github.gpt2explainer.trace.ModelInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/** A prompt page's initial transfer must stay under 1 MB gzip-compressed. */
class SiteSizeTest {

    static final long BUDGET = 1_000_000;

    @Test
    void demoPromptPagesStayFarUnderTheBudget() throws Exception {
        for (String id : SiteFixture.promptSet().ids()) {
            PageWeight w = PageWeight.of(SiteFixture.site().resolve("p/" + id + ".html"));
            System.out.printf("size: demo p/%s.html initial transfer %,d bytes gzip (%,d raw), %d files%n",
                    id, w.gzipBytes(), w.rawBytes(), w.files().size());
            assertThat(w.files()).contains("main.js", "d3.min.js", "site.css").doesNotContain("attn-0.js", "layer-0.js");
            assertThat(w.gzipBytes()).isLessThan(BUDGET);
        }
    }

    /**
     * GPT-2 small's shape (12 layers, width 768, 12 heads, vocabulary 50257) with random weights, and a 16-token
     * prompt. Opt-in (-Dgpt2.sizes=true): building the model takes ~1.5 GB and a minute of CPU.
     */
    @Test
    @Tag("slow")
    @EnabledIfSystemProperty(named = "gpt2.sizes", matches = "true")
    void gpt2SmallShapedPromptPageStaysUnderTheBudget(@TempDir Path out, @TempDir Path templatesCopy) throws Exception {
        Gpt2Config small = new Gpt2Config(50257, 1024, 768, 12, 12, 1e-5);
        ModelSource source = ModelSource.random(small, 7, "random-gpt2-small", true);
        Gpt2Tokenizer tokenizer = source.tokenizer();
        ModelInfo info = source.info();
        String text = "The quick brown fox jumps over the lazy dog while the cat sleeps on the warm";
        assertThat(tokenizer.encode(text)).hasSize(16);
        PromptSpec spec = new PromptSpec("sixteen", text, Map.of("en", "16 tokens", "zh", "16 个词元"),
                Map.of("en", "n", "zh", "n"), null, null, null, null, null, null, List.of(), Path.of("sixteen.md"), 2);
        PromptSet set = new PromptSet(SiteFixture.promptSet().settings(), List.of(spec));
        // the chapters link to the curated prompts, which this one-prompt set does not have
        Path templates = SiteFixture.copyTemplates(templatesCopy, false);
        try (source; ModelRuns runs = new ModelRuns(source, set);
             SiteTemplates t = SiteTemplates.directory(templates)) {
            new SiteRenderer(t).render(new SiteInput(set, info, runs, "v"), out);
        }
        PageWeight w = PageWeight.of(out.resolve("p/sixteen.html"));
        long attn0 = PageWeight.gzip(Files.readAllBytes(out.resolve("data/sixteen/attn-0.js")));
        long layer0 = PageWeight.gzip(Files.readAllBytes(out.resolve("data/sixteen/layer-0.js")));
        long model = PageWeight.gzip(Files.readAllBytes(out.resolve("data/sixteen/model.js")));
        long heads = PageWeight.gzip(Files.readAllBytes(out.resolve("data/sixteen/heads.js")));
        System.out.printf("size: GPT-2-small shape, 16 tokens: lazy heads.js (gallery) %,d raw, %,d gzip%n",
                Files.size(out.resolve("data/sixteen/heads.js")), heads);
        System.out.printf("size: GPT-2-small shape, 16 tokens: initial transfer %,d bytes gzip (%,d raw); main.js %,d raw;"
                        + " lazy attn-0.js %,d gzip, layer-0.js %,d gzip, model.js %,d gzip%n",
                w.gzipBytes(), w.rawBytes(), Files.size(out.resolve("data/sixteen/main.js")), attn0, layer0, model);
        assertThat(w.gzipBytes()).isLessThan(BUDGET);
        long site = 0;
        long handouts = 0;
        long layerDetail = 0;
        try (var files = Files.walk(out)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String rel = out.relativize(f).toString().replace('\\', '/');
                long size = Files.size(f);
                site += size;
                handouts += rel.contains("handouts/") ? size : 0;
                layerDetail += rel.matches("data/.*/layer-\\d+\\.js") ? size : 0;
            }
        }
        // this fixture's settings ask for full handouts; a compact one is the same file without the inlined
        // layer-<l>.js scripts (one copy per language)
        System.out.printf("size: GPT-2-small shape, 16 tokens, full handouts: site %,d bytes, handouts %,d, layer-*.js %,d;"
                + " with compact handouts the site would be %,d%n", site, handouts, layerDetail, site - 2 * layerDetail);
    }
}
