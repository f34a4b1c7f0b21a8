package io.github.gpt2explainer.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JlamaResultTest {

    private static final String LINE = "{\"engine\":\"jlama 0.8.4\",\"java\":\"25.0.3\",\"threads\":2,\"tokens\":16,"
            + "\"load_ms\":2800.3,\"forward_ms\":[363.9,407.6,390.0],\"top_ids\":[43778,4173],"
            + "\"top_probs\":[0.000173,0.000143]}";

    @Test
    void parsesTheChildsJsonLine() {
        JlamaResult r = JlamaResult.parse(LINE);
        assertThat(r.engine()).isEqualTo("jlama 0.8.4");
        assertThat(r.threads()).isEqualTo(2);
        assertThat(r.tokens()).isEqualTo(16);
        assertThat(r.forwardMs().median()).isEqualTo(390.0);
        assertThat(r.topIds()).containsExactly(43778, 4173);
        assertThat(r.topProbs()).containsExactly(0.000173, 0.000143);
    }

    @Test
    void namesWhatIsWrongWithBadOutput() {
        assertThatThrownBy(() -> JlamaResult.parse("Exception in thread main"))
                .hasMessageContaining("not JSON").hasMessageContaining("Exception in thread main");
        assertThatThrownBy(() -> JlamaResult.parse(LINE.replace("\"load_ms\":2800.3,", "")))
                .hasMessageContaining("no field 'load_ms'");
        assertThatThrownBy(() -> JlamaResult.parse(LINE.replace("[363.9,407.6,390.0]", "[]")))
                .hasMessageContaining("empty forward_ms");
        assertThatThrownBy(() -> JlamaResult.parse(LINE.replace("[43778,4173]", "[43778]")))
                .hasMessageContaining("1 top_ids but 2 top_probs");
        assertThatThrownBy(() -> JlamaResult.parse(LINE.replace("\"threads\":2", "\"threads\":\"two\"")))
                .hasMessageContaining("'threads' should be a number");
    }

    @Test
    void agreementComparesRanksAndProbabilitiesOfTheTopTokens() {
        float[] logits = {0f, (float) Math.log(3), (float) Math.log(2), 0f}; // softmax: 1/7, 3/7, 2/7, 1/7
        JlamaResult same = JlamaResult.parse(LINE.replace("[43778,4173]", "[1,2]")
                .replace("[0.000173,0.000143]", "[" + 3 / 7.0 + "," + 2 / 7.0 + "]"));
        assertThat(BenchMain.agreement(logits, same)).isEqualTo("2/2 same ranks, max relative difference 0.00%");
        JlamaResult off = JlamaResult.parse(LINE.replace("[43778,4173]", "[2,1]")
                .replace("[0.000173,0.000143]", "[" + 2 / 7.0 + "," + 3.3 / 7.0 + "]"));
        assertThat(BenchMain.agreement(logits, off)).isEqualTo("0/2 same ranks, max relative difference 10.00%");
    }
}
