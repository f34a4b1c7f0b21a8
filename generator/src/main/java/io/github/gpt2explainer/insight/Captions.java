package io.github.gpt2explainer.insight;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongFunction;

/**
 * A few sentences, in English or Simplified Chinese, stating what a prompt's data shows: every number
 * comes from {@link CaptionFacts}, none is written by hand. Layers and heads are numbered from 0, as
 * everywhere on the site ({@code 5.1} is layer 5, head 1). Percentages have no decimals from 10% up, one
 * from 1% up and two significant digits below; contributions to the logit have one decimal and a sign; attention weights two decimals.
 */
public final class Captions {

    /** The languages with sentences. */
    public static final List<String> LANGUAGES = List.of("en", "zh");

    private Captions() {
    }

    /**
     * The sentences for {@code facts} in {@code language}.
     *
     * @param tokenText a token id's text as the page shows it (e.g. {@code TokenPiece.display})
     * @param prompt    the prompt's token ids, to name the tokens of the attention focus
     */
    public static List<String> sentences(CaptionFacts facts, String language, LongFunction<String> tokenText,
                                         long[] prompt) {
        boolean en = isEnglish(language);
        String predicted = quote(tokenText.apply(facts.predicted()), en);
        String runnerUp = quote(tokenText.apply(facts.runnerUp()), en);
        String p1 = percent(facts.probability());
        String p2 = percent(facts.runnerUpProbability());
        String margin = percent(facts.probability() - facts.runnerUpProbability());
        List<String> out = new ArrayList<>();
        out.add(en ? "At temperature 0 the model picks " + predicted + " (" + p1 + "%), " + margin
                        + " points ahead of " + runnerUp + " (" + p2 + "%)."
                : "温度为 0 时，模型选择" + predicted + "（" + p1 + "%），比" + runnerUp + "（" + p2 + "%）高 " + margin
                        + " 个百分点。");
        if (facts.lensEntryLayer() >= 0) {
            int layer = facts.lensEntryLayer();
            out.add(en ? predicted + " first enters the logit lens's top 5 after layer " + layer + "."
                    : predicted + "在第 " + layer + " 层之后首次进入逻辑透镜的前 5 名。");
        }
        String push = signed(facts.pushValue());
        out.add(en ? "The largest single push toward it comes from " + part(facts.push(), true) + " (" + push + ")."
                : "对它推动最大的单个部分是" + part(facts.push(), false) + "（" + push + "）。");
        CaptionFacts.Focus focus = facts.focus();
        if (focus != null) {
            String from = quote(tokenText.apply(prompt[focus.query()]), en);
            String to = quote(tokenText.apply(prompt[focus.key()]), en);
            String head = focus.layer() + "." + focus.head();
            String weight = String.format(Locale.ROOT, "%.2f", focus.weight());
            out.add(en ? "Head " + head + " attends from " + from + " to " + to + " (" + weight + ")."
                    : "注意力头 " + head + " 从" + from + "关注" + to + "（" + weight + "）。");
        }
        return out;
    }

    /**
     * The sentence on input attribution: the prompt token whose occlusion moves the prediction's
     * log-probability most (largest absolute value, first on ties), or none when every occlusion is 0 or
     * there is no attribution. Log-probabilities have two decimals.
     *
     * @param neutralText the neutral token's text as the page shows it ({@code <|endoftext|>})
     */
    public static java.util.Optional<String> attribution(InputAttribution attribution, String language,
                                                         LongFunction<String> tokenText, long[] prompt,
                                                         String neutralText) {
        boolean en = isEnglish(language);
        if (attribution == null) {
            return java.util.Optional.empty();
        }
        double[] occlusion = attribution.occlusion();
        int most = -1;
        for (int i = 0; i < occlusion.length; i++) {
            if (occlusion[i] != 0 && (most < 0 || Math.abs(occlusion[i]) > Math.abs(occlusion[most]))) {
                most = i;
            }
        }
        if (most < 0) {
            return java.util.Optional.empty();
        }
        String token = quote(tokenText.apply(prompt[most]), en);
        String target = quote(tokenText.apply(attribution.target()), en);
        String amount = String.format(Locale.ROOT, "%.2f", Math.abs(occlusion[most]));
        boolean lowers = occlusion[most] > 0;
        return java.util.Optional.of(en
                ? "Of the prompt's tokens, " + token + " (position " + most + ") matters most: replacing it with "
                        + neutralText + (lowers ? " lowers" : " raises") + " the log-probability of " + target
                        + " by " + amount + "."
                : "提示的词元中，" + token + "（位置 " + most + "）影响最大：把它换成 " + neutralText + " 会使" + target
                        + "的对数概率" + (lowers ? "降低 " : "升高 ") + amount + "。");
    }

    private static boolean isEnglish(String language) {
        return switch (language) {
            case "en" -> true;
            case "zh" -> false;
            default -> throw new IllegalArgumentException("captions exist in " + LANGUAGES + ", not in " + language);
        };
    }

    private static String part(CaptionFacts.Part part, boolean en) {
        int l = part.layer();
        return switch (part.kind()) {
            case EMBEDDING -> en ? "the embedding" : "嵌入";
            case ATTENTION -> en ? "layer " + l + "'s attention" : "第 " + l + " 层的注意力";
            case MLP -> en ? "layer " + l + "'s MLP" : "第 " + l + " 层的 MLP";
            case FINAL_NORM_BIAS -> en ? "the final layer norm's bias" : "最终层归一化的偏置";
        };
    }

    private static String quote(String token, boolean en) {
        return en ? "'" + token + "'" : "“" + token + "”";
    }

    /**
     * A probability (or a difference of two) as percent: no decimals from 10 up, one from 1 up, two significant
     * digits below 1 (an untrained model's 0.0021% must not read as 0.0%).
     */
    static String percent(double probability) {
        double p = probability * 100;
        if (Math.abs(p) >= 1 || p == 0) {
            return String.format(Locale.ROOT, Math.abs(p) >= 10 ? "%.0f" : "%.1f", p);
        }
        return new java.math.BigDecimal(p).round(new java.math.MathContext(2)).stripTrailingZeros().toPlainString();
    }

    private static String signed(double value) {
        return String.format(Locale.ROOT, "%+.1f", value);
    }
}
