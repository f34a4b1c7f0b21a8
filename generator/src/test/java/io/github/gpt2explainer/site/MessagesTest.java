package io.github.gpt2explainer.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MessagesTest {

    private static final Path TEMPLATES = SiteFixture.repositoryRoot().resolve("templates");

    @Test
    void englishAndChineseDefineTheSameKeysAndDiffer() {
        Messages m = Messages.load(TEMPLATES.resolve("i18n"), List.of("en", "zh"));
        assertThat(m.strings("zh").keySet()).isEqualTo(m.strings("en").keySet());
        assertThat(m.strings("zh").get("section.attention")).isEqualTo("注意力");
        assertThat(m.strings("en").get("section.attention")).isEqualTo("Attention");
    }

    /** Every key a template or script asks for exists, so no page shows a raw key. */
    @Test
    void everyKeyUsedByTemplatesAndScriptsIsDefined() throws Exception {
        Messages m = Messages.load(TEMPLATES.resolve("i18n"), List.of("en", "zh"));
        Pattern ftl = Pattern.compile("p\\.t\\[\"([a-zA-Z.]+)\"\\]");
        Pattern js = Pattern.compile("GPT2X\\.t\\('([a-zA-Z.]+)'");
        int found = 0;
        try (Stream<Path> files = Files.walk(TEMPLATES)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".ftlh") || p.toString().endsWith(".js")).toList()) {
                String text = Files.readString(f, StandardCharsets.UTF_8);
                for (Pattern p : List.of(ftl, js)) {
                    Matcher matcher = p.matcher(text);
                    while (matcher.find()) {
                        found++;
                        String key = matcher.group(1);
                        if (key.endsWith(".")) { // a prefix completed in code, e.g. 'attention.stage.' + stage
                            assertThat(m.strings("en").keySet()).as(f + " uses " + key + "...")
                                    .anySatisfy(k -> assertThat(k).startsWith(key));
                        } else {
                            assertThat(m.strings("en")).as(f + " uses " + key).containsKey(key);
                        }
                    }
                }
            }
        }
        assertThat(found).isGreaterThan(50);
    }

    @Test
    void aMissingKeyIsReportedWithFileAndKey(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("en.properties"), "a = A\nb = B\n");
        Files.writeString(dir.resolve("zh.properties"), "a = 甲\nc = 丙\n");
        assertThatThrownBy(() -> Messages.load(dir, List.of("en", "zh")))
                .isInstanceOf(SiteRenderException.class)
                .hasMessageContaining("zh.properties").hasMessageContaining("missing b")
                .hasMessageContaining("not in en.properties: c");
    }

    @Test
    void aMissingFileIsReported(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("en.properties"), "a = A\n");
        assertThatThrownBy(() -> Messages.load(dir, List.of("en", "fr")))
                .isInstanceOf(SiteRenderException.class).hasMessageContaining("fr.properties: missing");
    }

    @Test
    void theBrowserGetsTheSameStringsAsAsciiSafeScript() {
        Messages m = Messages.load(TEMPLATES.resolve("i18n"), List.of("en", "zh"));
        String script = m.script("zh");
        assertThat(script).startsWith("GPT2X.receiveStrings(\"zh\", {").contains("\\u6CE8\\u610F\\u529B");
        assertThat(script.chars().allMatch(c -> c < 128)).isTrue();
    }
}
