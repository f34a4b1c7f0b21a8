package io.github.gpt2explainer.site;

import static io.github.gpt2explainer.site.StoredArrays.decode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.gpt2explainer.forward.CapturedTensor;
import io.github.gpt2explainer.forward.CapturedPass;
import io.github.gpt2explainer.trace.GenerationRun;
import io.github.gpt2explainer.trace.PromptRun;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PromptDataTest {

    @Test
    void mainHoldsTheTokensAndTheLastPositionsFullLogitsRoundedToF16() {
        PromptRun run = SiteFixture.run(SiteFixture.EIFFEL_ID);
        JsonNode main = new PromptData(run).main();
        long[] ids = run.prefill().tokens();
        assertThat(main.get("tokens")).hasSize(ids.length);
        for (int i = 0; i < ids.length; i++) {
            assertThat(main.get("tokens").get(i).asLong()).isEqualTo(ids[i]);
        }
        CapturedTensor logits = run.prefill().get("logits");
        int v = (int) logits.dim(1);
        float[] stored = decode(main.get("next").get("logits"));
        assertThat(stored).hasSize(v);
        for (int id = 0; id < v; id++) {
            float real = logits.at(0, id); // [1, V]: the last position
            assertThat(Math.abs(stored[id] - real)).as("token " + id).isLessThanOrEqualTo(Math.abs(real) / 2048 + 1e-7f);
        }
        // the 50 stored candidates are the 50 highest logits, highest first
        JsonNode top = main.get("next").get("topIds");
        assertThat(top).hasSize(PromptRun.TOP_NEXT_TOKENS);
        float[] last = new float[v];
        for (int id = 0; id < v; id++) {
            last[id] = logits.at(0, id);
        }
        float[] sorted = last.clone();
        java.util.Arrays.sort(sorted);
        assertThat(last[top.get(0).asInt()]).isEqualTo(sorted[v - 1]);
        assertThat(last[top.get(49).asInt()]).isEqualTo(sorted[v - 50]);
        for (int i = 1; i < 50; i++) {
            assertThat(last[top.get(i).asInt()]).isLessThanOrEqualTo(last[top.get(i - 1).asInt()]);
        }
        // every id shown anywhere has a display form
        for (JsonNode id : top) {
            assertThat(main.get("vocab").has(id.asText())).isTrue();
        }
    }

    @Test
    void attentionFilesKeepMinusInfinityAboveTheDiagonal() {
        PromptRun run = SiteFixture.run(SiteFixture.EIFFEL_ID);
        JsonNode attn = new PromptData(run).attention(1);
        float[] masked = decode(attn.get("attn.masked"));
        float[] softmax = decode(attn.get("attn.softmax"));
        int t = run.prefill().tokens().length;
        int h = run.model().config().heads();
        assertThat(attn.get("attn.masked").get("shape").toString()).isEqualTo("[" + h + "," + t + "," + t + "]");
        for (int head = 0; head < h; head++) {
            for (int q = 0; q < t; q++) {
                double rowSum = 0;
                for (int k = 0; k < t; k++) {
                    float m = masked[(head * t + q) * t + k];
                    if (k > q) {
                        assertThat(m).isEqualTo(Float.NEGATIVE_INFINITY);
                    } else {
                        assertThat(m).isEqualTo(DataCodec.roundToF16(run.prefill().get("h.1.attn.masked").at(head, q, k)));
                    }
                    rowSum += softmax[(head * t + q) * t + k];
                }
                assertThat(rowSum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(5e-3));
            }
        }
    }

    @Test
    void layerFilesHoldEveryOtherIntermediateWithItsShape() {
        PromptRun run = SiteFixture.run(SiteFixture.EIFFEL_ID);
        JsonNode layer = new PromptData(run).layer(0);
        for (var kind : PromptData.LAYER_KINDS) {
            CapturedTensor t = run.prefill().get("h.0." + kind.suffix());
            assertThat(layer.get(kind.suffix()).get("shape").toString()).as(kind.suffix())
                    .isEqualTo(java.util.Arrays.toString(t.shape()).replace(" ", ""));
            assertThat(decode(layer.get(kind.suffix()))[3]).isEqualTo(DataCodec.roundToF16(t.get(3)));
        }
    }

    @Test
    void generationsKeepTheirDrawsAndCandidates() {
        PromptRun run = SiteFixture.run(SiteFixture.EIFFEL_ID);
        JsonNode gens = new PromptData(run).main().get("generations");
        assertThat(gens).hasSize(run.generations().size());
        GenerationRun g = run.generations().get(1);
        JsonNode node = gens.get(1);
        assertThat(node.get("temperature").asDouble()).isEqualTo(g.temperature());
        assertThat(node.get("seed").asText()).isEqualTo(Long.toString(g.seed()));
        float[] draws = decode(node.get("draw"));
        for (int s = 0; s < g.steps().size(); s++) {
            assertThat(node.get("tokenIds").get(s).asInt()).isEqualTo(g.steps().get(s).tokenId());
            assertThat(draws[s]).isEqualTo((float) g.steps().get(s).draw());
            assertThat(node.get("candidateIds").get(s).get(0).asInt()).isEqualTo(g.steps().get(s).candidates().get(0).tokenId());
        }
    }

    @Test
    void aRunWithoutADisplayFormForAShownIdIsRejectedNamingIt() {
        PromptRun run = SiteFixture.run(SiteFixture.EIFFEL_ID);
        var vocabulary = new TreeMap<>(run.vocabulary());
        int missing = run.generations().get(0).steps().get(0).tokenId();
        vocabulary.remove(missing);
        PromptRun broken = new PromptRun(run.promptId(), run.contentHash(), run.model(), run.prefill(), run.generations(),
                run.lens(), vocabulary);
        assertThatThrownBy(() -> new PromptData(broken).main())
                .hasMessageContaining("token id " + missing).hasMessageContaining(SiteFixture.EIFFEL_ID);
    }

    @Test
    void aPartialCaptureIsRejectedNamingTheMissingTensor() {
        PromptRun run = SiteFixture.run(SiteFixture.EIFFEL_ID);
        Map<String, CapturedTensor> some = new TreeMap<>(run.prefill().tensors());
        some.remove("h.2.mlp.proj");
        CapturedPass partial = new CapturedPass(run.prefill().tokens(), 0, some);
        PromptRun broken = new PromptRun(run.promptId(), run.contentHash(), run.model(), partial, run.generations(),
                run.lens(), run.vocabulary());
        assertThatThrownBy(() -> new PromptData(broken).layer(2))
                .hasMessageContaining("h.2.mlp.proj").hasMessageContaining("full capture");
    }
}
