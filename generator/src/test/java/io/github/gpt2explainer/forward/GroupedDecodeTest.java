package io.github.gpt2explainer.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import io.github.gpt2explainer.model.Gpt2Config;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link Gpt2Model#decodeGroups}: several caches, each at its own length, advanced in one step. Each row must get
 * the same bits as its cache advanced alone, whoever shares the step: that is what lets a build decode many
 * prompts together and still give each prompt the tokens it gets alone (live, a shard).
 */
class GroupedDecodeTest {

    /** Wide enough for MKL's real kernels (a width of 32 takes other paths), small enough to be quick. */
    private static final Gpt2Config CONFIG = new Gpt2Config(50257, 128, 256, 2, 4, 1e-5);

    private static NDManager manager;
    private static Gpt2Model model;

    @BeforeAll
    static void load() {
        manager = NDManager.newBaseManager("PyTorch");
        model = Gpt2Model.load(TestCheckpoints.random(CONFIG, 11), manager);
    }

    @AfterAll
    static void close() {
        model.close();
        manager.close();
    }

    @Test
    void eachRowGetsTheSameBitsAsItsCacheDecodedAloneWhateverSharesTheStep() {
        long[][] prompts = {TestCheckpoints.randomTokens(CONFIG, 9, 1), TestCheckpoints.randomTokens(CONFIG, 3, 2),
                TestCheckpoints.randomTokens(CONFIG, 17, 3)};
        int[] rows = {5, 1, 2};
        List<List<float[]>> alone = new ArrayList<>();   // per prompt: every step's logits of every row, in order
        for (int p = 0; p < prompts.length; p++) {
            alone.add(decode(List.of(prompts[p]), List.of(rows[p])).get(0));
        }
        List<List<float[]>> together = decode(Arrays.asList(prompts), Arrays.stream(rows).boxed().toList());
        for (int p = 0; p < prompts.length; p++) {
            assertThat(together.get(p)).hasSameSizeAs(alone.get(p));
            for (int i = 0; i < alone.get(p).size(); i++) {
                assertThat(bits(together.get(p).get(i))).as("prompt %d, logits %d", p, i)
                        .isEqualTo(bits(alone.get(p).get(i)));
            }
        }
    }

    @Test
    void aRowsLogitsAreThoseOfAFullPassOverItsSequence() {
        long[] prompt = TestCheckpoints.randomTokens(CONFIG, 6, 5);
        long[] other = TestCheckpoints.randomTokens(CONFIG, 13, 6);
        List<float[]> logits = decode(List.of(prompt, other), List.of(1, 4)).get(0);
        long[] sequence = prompt;
        long[] fed = {1};
        for (int step = 0; step < 4; step++) {
            sequence = append(sequence, fed[0]);
            float[] expected = model.forward(sequence, CaptureSpec.none()).lastLogits();
            float[] got = logits.get(step);
            for (int v = 0; v < expected.length; v++) {
                assertThat(got[v]).as("step %d, id %d", step, v).isCloseTo(expected[v], org.assertj.core.data.Offset.offset(1e-3f));
            }
            fed = nextIds(fed, step);
        }
    }

    /** Caches advanced by several tokens per sequence, each by its own number, from its own length (as occlusion does). */
    @Test
    void aStepOfSeveralTokensPerSequenceGivesEachSequenceTheLogitsOfItsFullPass() {
        long[] prompt = TestCheckpoints.randomTokens(CONFIG, 7, 8);
        long[][] twoRows = {{11, 12, 13, 14}, {21, 22, 23, 24}};
        long[][] fromEmpty = {{31, 32, 33, 34, 35}};
        long[][] oneToken = {{41}};
        try (StepResult pass = model.forward(prompt, CaptureSpec.all());
             KvCache whole = model.cacheOf(pass.trace());
             KvCache three = whole.prefix(3, 7);
             KvCache twice = three.repeat(2);
             KvCache empty = model.newCache();
             KvCache five = whole.prefix(5, 6)) {
            List<List<float[]>> logits = model.stepGroups(List.of(twice, empty, five), List.of(twoRows, fromEmpty, oneToken));
            assertThat(List.of(twice.length(), empty.length(), five.length())).containsExactly(7, 5, 6);
            assertFullPass(logits.get(0).get(0), concat(Arrays.copyOf(prompt, 3), twoRows[0]));
            assertFullPass(logits.get(0).get(1), concat(Arrays.copyOf(prompt, 3), twoRows[1]));
            assertFullPass(logits.get(1).get(0), fromEmpty[0]);
            assertFullPass(logits.get(2).get(0), concat(Arrays.copyOf(prompt, 5), oneToken[0]));
        }
    }

    /** The keys and values a captured pass recorded are its cache: continuing either gives the same bits. */
    @Test
    void aCacheMadeFromACapturedPassContinuesAsThePasssOwnCache() {
        long[] prompt = TestCheckpoints.randomTokens(CONFIG, 9, 10);
        try (KvCache own = model.newCache()) {
            float[] fromOwn;
            float[] fromRecorded;
            try (StepResult pass = model.prefill(own, prompt, CaptureSpec.all()); KvCache made = model.cacheOf(pass.trace())) {
                assertThat(made.length()).isEqualTo(prompt.length);
                fromRecorded = model.decode(made, 77, CaptureSpec.none()).lastLogits();
            }
            fromOwn = model.decode(own, 77, CaptureSpec.none()).lastLogits();
            assertThat(bits(fromRecorded)).isEqualTo(bits(fromOwn));
        }
    }

    private static void assertFullPass(float[] got, long[] sequence) {
        float[] expected = model.forward(sequence, CaptureSpec.none()).lastLogits();
        for (int v = 0; v < expected.length; v++) {
            assertThat(got[v]).as("%s, id %d", Arrays.toString(sequence), v).isCloseTo(expected[v], org.assertj.core.data.Offset.offset(1e-3f));
        }
    }

    private static long[] concat(long[] a, long[] b) {
        long[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void refusesACacheWhoseRowsDoNotMatchItsIds() {
        try (KvCache one = model.newCache()) {
            model.prefill(one, new long[] {1, 2}, CaptureSpec.none()).close();
            assertThatThrownBy(() -> model.decodeGroups(List.of(one), List.of(new long[] {1, 2})))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("holds 1 sequence(s) but 2");
            assertThat(one.length()).isEqualTo(2);
        }
    }

    /**
     * Prefills each prompt, repeats it to its rows, then runs four {@code decodeGroups} steps over all of them
     * together, feeding row r of every cache id r+1 (then ids derived from the step): every step's logits per prompt.
     */
    private static List<List<float[]>> decode(List<long[]> prompts, List<Integer> rows) {
        List<KvCache> caches = new ArrayList<>();
        try {
            for (int p = 0; p < prompts.size(); p++) {
                try (KvCache one = model.newCache()) {
                    model.prefill(one, prompts.get(p), CaptureSpec.none()).close();
                    caches.add(one.repeat(rows.get(p)));
                }
            }
            List<List<float[]>> out = new ArrayList<>();
            prompts.forEach(p -> out.add(new ArrayList<>()));
            List<long[]> next = new ArrayList<>();
            for (int p = 0; p < prompts.size(); p++) {
                long[] ids = new long[rows.get(p)];
                Arrays.setAll(ids, r -> r + 1);
                next.add(ids);
            }
            for (int step = 0; step < 4; step++) {
                List<List<float[]>> logits = model.decodeGroups(caches, next);
                for (int p = 0; p < prompts.size(); p++) {
                    out.get(p).addAll(logits.get(p));
                    next.set(p, nextIds(next.get(p), step));
                }
            }
            return out;
        } finally {
            caches.forEach(KvCache::close);
        }
    }

    private static long[] nextIds(long[] ids, int step) {
        return Arrays.stream(ids).map(id -> (id * 31 + step * 7 + 11) % CONFIG.vocabSize()).toArray();
    }

    private static long[] append(long[] ids, long id) {
        long[] out = Arrays.copyOf(ids, ids.length + 1);
        out[ids.length] = id;
        return out;
    }

    private static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToIntBits(values[i]);
        }
        return bits;
    }
}
