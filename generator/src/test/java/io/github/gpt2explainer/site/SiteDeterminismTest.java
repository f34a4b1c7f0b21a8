package io.github.gpt2explainer.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SiteDeterminismTest {

    private static List<String> files(Path root) throws Exception {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    /** The same runs and templates, rendered again by a fresh renderer into another directory: every byte equal. */
    @Test
    void renderingTwiceGivesAByteIdenticalSite(@TempDir Path second) throws Exception {
        Path first = SiteFixture.site();
        try (SiteTemplates t = SiteFixture.templates()) {
            new SiteRenderer(t).render(SiteFixture.input(), second);
        }
        List<String> names = files(first);
        assertThat(files(second)).isEqualTo(names);
        assertThat(names).hasSizeGreaterThan(40);
        for (String name : names) {
            assertThat(Files.readAllBytes(second.resolve(name))).as(name).isEqualTo(Files.readAllBytes(first.resolve(name)));
        }
    }
}
