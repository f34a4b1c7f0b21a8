package io.github.gpt2explainer.insight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.gpt2explainer.trace.LogitLens;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Captions from a fixed, hand-made trace: the sentences in both languages quote exactly the numbers the
 * test computes from the same data, and no other number.
 */
class CaptionsTest {

    private static final String[] VOCAB = {" the", " Paris", " a", " London", "!", " of"};
    private static final float[] LAST_LOGITS = {1.0f, 3.2f, 0.5f, 2.1f, -1.0f, 0.0f};
    private static final long[] PROMPT = {0, 3, 5, 2};

    /** Three layers, four positions; the prediction (id 1) is in the last position's top 5 from layer 1 on. */
    private static final LogitLens LENS = new LogitLens(new int[][][] {
        {{0, 1, 2, 3, 4}, {0, 1, 2, 3, 4}, {0, 1, 2, 3, 4}, {0, 2, 3, 4, 5}},
        {{1, 0, 2, 3, 4}, {1, 0, 2, 3, 4}, {1, 0, 2, 3, 4}, {3, 1, 0, 2, 4}},
        {{1, 0, 2, 3, 4}, {1, 0, 2, 3, 4}, {1, 0, 2, 3, 4}, {1, 3, 0, 2, 5}}},
            new float[3][4][5]);

    /** The largest part is layer 1's MLP, +1.4. */
    private static final DirectLogitAttribution DLA = new DirectLogitAttribution(1, 0.3,
            new double[] {0.5, -0.2, 1.1}, new double[][] {{0.2, 0.3}, {-0.1, -0.1}, {0.6, 0.5}},
            new double[] {0.0, 0.0, 0.0}, new double[] {0.2, 1.4, 0.1}, 0.05, 1.0);

    /**
     * 0.1 everywhere, except: 0.74 for head 2.1 from position 3 to 1 (the focus), and larger weights that
     * captions must skip: 0.9 on the first token, 0.95 on the query itself.
     */
    private static double attention(int layer, int head, int query, int key) {
        if (layer == 2 && head == 1 && query == 3 && key == 1) {
            return 0.74;
        }
        if (key == 0 && layer == 0) {
            return 0.9;
        }
        if (key == query && layer == 1) {
            return 0.95;
        }
        return 0.1;
    }

    private static CaptionFacts facts() {
        return CaptionFacts.of(LAST_LOGITS, LENS, DLA, 2, PROMPT.length, CaptionsTest::attention);
    }

    @Test
    void factsAreTheNumbersOfTheData() {
        CaptionFacts facts = facts();
        double sum = 0;
        for (float logit : LAST_LOGITS) {
            sum += Math.exp(logit);
        }

        assertThat(facts.predicted()).isEqualTo(1);
        assertThat(facts.runnerUp()).isEqualTo(3);
        assertThat(facts.probability()).isCloseTo(Math.exp(3.2f) / sum, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(facts.runnerUpProbability()).isCloseTo(Math.exp(2.1f) / sum, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(facts.lensEntryLayer()).isEqualTo(1);
        assertThat(facts.push()).isEqualTo(new CaptionFacts.Part(CaptionFacts.Part.Kind.MLP, 1));
        assertThat(facts.pushValue()).isEqualTo(1.4);
        assertThat(facts.focus()).isEqualTo(new CaptionFacts.Focus(2, 1, 3, 1, 0.74));
    }

    @Test
    void englishSentencesQuoteTheComputedNumbers() {
        double sum = 0;
        for (float logit : LAST_LOGITS) {
            sum += Math.exp(logit);
        }
        String p1 = percent(Math.exp(3.2f) / sum);
        String p2 = percent(Math.exp(2.1f) / sum);
        String margin = percent((Math.exp(3.2f) - Math.exp(2.1f)) / sum);

        List<String> sentences = Captions.sentences(facts(), "en", id -> VOCAB[(int) id], PROMPT);

        assertThat(sentences).containsExactly(
                "At temperature 0 the model picks ' Paris' (" + p1 + "%), " + margin + " points ahead of ' London' ("
                        + p2 + "%).",
                "' Paris' first enters the logit lens's top 5 after layer 1.",
                "The largest single push toward it comes from layer 1's MLP (+1.4).",
                "Head 2.1 attends from ' a' to ' London' (0.74).");
        assertOnlyNumbers(sentences, p1, p2, margin, "0", "5", "1", "+1.4", "2.1", "0.74");
    }

    @Test
    void chineseSentencesQuoteTheSameNumbers() {
        CaptionFacts facts = facts();
        String p1 = percent(facts.probability());
        String p2 = percent(facts.runnerUpProbability());
        String margin = percent(facts.probability() - facts.runnerUpProbability());

        List<String> sentences = Captions.sentences(facts, "zh", id -> VOCAB[(int) id], PROMPT);

        assertThat(sentences).containsExactly(
                "温度为 0 时，模型选择“ Paris”（" + p1 + "%），比“ London”（" + p2 + "%）高 " + margin + " 个百分点。",
                "“ Paris”在第 1 层之后首次进入逻辑透镜的前 5 名。",
                "对它推动最大的单个部分是第 1 层的 MLP（+1.4）。",
                "注意力头 2.1 从“ a”关注“ London”（0.74）。");
        assertOnlyNumbers(sentences, p1, p2, margin, "0", "5", "1", "+1.4", "2.1", "0.74");
    }

    @Test
    void withoutALensOrEnoughTokensThoseSentencesAreLeftOut() {
        CaptionFacts facts = CaptionFacts.of(LAST_LOGITS, null, DLA, 2, 2, CaptionsTest::attention);

        List<String> sentences = Captions.sentences(facts, "en", id -> VOCAB[(int) id], new long[] {0, 3});

        assertThat(sentences).hasSize(2);
        assertThat(sentences.get(1)).isEqualTo("The largest single push toward it comes from layer 1's MLP (+1.4).");
        assertThatThrownBy(() -> Captions.sentences(facts, "fr", id -> "", PROMPT)).hasMessageContaining("fr");
        DirectLogitAttribution otherToken = new DirectLogitAttribution(3, 0, new double[3], new double[3][2],
                new double[3], new double[3], 0, 1);
        assertThatThrownBy(() -> CaptionFacts.of(LAST_LOGITS, LENS, otherToken, 2, 4, CaptionsTest::attention))
                .hasMessageContaining("token 3").hasMessageContaining("prediction is 1");
    }

    @Test
    void smallPercentagesKeepADecimalAndTinyOnesTwoSignificantDigits() {
        assertThat(Captions.percent(0.8137)).isEqualTo("81");
        assertThat(Captions.percent(0.0734)).isEqualTo("7.3");
        assertThat(Captions.percent(0.0004)).isEqualTo("0.04");
        // an untrained model's prediction: not "0.0"
        assertThat(Captions.percent(0.0000213)).isEqualTo("0.0021");
        assertThat(Captions.percent(0.00001999)).isEqualTo("0.002");
        assertThat(Captions.percent(0)).isEqualTo("0.0");
    }

    /** Every number in the sentences is one of {@code allowed}: none is invented. */
    private static void assertOnlyNumbers(List<String> sentences, String... allowed) {
        List<String> found = new ArrayList<>();
        Matcher m = Pattern.compile("[+-]?\\d+(\\.\\d+)?").matcher(String.join(" ", sentences));
        while (m.find()) {
            found.add(m.group());
        }
        assertThat(found).isNotEmpty().isSubsetOf(allowed);
    }

    private static String percent(double p) {
        return String.format(Locale.ROOT, p * 100 >= 10 ? "%.0f" : "%.1f", p * 100);
    }
}
