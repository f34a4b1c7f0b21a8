package io.github.gpt2explainer.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SiteTemplatesTest {

    @Test
    void theBundledCopyMatchesTheRepositoryTemplates() {
        try (SiteTemplates bundled = SiteTemplates.bundled(); SiteTemplates repo = SiteFixture.templates()) {
            assertThat(bundled.assetFiles()).isEqualTo(repo.assetFiles()).contains("assets/js/core.js");
            for (String asset : repo.assetFiles()) {
                assertThat(bundled.read(asset)).as(asset).isEqualTo(repo.read(asset));
            }
        }
    }

    @Test
    void aDirectoryWithoutPagesIsRejectedWithWhatIsMissing(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("assets"));
        assertThatThrownBy(() -> SiteTemplates.directory(dir))
                .isInstanceOf(SiteRenderException.class)
                .hasMessageContaining(dir.toString()).hasMessageContaining("no pages/ directory");
    }

    /** A user's own templates directory is used for pages, assets and strings. */
    @Test
    void ownTemplatesOverrideTheDefaults(@TempDir Path dir) throws Exception {
        SiteFixture.copyTemplates(dir, true);
        Path about = dir.resolve("pages/about.ftlh");
        Files.writeString(about, Files.readString(about).replace("<h1>", "<h1 class=\"custom-marker\">"));
        Files.writeString(dir.resolve("assets/js/extra.js"), "/* mine */\n");
        Path out = dir.resolve("out");
        try (SiteTemplates t = SiteTemplates.directory(dir)) {
            new SiteRenderer(t).render(SiteFixture.input(), out);
        }
        assertThat(Files.readString(out.resolve("about.html"))).contains("<h1 class=\"custom-marker\">");
        assertThat(out.resolve("assets/js/extra.js")).hasContent("/* mine */");
    }

    @Test
    void aBrokenTemplateIsReportedWithItsFile(@TempDir Path dir) throws Exception {
        SiteFixture.copyTemplates(dir, true);
        Files.writeString(dir.resolve("pages/about.ftlh"), "<#import \"layout.ftlh\" as layout>${noSuchVariable}");
        try (SiteTemplates t = SiteTemplates.directory(dir)) {
            assertThatThrownBy(() -> new SiteRenderer(t).render(SiteFixture.input(), dir.resolve("out")))
                    .isInstanceOf(SiteRenderException.class)
                    .hasMessageContaining("about.ftlh").hasMessageContaining("noSuchVariable");
        }
    }
}
