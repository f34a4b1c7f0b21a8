package io.github.gpt2explainer.site;

import io.github.gpt2explainer.model.Gpt2Config;
import io.github.gpt2explainer.model.ModelSource;
import io.github.gpt2explainer.prompts.PromptSet;
import io.github.gpt2explainer.prompts.PromptSpec;
import io.github.gpt2explainer.trace.PromptRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A 12-layer model (GPT-2 small's depth and vocabulary, width 48, 4 heads, seeded random weights) and one
 * short prompt: the depth views (head gallery, logit lens, attention flow) at a realistic number of layers.
 * The run and its rendered site are built once per test JVM.
 */
final class DeepFixture {

    static final String ID = "deep";
    static final String TEXT = "The Eiffel Tower is located in the city of";
    static final Gpt2Config CONFIG = new Gpt2Config(50257, 1024, 48, 12, 4, 1e-5);

    private static PromptSet promptSet;
    private static PromptRun run;
    private static Path site;

    private DeepFixture() {
    }

    static synchronized PromptSet promptSet() {
        if (promptSet == null) {
            PromptSpec spec = new PromptSpec(ID, TEXT, Map.of("en", "Twelve layers", "zh", "十二层"),
                    Map.of("en", "A deep random model.", "zh", "一个深的随机模型。"), null, null, null, null, null, null,
                    List.of("test"), Path.of(ID + ".md"), 2);
            promptSet = new PromptSet(SiteFixture.promptSet().settings(), List.of(spec));
        }
        return promptSet;
    }

    private static ModelSource model() {
        return ModelSource.random(CONFIG, 12L, "random-12", true);
    }

    static synchronized PromptRun run() {
        if (run == null) {
            try (ModelSource source = model(); ModelRuns runs = new ModelRuns(source, promptSet())) {
                run = runs.load(ID);
            }
        }
        return run;
    }

    static synchronized Path site() {
        if (site == null) {
            PromptRun loaded = run();
            try {
                site = Files.createTempDirectory("gpt2x-deep-site");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            try (SiteTemplates t = SiteFixture.templates()) {
                new SiteRenderer(t).render(new SiteInput(promptSet(), loaded.model(), id -> loaded, "test-version"), site);
            }
        }
        return site;
    }
}
