package io.github.gpt2explainer.build;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which {@code --out} directories would overlap the working directory or an input. */
class OutputPlacementTest {

    @TempDir
    Path tmp;

    Path cwd;
    Path prompts;
    Path templates;
    Path store;

    @BeforeEach
    void setUp() throws IOException {
        cwd = Files.createDirectories(tmp.resolve("project"));
        prompts = Files.createDirectories(cwd.resolve("prompts"));
        templates = Files.createDirectories(tmp.resolve("shared/templates"));
        store = cwd.resolve(".trace-store"); // not created yet: still compared
    }

    private void check(Path out) {
        OutputPlacement.check(out, cwd, prompts, templates, store);
    }

    @Test
    void ordinaryOutputsAreAccepted() {
        assertThatCode(() -> check(cwd.resolve("site-out"))).doesNotThrowAnyException();
        assertThatCode(() -> check(tmp.resolve("elsewhere/site"))).doesNotThrowAnyException();
        assertThatCode(() -> check(cwd.resolve("prompts-site"))).as("a shared name prefix is not an overlap")
                .doesNotThrowAnyException();
    }

    @Test
    void theWorkingDirectoryAndItsParentsAreRefused() {
        assertThatThrownBy(() -> check(cwd)).isInstanceOf(BuildInputException.class)
                .hasMessageStartingWith("--out " + cwd + " is the working directory");
        assertThatThrownBy(() -> check(cwd.resolve("sub/.."))).hasMessageContaining("is the working directory");
        assertThatThrownBy(() -> check(tmp)).hasMessageStartingWith("--out " + tmp + " contains the working directory");
    }

    @Test
    void everyInputIsProtected() {
        assertThatThrownBy(() -> check(prompts)).isInstanceOf(BuildInputException.class)
                .hasMessageContaining("is the prompts directory").hasMessageContaining("(--prompts)");
        assertThatThrownBy(() -> check(templates.getParent())).hasMessageContaining("contains the templates directory");
        assertThatThrownBy(() -> check(templates.resolve("site"))).hasMessageContaining("is inside the templates directory");
        assertThatThrownBy(() -> check(store)).hasMessageContaining("is the trace store directory");
        assertThatThrownBy(() -> check(store.resolve("x"))).hasMessageContaining("is inside the trace store directory");
    }

    @Test
    void aSymbolicLinkDoesNotHideAnOverlap() throws IOException {
        Path link = Files.createSymbolicLink(tmp.resolve("link-to-prompts"), prompts);

        assertThatThrownBy(() -> check(link)).hasMessageContaining("is the prompts directory " + prompts.toRealPath());
    }

    @Test
    void bundledTemplatesAreNotADirectoryToProtect() {
        assertThatCode(() -> OutputPlacement.check(tmp.resolve("out"), prompts, TemplateSource.bundled(), store))
                .doesNotThrowAnyException();
    }
}
