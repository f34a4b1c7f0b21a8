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
                run.lens(), vocabulary, run.insight());
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
                run.lens(), run.vocabulary(), run.insight());
        assertThatThrownBy(() -> new PromptData(broken).layer(2))
                .hasMessageContaining("h.2.mlp.proj").hasMessageContaining("full capture");
    }

    @Test
    void theInsightPartFollowsTheContract() throws Exception {
        PromptRun run = SiteFixture.run(SiteFixture.EIFFEL_ID);
        PromptData data = new PromptData(run);
        String script = PromptFiles.dataScripts(run.promptId(), data).get(SiteLayout.insightData(run.promptId()));
        String prefix = "GPT2X.receive(\"" + run.promptId() + "/insight\", ";
        assertThat(script).startsWith(prefix).endsWith(");\n");
        JsonNode insight = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(script.substring(prefix.length(), script.length() - 3));
        JsonNode main = data.main();
        int t = run.prefill().tokens().length;
        assertThat(insight.get("format").asInt()).isEqualTo(1);
        assertThat(insight.get("position").asInt()).isEqualTo(t - 1);
        assertThat(insight.get("dla").get("sigma").asDouble()).isPositive();

        CapturedTensor logits = run.prefill().get("logits"); // [1, V]
        int v = (int) logits.dim(1);
        float[] last = logits.copyRange(0, v);
        int[] top = io.github.gpt2explainer.sampling.TopTokens.of(last, 5);
        JsonNode candidates = insight.get("dla").get("candidates");
        assertThat(candidates).hasSize(5);
        int layers = run.model().config().layers();
        int heads = run.model().config().heads();
        for (int c = 0; c < 5; c++) {
            JsonNode cand = candidates.get(c);
            int id = cand.get("id").asInt();
            assertThat(id).as("candidate %d", c).isEqualTo(top[c]);
            assertThat(main.get("vocab").has(Integer.toString(id))).as("display form of %d", id).isTrue();
            assertThat(cand.get("logit").floatValue()).isEqualTo(last[id]);
            assertThat(cand.get("attn")).hasSize(layers);
            assertThat(cand.get("attnBias")).hasSize(layers);
            assertThat(cand.get("mlp")).hasSize(layers);
            assertThat(cand.get("attnHeads")).hasSize(layers);
            double sum = cand.get("embed").asDouble() + cand.get("lnfBias").asDouble();
            for (int l = 0; l < layers; l++) {
                double attn = cand.get("attn").get(l).asDouble();
                sum += attn + cand.get("mlp").get(l).asDouble();
                double split = cand.get("attnBias").get(l).asDouble();
                assertThat(cand.get("attnHeads").get(l)).hasSize(heads);
                for (JsonNode h : cand.get("attnHeads").get(l)) {
                    split += h.asDouble();
                }
                assertThat(split).as("heads + bias, layer %d", l).isCloseTo(attn, org.assertj.core.api.Assertions.within(1e-4 * Math.max(1, Math.abs(attn))));
            }
            assertThat(sum).as("parts of %d", id).isCloseTo(last[id], org.assertj.core.api.Assertions.within(1e-4 * Math.max(1, Math.abs(last[id]))));
        }

        JsonNode attribution = insight.get("attribution");
        assertThat(attribution.get("method").asText()).isEqualTo("occlusion");
        assertThat(attribution.get("neutralId").asLong()).isEqualTo(50256);
        assertThat(attribution.get("target").asInt()).isEqualTo(top[0]);
        assertThat(attribution.get("logProb").asDouble()).isNegative();
        assertThat(attribution.get("occlusion")).hasSize(t);
        assertThat(attribution.get("share")).hasSize(t);
        double total = 0;
        for (JsonNode o : attribution.get("occlusion")) {
            total += Math.abs(o.asDouble());
        }
        for (int i = 0; i < t; i++) {
            assertThat(attribution.get("share").get(i).asDouble()).as("share %d", i)
                    .isCloseTo(attribution.get("occlusion").get(i).asDouble() / total, org.assertj.core.api.Assertions.within(1e-6));
        }
    }
}
