package io.github.gpt2explainer.prompts;

import static io.github.gpt2explainer.prompts.PromptDirs.prompt;
import static io.github.gpt2explainer.prompts.PromptDirs.site;
import static io.github.gpt2explainer.prompts.PromptDirs.valid;
import static io.github.gpt2explainer.prompts.PromptDirs.with;
import static io.github.gpt2explainer.prompts.PromptDirs.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.gpt2explainer.sampling.Rng;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EffectivePromptTest {

    @TempDir
    Path dir;

    private EffectivePrompt load(String... frontMatter) {
        site(dir);
        prompt(dir, "p", frontMatter);
        return PromptSetLoader.load(dir).effectivePrompts().get(0);
    }

    private EffectivePrompt loadWithNotes(String notes, String... frontMatter) {
        site(dir);
        write(dir, "p.md", "---\n" + String.join("\n", frontMatter) + "\n---\n" + notes);
        return PromptSetLoader.load(dir).effectivePrompts().get(0);
    }

    @Test
    void contentHashFollowsItsDocumentedDefinition() {
        EffectivePrompt p = load(valid("p"));
        // Python: hashlib.sha256(("gpt2-explainer/prompt-content/v1\n"
        //   "model=21:openai-community/gpt2\nid=1:p\ntext=12:Hello, world\n"
        //   "temperatures=19:0.0,0.3,0.8,1.2,2.0\nmax_new_tokens=2:16\nseed=4:1234\ntop_k=1:0\ntop_p=3:1.0\n"
        //   ).encode()).hexdigest()
        assertThat(p.contentHash()).isEqualTo(
                "a79ad8d25538f67e375c433dd2122795dd627dc98cc98eafbc408fa69b55b221");
    }

    @Test
    void explicitValuesEqualToTheDefaultsHashLikeTheDefaults() {
        String inherited = load(valid("p")).contentHash();
        String explicit = load(with(valid("p"), "temperatures: [2, 1.2, 0.3, 0.8, 0.0]", "seed: 1234",
                "max_new_tokens: 16", "top_p: 1")).contentHash();
        assertThat(explicit).isEqualTo(inherited);
    }

    @Test
    void anythingTheModelSeesChangesTheContentHashButNotTheRenderHash() {
        EffectivePrompt base = load(valid("p"));
        for (String[] changed : new String[][] {
                with(valid("p"), "temperatures: [0, 0.8]"),
                with(valid("p"), "seed: 1235"),
                with(valid("p"), "max_new_tokens: 15"),
                with(valid("p"), "top_k: 50"),
                with(valid("p"), "top_p: 0.95"),
                {"id: p", "text: \"Hello, world \"", "title:", "  en: Hello", "  zh: 你好"}}) {
            EffectivePrompt other = load(changed);
            assertThat(other.contentHash()).as(String.join(" / ", changed)).isNotEqualTo(base.contentHash());
            assertThat(other.renderHash()).as(String.join(" / ", changed)).isEqualTo(base.renderHash());
        }
    }

    @Test
    void titlesNotesTagsAndLanguageChangeOnlyTheRenderHash() {
        EffectivePrompt base = load(valid("p"));
        EffectivePrompt retitled = load("id: p", "text: \"Hello, world\"", "title:", "  en: Hi", "  zh: 你好");
        EffectivePrompt tagged = load(with(valid("p"), "tags: [new]"));
        EffectivePrompt chinese = load(with(valid("p"), "language: zh"));
        EffectivePrompt renoted = loadWithNotes("<!-- lang: en -->\nA different note.\n<!-- lang: zh -->\n另一段说明。\n",
                valid("p"));
        for (EffectivePrompt other : new EffectivePrompt[] {retitled, tagged, chinese, renoted}) {
            assertThat(other.contentHash()).isEqualTo(base.contentHash());
            assertThat(other.renderHash()).isNotEqualTo(base.renderHash());
        }
    }

    @Test
    void runSeedsAreDerivedFromSeedIdAndTemperature() {
        EffectivePrompt p = load(valid("p"));
        assertThat(p.runSeed(0.8)).isEqualTo(Rng.derive(1234, "p", "0.8"));
        assertThat(p.runSeed(0)).isEqualTo(Rng.derive(1234, "p", "0.0"));
        assertThat(p.runSeed(0.8)).isNotEqualTo(p.runSeed(1.2));
        assertThat(p.runSeed(-0.0)).isEqualTo(p.runSeed(0.0));
    }
}
