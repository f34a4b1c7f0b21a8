package io.github.gpt2explainer.forward;

import ai.djl.ndarray.NDManager;
import io.github.gpt2explainer.model.Gpt2Config;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Capture is opt-in: nothing recorded by default, exactly the selected kinds and layers otherwise. */
class CaptureSpecTest {

    private static final Gpt2Config CONFIG = new Gpt2Config(50257, 64, 32, 3, 4, 1e-5);
    private static NDManager manager;
    private static Gpt2Model model;
    private static final long[] TOKENS = TestCheckpoints.randomTokens(CONFIG, 9, 31);

    @BeforeAll
    static void load() {
        manager = NDManager.newBaseManager("PyTorch");
        model = Gpt2Model.load(TestCheckpoints.random(CONFIG, 30), manager);
    }

    @AfterAll
    static void release() {
        model.close();
        manager.close();
    }

    @Test
    void noneRecordsNothingButReturnsTheSameLastLogits() {
        StepResult fast = model.forward(TOKENS, CaptureSpec.none());
        StepResult full = model.forward(TOKENS, CaptureSpec.all());
        assertThat(fast.trace().isEmpty()).isTrue();
        assertThat(fast.trace().tokens()).isEqualTo(TOKENS);
        assertThat(fast.lastLogits()).hasSize(CONFIG.vocabSize());
        // the final layer norm is computed one way, whether or not it is recorded: the same bits
        assertThat(fast.lastLogits()).containsExactly(full.lastLogits());
        assertThatThrownBy(() -> fast.trace().get("logits"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no tensor logits")
                .hasMessageContaining("recorded: nothing");
    }

    @Test
    void allRecordsEveryIntermediateOfEveryLayerInTraceOrder() {
        CapturedPass trace = model.forward(TOKENS, CaptureSpec.all()).trace();
        assertThat(trace.names()).containsExactlyElementsOf(CaptureNames.all(CONFIG.layers()));
        assertThat(trace.get("logits").shape()).containsExactly(1, CONFIG.vocabSize()); // the last position only
        assertThat(trace.get("ln_f.out").shape()).containsExactly(TOKENS.length, CONFIG.width()); // every position
    }

    @Test
    void namesAreSpelledInOnePlace() {
        assertThat(CaptureNames.of(2, CaptureKind.ATTN_SOFTMAX)).isEqualTo("h.2.attn.softmax");
        assertThat(CaptureNames.of(CaptureKind.EMBED_POSITION)).isEqualTo("embed.position");
        assertThat(CaptureNames.all(1)).containsExactly("embed.token", "embed.position", "embed.sum",
                "h.0.ln_1.out", "h.0.attn.q", "h.0.attn.k", "h.0.attn.v", "h.0.attn.scores", "h.0.attn.scaled",
                "h.0.attn.masked", "h.0.attn.softmax", "h.0.attn.heads", "h.0.attn.proj", "h.0.resid_mid",
                "h.0.ln_2.out", "h.0.mlp.fc", "h.0.mlp.gelu", "h.0.mlp.proj", "h.0.resid_post",
                "ln_f.out", "logits");
        assertThatThrownBy(() -> CaptureNames.of(CaptureKind.ATTN_Q)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CaptureNames.of(0, CaptureKind.LOGITS)).isInstanceOf(IllegalArgumentException.class);
    }
}
