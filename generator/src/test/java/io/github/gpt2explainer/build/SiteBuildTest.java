package io.github.gpt2explainer.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.gpt2explainer.hub.ResolvedModel;
import io.github.gpt2explainer.model.ModelSource;
import io.github.gpt2explainer.output.SafeOutput;
import io.github.gpt2explainer.prompts.PromptSet;
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
        BuildRequest request = new BuildRequest(prompts, templates, tmp.resolve("store"), "demo", false);
        ModelLocator demo = spec -> {
            located.incrementAndGet();
            return new LazyModel(ResolvedModel.demo(spec), () -> {
                identified.incrementAndGet();
                return ModelSource.demo();
            });
        };
        SitePipeline writeIndex = FakePipeline.rendering((context, dir) -> {
            pipelineRuns.incrementAndGet();
            Files.writeString(dir.resolve("index.html"), context.prompts().effectivePrompts().get(0).text());
        });
        return new SiteBuild(request, demo, new RecordingLog(lines), writeIndex);
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
