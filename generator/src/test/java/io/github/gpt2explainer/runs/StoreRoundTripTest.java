package io.github.gpt2explainer.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import io.github.gpt2explainer.forward.CaptureKind;
import io.github.gpt2explainer.forward.CaptureNames;
import io.github.gpt2explainer.forward.CapturedTensor;
import io.github.gpt2explainer.insight.DirectLogitAttribution;
import io.github.gpt2explainer.insight.Insight;
import io.github.gpt2explainer.model.Checkpoint;
import io.github.gpt2explainer.sampling.TopTokens;
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
             NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Checkpoint checkpoint = source.loadCheckpoint();
            Gpt2Model gpt2 = Gpt2Model.load(checkpoint, manager);
            PromptRun computed = new PromptRunner(gpt2, checkpoint, source.tokenizer(), source.info()).run(prompt, s -> { });
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

            // The insight too: five candidates, the occlusion of the first, value for value.
            assertThat(computed.insight().candidates()).hasSize(Insight.CANDIDATES);
            assertThat(computed.insight().attribution()).isNotNull();
            assertThat(loaded.insight()).isEqualTo(computed.insight());
            assertThat(loaded.insight().attribution().occlusion())
                    .containsExactly(computed.insight().attribution().occlusion());
            assertThat(loaded.insight().predicted().attnHeads()).isDeepEqualTo(computed.insight().predicted().attnHeads());
        }
    }

    @Test
    void theStoredAttributionOfEveryCandidateAddsUpToItsLogit() {
        Path prompts = StoreFixture.promptSet(temp.resolve("prompts"));
        EffectivePrompt prompt = StoreFixture.load(prompts).effectivePrompts().get(1);
        StoreFixture.CountingModel model = new StoreFixture.CountingModel(11);
        try (ModelSource source = model.source;
             NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Checkpoint checkpoint = source.loadCheckpoint();
            Gpt2Model gpt2 = Gpt2Model.load(checkpoint, manager);
            TraceStore store = TraceStore.open(temp.resolve("store"));
            StoreKey key = store.key(source.info(), prompt.id(), prompt.contentHash());
            try (PromptRun computed = new PromptRunner(gpt2, checkpoint, source.tokenizer(), source.info()).run(prompt, s -> { })) {
                store.write(key, computed);
            }
            try (PromptRun loaded = store.load(key)) {
                CapturedTensor logits = loaded.prefill().get(CaptureNames.of(CaptureKind.LOGITS)); // [1, V]
                int vocab = (int) logits.dim(1);
                float[] last = logits.copyRange(logits.size() - vocab, vocab);
                int[] top = TopTokens.of(last, Insight.CANDIDATES);
                assertThat(loaded.insight().candidates()).extracting(DirectLogitAttribution::target)
                        .containsExactly(java.util.Arrays.stream(top).asLongStream().boxed().toArray(Long[]::new));
                for (DirectLogitAttribution d : loaded.insight().candidates()) {
                    double sum = d.embed() + d.lnFBias();
                    for (int l = 0; l < d.layers(); l++) {
                        sum += d.attn()[l] + d.mlp()[l];
                        double heads = d.attnBias()[l];
                        for (double h : d.attnHeads()[l]) {
                            heads += h;
                        }
                        assertThat(heads).as("layer %d heads + bias of %d", l, d.target())
                                .isCloseTo(d.attn()[l], within(1e-4 * Math.max(1, Math.abs(d.attn()[l]))));
                    }
                    double logit = last[(int) d.target()];
                    assertThat(sum).as("parts of %d", d.target()).isCloseTo(logit, within(1e-4 * Math.max(1, Math.abs(logit))));
                }
                assertThat(loaded.insight().attribution().target()).isEqualTo(top[0]);
                assertThat(loaded.insight().attribution().occlusion()).hasSize(loaded.prefill().tokens().length);
            }
        }
    }

    @Test
    void attributionMaxTokensLeavesTheOcclusionOutOfLongerPromptsAndChangesTheirKey() {
        Path prompts = StoreFixture.promptSet(temp.resolve("prompts"));
        EffectivePrompt everyPrompt = StoreFixture.load(prompts).effectivePrompts().get(0);
        // "The story of alpha begins" is 5 tokens: a limit of 4 leaves it without attribution.
        io.github.gpt2explainer.prompts.PromptDirs.write(prompts, "site.yaml", String.join("\n",
                "title:", "  en: Store test", "languages: [en]", "temperatures: [0]", "max_new_tokens: 2",
                "seed: 7", "attribution_max_tokens: 4", ""));
        EffectivePrompt limited = StoreFixture.load(prompts).effectivePrompts().get(0);
        assertThat(limited.attributionMaxTokens()).isEqualTo(4);
        assertThat(limited.contentHash()).isNotEqualTo(everyPrompt.contentHash());
        StoreFixture.CountingModel model = new StoreFixture.CountingModel(4);
        try (ModelSource source = model.source;
             NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Checkpoint checkpoint = source.loadCheckpoint();
            Gpt2Model gpt2 = Gpt2Model.load(checkpoint, manager);
            TraceStore store = TraceStore.open(temp.resolve("store"));
            StoreKey key = store.key(source.info(), limited.id(), limited.contentHash());
            try (PromptRun computed = new PromptRunner(gpt2, checkpoint, source.tokenizer(), source.info()).run(limited, s -> { })) {
                assertThat(computed.prefill().tokens()).hasSize(5);
                assertThat(computed.insight().attribution()).isNull();
                assertThat(computed.insight().candidates()).hasSize(Insight.CANDIDATES);
                store.write(key, computed);
            }
            try (PromptRun loaded = store.load(key)) {
                assertThat(loaded.insight().attribution()).isNull();
                assertThat(loaded.insight().candidates()).hasSize(Insight.CANDIDATES);
            }
        }
    }
}
