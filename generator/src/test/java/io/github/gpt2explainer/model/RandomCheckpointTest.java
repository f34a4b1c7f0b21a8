package io.github.gpt2explainer.model;

import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RandomCheckpointTest {

    @Test
    void demoConfigIsGpt2VocabularyWithASmallBody() {
        assertThat(RandomCheckpoint.demoConfig()).isEqualTo(new Gpt2Config(50257, 1024, 64, 4, 4, 1e-5));
    }

    @Test
    void hasEveryParameterWithItsShapeOffHeapAndATiedHead() {
        Gpt2Config config = TestFiles.tinyConfig();
        Checkpoint c = RandomCheckpoint.create(config, 1);
        Map<String, long[]> expected = Gpt2TensorLayout.expectedShapes(config);
        assertThat(c.parameters().keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((name, shape) -> {
            assertThat(c.tensor(name).shape()).as(name).containsExactly(shape);
            assertThat(c.tensor(name).data().isDirect()).as(name).isTrue();
        });
        assertThat(c.tensor("lm_head.weight").data()).isSameAs(c.tensor("wte.weight").data());
        assertThat(expected).hasSize(2 + 12 * 2 + 2 + 1);
    }

    @Test
    void sameSeedSameWeightsOtherSeedOtherWeights() {
        Checkpoint a = RandomCheckpoint.create(TestFiles.tinyConfig(), 9);
        Checkpoint b = RandomCheckpoint.create(TestFiles.tinyConfig(), 9);
        Checkpoint other = RandomCheckpoint.create(TestFiles.tinyConfig(), 10);
        for (String name : a.parameters().keySet()) {
            assertThat(TestFiles.toArray(b.tensor(name).data())).as(name).containsExactly(TestFiles.toArray(a.tensor(name).data()));
        }
        assertThat(TestFiles.toArray(other.tensor("h.1.mlp.c_fc.weight").data()))
                .isNotEqualTo(TestFiles.toArray(a.tensor("h.1.mlp.c_fc.weight").data()));
    }

    @Test
    void firstDrawsFollowJavaUtilRandomsSpecifiedGaussianSequence() {
        // wte.weight is generated first, as N(0, 0.02): its first values follow from new Random(seed) alone.
        Random reference = new Random(42);
        FloatBuffer wte = RandomCheckpoint.create(TestFiles.tinyConfig(), 42).tensor("wte.weight").view();
        for (int i = 0; i < 5; i++) {
            assertThat(wte.get(i)).isEqualTo((float) (0.02 * reference.nextGaussian()));
        }
    }

    @Test
    void layerNormsAndBiasesAreNonTrivialWithTheIntendedSpread() {
        Checkpoint c = RandomCheckpoint.create(new Gpt2Config(64, 32, 128, 2, 4, 1e-5), 7);
        assertStats(c, "h.0.ln_1.weight", 1.0, 0.1);
        assertStats(c, "ln_f.weight", 1.0, 0.1);
        assertStats(c, "h.1.attn.c_attn.bias", 0.0, 0.02);
        assertStats(c, "h.1.mlp.c_fc.weight", 0.0, 0.02);
        assertStats(c, "wte.weight", 0.0, 0.02);
        assertStats(c, "wpe.weight", 0.0, 0.01);
        for (float v : TestFiles.toArray(c.tensor("h.0.mlp.c_proj.bias").data())) {
            assertThat(v).isNotZero();
        }
    }

    private static void assertStats(Checkpoint c, String name, double mean, double std) {
        float[] v = TestFiles.toArray(c.tensor(name).data());
        double sum = 0;
        double squares = 0;
        for (float x : v) {
            sum += x;
            squares += x * x;
        }
        double m = sum / v.length;
        double s = Math.sqrt(squares / v.length - m * m);
        assertThat(m).as(name + " mean").isCloseTo(mean, within(4 * std / Math.sqrt(v.length)));
        assertThat(s).as(name + " std").isCloseTo(std, within(std * 0.25));
    }
}
