package io.github.gpt2explainer.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.gpt2explainer.prompts.PromptSetLoader;
import io.github.gpt2explainer.prompts.PromptSpec;
import io.github.gpt2explainer.prompts.SiteSettings;
import io.github.gpt2explainer.prompts.PromptSet;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A live request: its id, its shareable query, and the prompt file it becomes, read back by the prompt reader. */
class LiveRequestTest {

    @TempDir
    Path dir;

    private SiteSettings settings() throws Exception {
        Files.writeString(dir.resolve("site.yaml"), String.join("\n", "title: {en: T, zh: 题}", "languages: [en, zh]",
                "temperatures: [0, 0.8]", "max_new_tokens: 8", "seed: 3", ""));
        Files.writeString(dir.resolve("a.md"), String.join("\n", "---", "id: a", "text: \"x\"", "title: {en: A, zh: 甲}",
                "---", "<!-- lang: en -->", "n", "<!-- lang: zh -->", "n", ""));
        PromptSet set = PromptSetLoader.load(dir);
        return set.settings();
    }

    @Test
    void theIdComesFromTheFirstWordsOrTheHashOfTheText() {
        assertThat(LiveRequest.idFor("The Eiffel Tower is in")).isEqualTo("the-eiffel-tower-is-in");
        assertThat(LiveRequest.idFor("One two three four five six seven")).isEqualTo("one-two-three-four-five-six");
        assertThat(LiveRequest.idFor("巴黎是法国的首都")).matches("prompt-[0-9a-f]{8}").isEqualTo(LiveRequest.idFor("巴黎是法国的首都"));
        assertThat(LiveRequest.idFor("巴黎是法国的首都")).isNotEqualTo(LiveRequest.idFor("东京是日本的首都"));
    }

    @Test
    void aHostileTextBecomesAPromptFileThatReadsBackExactly() throws Exception {
        String text = "\" ]\ntemperatures: [9]\n---\n<!-- lang: en --> </script>\\n ' é 😀";
        LiveRequest request = LiveRequest.fromForm(java.util.Map.of("prompt", text, "temperatures", "0.80, 0",
                "top_k", "5", "id", "kept"));
        String file = request.promptFile(settings());
        PromptSpec spec = PromptSetLoader.parsePrompt(file, dir.resolve("kept.md"), settings());
        assertThat(spec.text()).isEqualTo(text);
        assertThat(spec.temperatures()).containsExactly(0.8, 0.0);
        assertThat(spec.topK()).isEqualTo(5);
        assertThat(spec.title("zh")).isNotBlank();
        assertThat(spec.note("en")).isNotBlank();
        // the query gives the same request back
        LiveRequest again = LiveRequest.fromForm(LiveRequest.decodeForm(request.query()));
        assertThat(again).isEqualTo(request);
    }

    @Test
    void numbersAreCheckedBeforeTheyReachTheFile() {
        assertThatThrownBy(() -> LiveRequest.fromForm(java.util.Map.of("prompt", "x", "top_p", "0.5\nseed: 1")))
                .isInstanceOf(LiveInputException.class).hasMessageContaining("top_p");
        assertThatThrownBy(() -> LiveRequest.fromForm(java.util.Map.of("prompt", "x", "id", "../etc")))
                .isInstanceOf(LiveInputException.class).hasMessageContaining("id");
        assertThatThrownBy(() -> LiveRequest.fromForm(java.util.Map.of("prompt", "")))
                .isInstanceOf(LiveInputException.class).hasMessageContaining("empty");
        assertThat(LiveRequest.fromForm(java.util.Map.of("prompt", "x", "temperatures", " ")).temperatures()).isNull();
    }

    @Test
    void oneComputesTwoWaitAndTheNextIsToldTheModelIsBusy() throws Exception {
        LiveGate gate = new LiveGate(2);
        LiveGate.Ticket first = gate.enter();
        first.awaitTurn();
        LiveGate.Ticket second = gate.enter();
        LiveGate.Ticket third = gate.enter();
        assertThatThrownBy(gate::enter).isInstanceOf(LiveGate.Busy.class).hasMessageContaining("busy");
        first.close();
        second.awaitTurn(); // the turn passes on
        LiveGate.Ticket fourth = gate.enter(); // a place freed in the line
        second.close();
        third.close();
        fourth.close();
    }
}
