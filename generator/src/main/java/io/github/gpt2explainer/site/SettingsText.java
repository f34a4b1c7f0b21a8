package io.github.gpt2explainer.site;

import io.github.gpt2explainer.prompts.EffectivePrompt;
import io.github.gpt2explainer.prompts.SiteSettings;
import io.github.gpt2explainer.site.PageModel.Settings;
import java.math.BigDecimal;
import java.util.List;
import java.util.stream.Collectors;

/** Sampling settings as the pages show them: plain decimals, empty where a setting is off. */
final class SettingsText {

    private SettingsText() {
    }

    static Settings of(EffectivePrompt p) {
        return new Settings(numbers(p.temperatures()), p.maxNewTokens(), p.topK() == 0 ? "" : Integer.toString(p.topK()),
                p.topP() >= 1.0 ? "" : number(p.topP()), Long.toString(p.seed()));
    }

    static Settings of(SiteSettings s) {
        return new Settings(numbers(s.temperatures()), s.maxNewTokens(), s.topK() == 0 ? "" : Integer.toString(s.topK()),
                s.topP() >= 1.0 ? "" : number(s.topP()), Long.toString(s.seed()));
    }

    static String number(double d) {
        return BigDecimal.valueOf(d + 0.0).stripTrailingZeros().toPlainString();
    }

    private static String numbers(List<Double> values) {
        return values.stream().map(SettingsText::number).collect(Collectors.joining(", "));
    }
}
