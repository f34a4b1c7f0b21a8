package io.github.gpt2explainer.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.gpt2explainer.hub.ResolvedModel;
import io.github.gpt2explainer.model.ModelSource;
import io.github.gpt2explainer.output.SafeOutput;
import io.github.gpt2explainer.prompts.PromptSet;
import io.github.gpt2explainer.site.RenderReport;
import io.github.gpt2explainer.trace.PromptRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The orchestrator on its own: what it checks before anything is locked, and what it keeps between builds (serve). */
class SiteBuildTest {

    @TempDir
    Path tmp;

    Path prompts;
    Path out;
    final List<String> lines = new ArrayList<>();
    final AtomicInteger located = new AtomicInteger();
    final AtomicInteger identified = new AtomicInteger();
    final AtomicInteger pipelineRuns = new AtomicInteger();

    @BeforeEach
    void inputs() throws IOException {
        prompts = tmp.resolve("prompts");
        out = tmp.resolve("site-out");
        Files.createDirectories(prompts);
        Files.writeString(prompts.resolve("site.yaml"), "title:\n  en: Orchestrated\nlanguages: [en]\n"
                + "temperatures: [0]\nmax_new_tokens: 2\nseed: 1\n", StandardCharsets.UTF_8);
        Files.writeString(prompts.resolve("only.md"), "---\nid: only\ntext: \"The sky is\"\ntitle:\n  en: only\n---\n"
                + "<!-- lang: en -->\nA note.\n", StandardCharsets.UTF_8);
    }

    private SiteBuild siteBuild(TemplateSource templates) {
        SitePipeline writeIndex = FakePipeline.rendering((context, dir) -> {
            pipelineRuns.incrementAndGet();
            Files.writeString(dir.resolve("index.html"), context.prompts().effectivePrompts().get(0).text());
        });
        return siteBuild(templates, writeIndex);
    }

    private SiteBuild siteBuild(TemplateSource templates, SitePipeline pipeline) {
        BuildRequest request = new BuildRequest(prompts, templates, tmp.resolve("store"), "demo", false);
        ModelLocator demo = spec -> {
            located.incrementAndGet();
            return new LazyModel(ResolvedModel.demo(spec), () -> {
                identified.incrementAndGet();
                return ModelSource.demo();
            });
        };
        return new SiteBuild(request, demo, new RecordingLog(lines), pipeline);
    }

    @Test
    void aMissingTemplatesDirectoryIsRefusedBeforeTheOutputIsLockedOrThePipelineRuns() {
        try (SiteBuild build = siteBuild(new TemplateSource(tmp.resolve("no-templates")))) {
            assertThatThrownBy(() -> build.buildInto(out)).isInstanceOf(BuildInputException.class)
                    .hasMessage("--templates " + tmp.resolve("no-templates") + " is not a directory");
        }
        assertThat(pipelineRuns).hasValue(0);
        assertThat(out).doesNotExist();
        assertThat(SafeOutput.lockFileOf(out)).doesNotExist();
    }

    @Test
    void anOutputThatIsAnInputIsRefusedBeforeThePipelineRuns() {
        try (SiteBuild build = siteBuild(TemplateSource.bundled())) {
            assertThatThrownBy(() -> build.buildInto(prompts)).isInstanceOf(BuildInputException.class)
                    .hasMessageContaining("is the prompts directory");
        }
        assertThat(pipelineRuns).hasValue(0);
        assertThat(prompts.resolve("only.md")).exists();
    }

    @Test
    void repeatedBuildsLocateAndIdentifyTheModelOnceAndSwapInEachSite() throws IOException {
        try (SiteBuild build = siteBuild(TemplateSource.bundled())) {
            build.buildInto(out);
            Files.writeString(prompts.resolve("only.md"), Files.readString(prompts.resolve("only.md"))
                    .replace("The sky is", "The sea is"));
            build.buildInto(out);
        }
        assertThat(pipelineRuns).hasValue(2);
        assertThat(located).as("model located once for the same spec").hasValue(1);
        assertThat(identified).as("model identified once, for the prompt fit").hasValue(1);
        assertThat(Files.readString(out.resolve("index.html"))).isEqualTo("The sea is");
        assertThat(lines).contains("Output: " + out.toAbsolutePath().normalize());
    }

    @Test
    void theStepsRunInOrderWhileTheOutputIsLockedAndTheSiteAppearsOnlyAtTheSwap() throws IOException {
        List<String> steps = new ArrayList<>();
        SitePipeline recording = recording(steps, (context, dir) -> Files.writeString(dir.resolve("index.html"), "rendered"));

        try (SiteBuild build = siteBuild(TemplateSource.bundled(), recording)) {
            build.buildInto(out);
        }

        assertThat(steps).containsExactly("run, locked: true", "plan",
                "render, into the output: false, output exists: false",
                "plan closed, swapped in: true", "runs released");
        assertThat(Files.readString(out.resolve("index.html"))).isEqualTo("rendered");
    }

    @Test
    void aFailedRenderReleasesThePlanAndTheRunsAndLeavesNoOutput() {
        List<String> steps = new ArrayList<>();
        SitePipeline failing = recording(steps, (context, dir) -> {
            throw new IOException("disk full");
        });

        try (SiteBuild build = siteBuild(TemplateSource.bundled(), failing)) {
            assertThatThrownBy(() -> build.buildInto(out)).hasMessage("disk full");
        }

        assertThat(steps).endsWith("plan closed, swapped in: false", "runs released");
        assertThat(out).doesNotExist();
        assertThat(tmp.toFile().list()).noneMatch(name -> name.contains(".tmp-") || name.contains(".old-"));
    }

    @Test
    void checkCollectsEveryProblemOfPromptsNotesAndTemplatesWithoutTheWeightsOrWritingAnything() throws IOException {
        Files.writeString(prompts.resolve("broken.md"), "---\nid: broken\ntext: \"x\"\ntitle:\n  en: broken\nbogus: true\n"
                + "---\n<!-- lang: en -->\nA note.\n");
        Path templates = tmp.resolve("templates");
        Files.createDirectories(templates);
        Files.writeString(templates.resolve("page.ftlh"), "<#if x>\nnever closed\n");

        List<String> problems;
        try (SiteBuild build = siteBuild(new TemplateSource(templates))) {
            problems = build.check();
        }

        assertThat(problems).hasSize(2);
        assertThat(problems.get(0)).startsWith(prompts.resolve("broken.md") + ":6: unknown key 'bogus'");
        assertThat(problems.get(1)).startsWith(templates.resolve("page.ftlh") + ":2: ");
        assertThat(identified).as("check never hashes or loads the weights").hasValue(0);
        assertThat(pipelineRuns).hasValue(0);
        assertThat(tmp.resolve("store")).doesNotExist();
    }

    /** A pipeline that notes each step, and what it sees of the output then, in {@code steps}; renders with {@code render}. */
    private SitePipeline recording(List<String> steps, FakePipeline.Render render) {
        return new SitePipeline() {
            @Override
            public Runs runWhatChanged(BuildContext context) {
                steps.add("run, locked: " + Files.exists(SafeOutput.lockFileOf(out)));
                return new Runs() {
                    @Override
                    public PromptRun load(String promptId) {
                        throw new AssertionError("nothing is rendered from runs here");
                    }

                    @Override
                    public void close() {
                        steps.add("runs released");
                    }
                };
            }

            @Override
            public Plan plan(BuildContext context, Runs runs) {
                steps.add("plan");
                return new Plan() {
                    @Override
                    public RenderReport render(Path siteDir) throws IOException {
                        steps.add("render, into the output: " + siteDir.equals(out) + ", output exists: " + Files.exists(out));
                        render.into(context, siteDir);
                        return new RenderReport(List.of(), List.of());
                    }

                    @Override
                    public void close() {
                        steps.add("plan closed, swapped in: " + Files.exists(out.resolve("index.html")));
                    }
                };
            }
        };
    }

    /** Keeps the status lines; detail and progress are dropped. */
    private record RecordingLog(List<String> lines) implements BuildLog {
        @Override
        public void info(String line) {
            lines.add(line);
        }

        @Override
        public Progress progress(PromptSet prompts) {
            return () -> { };
        }
    }
}
