package io.github.gpt2explainer.insight;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.github.gpt2explainer.forward.Gpt2Model;
import io.github.gpt2explainer.model.Checkpoint;
import io.github.gpt2explainer.model.FloatTensor;
import io.github.gpt2explainer.model.Gpt2Config;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A checkpoint built so that head 1.2 provably attends to the previous token, from the positional
 * embeddings alone, must score at least 0.9 on the previous-token probe and rank first.
 *
 * <p>Construction (width 16, 4 heads of 4 dimensions, 2 layers): token embeddings are 0; position p's
 * embedding is {@code (cos ωp, sin ωp, −cos ωp, −sin ωp, 0, ...)}, which has mean 0 and the same variance
 * 2/16 at every position, so a layer norm with weight 1 and bias 0 returns it times the constant
 * c = 1/sqrt(2/16 + ε). Layer 0 writes nothing (all its other weights and biases are 0), so layer 1
 * sees the same vectors. In layer 1, head 2's key is k_j = c (cos ωj, sin ωj) and its query is that
 * vector rotated back by one position and scaled by β: q_p = β c (cos ω(p−1), sin ω(p−1)). The score is
 * q_p · k_j / sqrt(4) = β c² cos(ω(p−1−j)) / 2, largest at j = p − 1; with ω = π/64 and p − 1 − j in
 * [−1, 61] the cosine falls monotonically with the distance, and the nearest rivals (j = p, p − 2) lose
 * β c² (1 − cos ω) / 2 ≈ 9.6 in score, so each keeps less than e^−9.6 of the weight. Every other head has
 * zero query and key weights and attends uniformly.
 */
class PreviousTokenHeadTest {

    private static final int WIDTH = 16;
    private static final Gpt2Config CONFIG = new Gpt2Config(128, 64, WIDTH, 2, 4, 1e-5);
    private static final double OMEGA = Math.PI / 64;
    private static final double BETA = 2000;
    private static final int LAYER = 1;
    private static final int HEAD = 2;

    @Test
    void theConstructedHeadScoresAtLeast09AndRanksFirst() {
        HeadRoleProbe probe = HeadRoleProbe.of(3, CONFIG.vocabSize(), CONFIG.contextLength(), 127);
        assertThat(probe.n()).isEqualTo(31);
        try (NDManager manager = NDManager.newBaseManager("PyTorch");
             Gpt2Model model = Gpt2Model.load(previousTokenCheckpoint(), manager)) {
            HeadRoles roles = HeadRoles.measure(model, probe);

            assertThat(roles.score(HeadRole.PREVIOUS_TOKEN, LAYER, HEAD)).isGreaterThanOrEqualTo(0.9);
            HeadRoles.HeadScore first = roles.ranked(HeadRole.PREVIOUS_TOKEN).get(0);
            assertThat(first.label()).isEqualTo(LAYER + "." + HEAD);
            assertThat(roles.ranked(HeadRole.PREVIOUS_TOKEN).get(1).score()).isLessThan(0.2);
            // a uniform head's first-token score is the mean of 1 / (q + 1) over q = 1 .. 62
            double uniform = 0;
            for (int q = 1; q <= 62; q++) {
                uniform += 1.0 / (q + 1);
            }
            assertThat(roles.score(HeadRole.FIRST_TOKEN, 0, 0)).isCloseTo(uniform / 62, org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    private static Checkpoint previousTokenCheckpoint() {
        int e = WIDTH;
        int m = CONFIG.mlpWidth();
        SortedMap<String, FloatTensor> p = new TreeMap<>();
        put(p, "wte.weight", new float[CONFIG.vocabSize() * e], CONFIG.vocabSize(), e);
        float[] wpe = new float[CONFIG.contextLength() * e];
        for (int pos = 0; pos < CONFIG.contextLength(); pos++) {
            wpe[pos * e] = (float) Math.cos(OMEGA * pos);
            wpe[pos * e + 1] = (float) Math.sin(OMEGA * pos);
            wpe[pos * e + 2] = (float) -Math.cos(OMEGA * pos);
            wpe[pos * e + 3] = (float) -Math.sin(OMEGA * pos);
        }
        put(p, "wpe.weight", wpe, CONFIG.contextLength(), e);
        for (int l = 0; l < CONFIG.layers(); l++) {
            String h = "h." + l + ".";
            float[] attention = new float[e * 3 * e];                  // [E in, 3E out]: q | k | v columns
            if (l == LAYER) {
                int d = CONFIG.headDim();
                int q = HEAD * d;
                int k = e + HEAD * d;
                // q = beta * R(-omega) (x0, x1): (x0 cos w + x1 sin w, -x0 sin w + x1 cos w)
                attention[q] = (float) (BETA * Math.cos(OMEGA));
                attention[e * 3 + q] = (float) (BETA * Math.sin(OMEGA));
                attention[q + 1] = (float) (-BETA * Math.sin(OMEGA));
                attention[e * 3 + q + 1] = (float) (BETA * Math.cos(OMEGA));
                // k = (x0, x1)
                attention[k] = 1;
                attention[e * 3 + k + 1] = 1;
            }
            put(p, h + "ln_1.weight", ones(e), e);
            put(p, h + "ln_1.bias", new float[e], e);
            put(p, h + "attn.c_attn.weight", attention, e, 3L * e);
            put(p, h + "attn.c_attn.bias", new float[3 * e], 3L * e);
            put(p, h + "attn.c_proj.weight", new float[e * e], e, e);
            put(p, h + "attn.c_proj.bias", new float[e], e);
            put(p, h + "ln_2.weight", ones(e), e);
            put(p, h + "ln_2.bias", new float[e], e);
            put(p, h + "mlp.c_fc.weight", new float[e * m], e, m);
            put(p, h + "mlp.c_fc.bias", new float[m], m);
            put(p, h + "mlp.c_proj.weight", new float[m * e], m, e);
            put(p, h + "mlp.c_proj.bias", new float[e], e);
        }
        put(p, "ln_f.weight", ones(e), e);
        put(p, "ln_f.bias", new float[e], e);
        put(p, "lm_head.weight", new float[CONFIG.vocabSize() * e], CONFIG.vocabSize(), e);
        return new Checkpoint("previous-token construction", CONFIG, p);
    }

    private static float[] ones(int n) {
        float[] x = new float[n];
        java.util.Arrays.fill(x, 1f);
        return x;
    }

    private static void put(SortedMap<String, FloatTensor> parameters, String name, float[] values, long... shape) {
        FloatBuffer data = ByteBuffer.allocateDirect(values.length * Float.BYTES).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        data.put(values).flip();
        parameters.put(name, new FloatTensor(name, shape, data));
    }
}
