package io.github.gpt2explainer.prompts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The prompt set shipped in the repository's {@code prompts/} directory. */
class CuratedPromptSetTest {

    private static final java.util.regex.Pattern CJK = java.util.regex.Pattern.compile("\\p{IsHan}");

    static Path repositoryPrompts() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isRegularFile(dir.resolve("prompts").resolve(PromptSetLoader.SITE_FILE))) {
                return dir.resolve("prompts");
            }
            dir = dir.getParent();
        }
        throw new AssertionError("no prompts/site.yaml above " + Path.of("").toAbsolutePath());
    }

    private final PromptSet set = PromptSetLoader.load(repositoryPrompts()); // throws with every problem

    @Test
    void siteSettingsSpanNearGreedyToVeryRandom() {
        SiteSettings s = set.settings();
        assertThat(s.model()).isEqualTo("openai-community/gpt2");
        assertThat(s.languages()).containsExactly("en", "zh");
        assertThat(s.temperatures()).hasSizeGreaterThanOrEqualTo(5).contains(0.0, 0.8);
        assertThat(s.temperatures().get(s.temperatures().size() - 1)).isGreaterThanOrEqualTo(1.5);
        assertThat(s.title().get("en")).isNotBlank();
        assertThat(s.title().get("zh")).containsPattern(CJK);
        assertThat(s.maxNewTokens()).isBetween(1, PromptSetLoader.MAX_NEW_TOKENS);
    }

    @Test
    void atLeastSixteenPromptsEachWithEnglishAndChineseTitleAndNote() {
        assertThat(set.prompts()).hasSizeGreaterThanOrEqualTo(16);
        Set<String> ids = new HashSet<>(set.ids());
        assertThat(ids).hasSameSizeAs(set.prompts());
        for (PromptSpec p : set.prompts()) {
            assertThat(p.title("en")).as("%s en title", p.id()).isNotBlank().doesNotContainPattern(CJK);
            assertThat(p.title("zh")).as("%s zh title", p.id()).containsPattern(CJK);
            assertThat(p.note("en")).as("%s en note", p.id()).isNotBlank();
            assertThat(p.note("zh")).as("%s zh note", p.id()).containsPattern(CJK);
            assertThat(p.text()).as("%s text", p.id()).isNotBlank();
            // Short prompts keep pages small: GPT-2 needs at most one token per UTF-8 byte.
            assertThat(p.text().getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
                    .as("%s text bytes", p.id()).isLessThanOrEqualTo(64);
        }
    }

    @Test
    void contentHashesAreDistinctExceptForIdenticalRuns() {
        Set<String> hashes = new HashSet<>();
        for (EffectivePrompt p : set.effectivePrompts()) {
            assertThat(hashes.add(p.contentHash())).as("content hash of %s", p.id()).isTrue();
        }
    }

    @Test
    void theSafetyTestPromptIsNotPartOfTheCuratedSet() {
        for (PromptSpec p : set.prompts()) {
            assertThat(p.text()).as(p.id()).doesNotContain("<script").doesNotContain("javascript:");
        }
    }
}
