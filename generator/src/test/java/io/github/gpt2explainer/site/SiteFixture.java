package io.github.gpt2explainer.site;

import ai.djl.ndarray.NDManager;
import io.github.gpt2explainer.forward.Gpt2Model;
import io.github.gpt2explainer.insight.HeadRoleProbe;
import io.github.gpt2explainer.insight.ProbedHeadRoles;
import io.github.gpt2explainer.model.ModelSource;
import io.github.gpt2explainer.prompts.PromptSet;
import io.github.gpt2explainer.prompts.PromptSpec;
import io.github.gpt2explainer.prompts.SiteSettings;
import io.github.gpt2explainer.trace.PromptRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Real prompt runs from the demo model (real tokenizer, seeded random weights): a full captured forward
 * pass, generations sampled from real logits, a logit lens. Built once per test JVM and shared; the
 * rendered site is also built once ({@link #site()}).
 */
final class SiteFixture {

    static final String HOSTILE_TEXT = "</script><img src=x onerror=alert(1)>";
    static final String HOSTILE_ID = "hostile";
    // Ids of the real prompt set: the explainer chapters link to these prompts, and the build checks the links.
    static final String EIFFEL_ID = "eiffel-tower";
    static final String CHINESE_ID = "chinese-capital";
    /** Shares "The" and " of" with the Eiffel prompt: the comparison page's "same word" needs a shared token. */
    static final String STATES_ID = "united-states";
    static final String HOSTILE_NOTE = "<script>alert(2)</script>\n\n*emphasis* <img src=x onerror=alert(4)> "
            + "[bad](javascript:alert(3)) [ok](https://example.org/)";

    private static ModelSource model;
    private static PromptSet promptSet;
    private static final Map<String, PromptRun> runs = new HashMap<>();
    private static Path site;
    private static ProbedHeadRoles headRoles;
    private static RenderReport report;

    private SiteFixture() {
    }

    static synchronized ModelSource model() {
        if (model == null) {
            model = ModelSource.demo();
        }
        return model;
    }

    static synchronized PromptSet promptSet() {
        if (promptSet == null) {
            SiteSettings settings = new SiteSettings(Map.of("en", "GPT-2 test site", "zh", "GPT-2 测试网站"),
                    SiteSettings.DEFAULT_MODEL, List.of(0.0, 0.8, 1.5), 4, 40, 1.0, 20240601L, List.of("en", "zh"),
                    Path.of("site.yaml"), SiteSettings.ATTRIBUTION_UNLIMITED,
                    SiteSettings.Handouts.FULL); // the handout tests check full handouts
            promptSet = new PromptSet(settings, List.of(
                    prompt(EIFFEL_ID, "The Eiffel Tower is located in the city of", "A fact", "一个事实",
                            "Look at **layer 0**.", "看 **第 0 层**。"),
                    prompt(HOSTILE_ID, HOSTILE_TEXT, "Hostile <b>title</b>", "恶意 <b>标题</b>", HOSTILE_NOTE, HOSTILE_NOTE),
                    prompt(CHINESE_ID, "我喜欢吃苹果", "Chinese bytes", "中文字节", "Partial characters.", "半个字符。"),
                    prompt(STATES_ID, "The United States of", "A name", "一个名字",
                            "See [the chapter on attention](chapter:attention).", "见[注意力一章](chapter:attention)。")));
        }
        return promptSet;
    }

    private static PromptSpec prompt(String id, String text, String en, String zh, String noteEn, String noteZh) {
        Map<String, String> titles = new LinkedHashMap<>();
        titles.put("en", en);
        titles.put("zh", zh);
        Map<String, String> notes = new LinkedHashMap<>();
        notes.put("en", noteEn);
        notes.put("zh", noteZh);
        return new PromptSpec(id, text, titles, notes, null, null, null, null, null, null, List.of("test"),
                Path.of(id + ".md"), 2);
    }

    /** The run of a fixture prompt, computed once. */
    static synchronized PromptRun run(String id) {
        return runs.computeIfAbsent(id, key -> {
            try (ModelRuns source = new ModelRuns(model(), promptSet())) {
                return source.load(key);
            }
        });
    }

    static SiteInput input() {
        return new SiteInput(promptSet(), model().info(), SiteFixture::run, "test-version", headRoles());
    }

    /** The demo model's head roles on the default probe, measured once (the "meet the heads" page's data). */
    static synchronized ProbedHeadRoles headRoles() {
        if (headRoles == null) {
            ModelSource source = model();
            HeadRoleProbe probe = HeadRoleProbe.of(HeadRoleProbe.DEFAULT_SEED, source.config().vocabSize(),
                    source.config().contextLength(), source.tokenizer().endOfTextId());
            try (NDManager manager = NDManager.newBaseManager("PyTorch");
                 Gpt2Model gpt2 = Gpt2Model.load(source.loadCheckpoint(), manager)) {
                headRoles = ProbedHeadRoles.measure(gpt2, probe);
            }
        }
        return headRoles;
    }

    static SiteTemplates templates() {
        return SiteTemplates.directory(repositoryRoot().resolve("templates"));
    }

    /**
     * A copy of the repository's templates in {@code to}, to edit in a test. Without chapters when
     * {@code withChapters} is false: the chapters link to the curated prompts, so a site built from another
     * prompt set needs templates without them.
     */
    static Path copyTemplates(Path to, boolean withChapters) {
        Path source = repositoryRoot().resolve("templates");
        try (var walk = Files.walk(source)) {
            for (Path p : walk.toList()) {
                String relative = source.relativize(p).toString().replace('\\', '/');
                if (!withChapters && relative.matches("prose/[^/]+/chapters(/.*)?")) {
                    continue;
                }
                Path target = to.resolve(relative);
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return to;
    }

    static Path repositoryRoot() {
        Path here = Path.of("").toAbsolutePath();
        return Files.isDirectory(here.resolve("templates")) ? here : here.getParent();
    }

    /** The fixture site, rendered once into a temporary directory. */
    static synchronized Path site() {
        if (site == null) {
            try {
                site = Files.createTempDirectory("gpt2x-site");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            try (SiteTemplates t = templates()) {
                report = new SiteRenderer(t).render(input(), site);
            }
        }
        return site;
    }

    static synchronized RenderReport report() {
        site();
        return report;
    }
}
