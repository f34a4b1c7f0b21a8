package io.github.gpt2explainer.runs;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.github.gpt2explainer.forward.CapturedTensor;
import io.github.gpt2explainer.forward.Gpt2Model;
import io.github.gpt2explainer.model.ModelSource;
import io.github.gpt2explainer.prompts.EffectivePrompt;
import io.github.gpt2explainer.trace.PromptRun;
import io.github.gpt2explainer.trace.StoreKey;
import io.github.gpt2explainer.trace.TraceStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the store gives back is exactly what was computed: every tensor value, step, candidate and token piece. */
class StoreRoundTripTest {

    @TempDir
    Path temp;

    @Test
    void aPromptRunReadsBackExactly() {
        Path prompts = StoreFixture.promptSet(temp.resolve("prompts"));
        EffectivePrompt prompt = StoreFixture.load(prompts).effectivePrompts().get(0);
        StoreFixture.CountingModel model = new StoreFixture.CountingModel(4);
        try (ModelSource source = model.source;
             NDManager manager = NDManager.newBaseManager("PyTorch");
             Gpt2Model gpt2 = Gpt2Model.load(source.loadCheckpoint(), manager)) {
            PromptRun computed = new PromptRunner(gpt2, source.tokenizer(), source.info()).run(prompt, s -> { });
            TraceStore store = TraceStore.open(temp.resolve("store"));
            StoreKey key = store.key(source.info(), prompt.id(), prompt.contentHash());
            store.write(key, computed);
            PromptRun loaded = store.load(key);

            assertThat(loaded.promptId()).isEqualTo(computed.promptId());
            assertThat(loaded.contentHash()).isEqualTo(prompt.contentHash());
            assertThat(loaded.model()).isEqualTo(computed.model());
            assertThat(loaded.generations()).isEqualTo(computed.generations());
            assertThat(loaded.vocabulary()).isEqualTo(computed.vocabulary());
            assertThat(loaded.lens().ids()).isDeepEqualTo(computed.lens().ids());
            assertThat(loaded.lens().probs()).isDeepEqualTo(computed.lens().probs());
            assertThat(loaded.prefill().tokens()).containsExactly(computed.prefill().tokens());
            assertThat(loaded.prefill().names()).containsExactlyElementsOf(computed.prefill().names());
            for (String name : computed.prefill().names()) {
                CapturedTensor expected = computed.prefill().get(name);
                CapturedTensor actual = loaded.prefill().get(name);
                assertThat(actual.shape()).as(name).containsExactly(expected.shape());
                assertThat(actual.toArray()).as(name).containsExactly(expected.toArray()); // -Infinity included
            }
            // The vocabulary holds the final position's top 50 and every token the runs mention.
            assertThat(computed.vocabulary().size()).isGreaterThanOrEqualTo(PromptRun.TOP_NEXT_TOKENS);
        }
    }
}
