package io.github.gpt2explainer.forward;

import ai.djl.ndarray.NDManager;
import io.github.gpt2explainer.model.Gpt2Config;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Incremental decoding must reproduce the full pass: same logits, same attention rows. */
class KvCacheTest {

    private static final double TOLERANCE = 1e-4;
    private static final Gpt2Config CONFIG = new Gpt2Config(50257, 64, 48, 3, 4, 1e-5);
    private static NDManager manager;
    private static Gpt2Model model;

    @BeforeAll
    static void load() {
        manager = NDManager.newBaseManager("PyTorch");
        model = Gpt2Model.load(TestCheckpoints.random(CONFIG, 21), manager);
    }

    @AfterAll
    static void release() {
        model.close();
        manager.close();
    }

    @Test
    void prefillThenDecodeEqualsTheFullPass() {
        long[] tokens = TestCheckpoints.randomTokens(CONFIG, 20, 22);
        int k = 7;
        CapturedPass full = model.forward(tokens, CaptureSpec.all()).trace();
        int v = CONFIG.vocabSize();

        try (KvCache cache = model.newCache()) {
            StepResult prefill = model.prefill(cache, Arrays.copyOf(tokens, k), CaptureSpec.all());
            assertThat(cache.length()).isEqualTo(k);
            TensorComparison.assertClose("prefill logits", new long[] {v}, prefill.lastLogits(),
                    new long[] {v}, lastLogitsWithoutCache(tokens, k), TOLERANCE);

            for (int pos = k; pos < tokens.length; pos++) {
                StepResult step = model.decode(cache, tokens[pos], CaptureSpec.all());
                CapturedPass trace = step.trace();
                assertThat(trace.startPosition()).isEqualTo(pos);
                assertThat(trace.tokens()).containsExactly(tokens[pos]);
                assertThat(step.lastPosition()).isEqualTo(pos);
                assertThat(cache.length()).isEqualTo(pos + 1);

                TensorComparison.assertClose("logits at " + pos, new long[] {v}, step.lastLogits(),
                        new long[] {v}, lastLogitsWithoutCache(tokens, pos + 1), TOLERANCE);
                for (int l = 0; l < CONFIG.layers(); l++) {
                    for (CaptureKind kind : new CaptureKind[] {CaptureKind.ATTN_SOFTMAX, CaptureKind.ATTN_MASKED, CaptureKind.ATTN_SCORES}) {
                        CapturedTensor row = trace.get(kind, l);
                        assertThat(row.shape()).containsExactly(CONFIG.heads(), 1, pos + 1);
                        TensorComparison.assertClose(row.name() + " at " + pos, row.shape(), row.toArray(),
                                row.shape(), attentionRow(full.get(kind, l), pos), TOLERANCE);
                    }
                    CapturedTensor residual = trace.get(CaptureKind.RESID_POST, l);
                    assertThat(residual.shape()).containsExactly(1, CONFIG.width());
                    TensorComparison.assertClose(residual.name() + " at " + pos, residual.shape(), residual.toArray(),
                            residual.shape(), row(full.get(CaptureKind.RESID_POST, l), pos), TOLERANCE);
                    CapturedTensor key = trace.get(CaptureKind.ATTN_K, l);
                    assertThat(key.shape()).containsExactly(CONFIG.heads(), 1, CONFIG.headDim());
                }
                assertThat(trace.get("embed.position").shape()).containsExactly(1, CONFIG.width());
            }
        }
    }

    @Test
    void aMultiTokenStepAfterAPrefillAlsoMatches() {
        long[] tokens = TestCheckpoints.randomTokens(CONFIG, 12, 23);
        StepResult full = model.forward(tokens, CaptureSpec.none());
        try (KvCache cache = model.newCache()) {
            model.prefill(cache, Arrays.copyOf(tokens, 5), CaptureSpec.none());
            StepResult rest = model.prefill(cache, Arrays.copyOfRange(tokens, 5, 12), CaptureSpec.all());
            assertThat(rest.trace().get("h.0.attn.softmax").shape()).containsExactly(CONFIG.heads(), 7, 12);
            assertThat(rest.trace().get("h.0.attn.softmax").at(0, 0, 6)).isEqualTo(0f); // position 5 cannot see 6
            assertThat(rest.trace().get("h.0.attn.softmax").at(0, 0, 5)).isPositive();
            TensorComparison.assertClose("logits", new long[] {CONFIG.vocabSize()}, rest.lastLogits(),
                    new long[] {CONFIG.vocabSize()}, full.lastLogits(), TOLERANCE);
        }
    }

    @Test
    void aForkedCacheAdvancesIndependently() {
        long[] prompt = TestCheckpoints.randomTokens(CONFIG, 6, 24);
        try (KvCache original = model.newCache()) {
            model.prefill(original, prompt, CaptureSpec.none());
            try (KvCache fork = original.fork()) {
                StepResult a = model.decode(fork, 100, CaptureSpec.none());
                StepResult b = model.decode(original, 200, CaptureSpec.none());
                assertThat(fork.length()).isEqualTo(7);
                assertThat(original.length()).isEqualTo(7);

                StepResult expectedA = model.forward(append(prompt, 100), CaptureSpec.none());
                StepResult expectedB = model.forward(append(prompt, 200), CaptureSpec.none());
                TensorComparison.assertClose("fork", shapeV(), a.lastLogits(), shapeV(), expectedA.lastLogits(), TOLERANCE);
                TensorComparison.assertClose("original", shapeV(), b.lastLogits(), shapeV(), expectedB.lastLogits(), TOLERANCE);
                assertThat(a.lastLogits()).isNotEqualTo(b.lastLogits());
            }
        }
    }

    /** A prefix holds the first positions only, with exactly the room asked for, and leaves the original as it was. */
    @Test
    void aPrefixContinuesFromItsOwnLengthInItsOwnRoom() {
        long[] prompt = TestCheckpoints.randomTokens(CONFIG, 6, 25);
        try (KvCache original = model.newCache()) {
            model.prefill(original, prompt, CaptureSpec.none()).close();
            try (KvCache prefix = original.prefix(4, 6)) {
                assertThat(prefix.length()).isEqualTo(4);
                assertThat(prefix.capacity()).isEqualTo(6);
                StepResult continued = model.step(prefix, new long[][] {{300, 301}}, CaptureSpec.none()).get(0);
                assertThat(prefix.capacity()).as("its room was enough: never grown").isEqualTo(6);
                long[] expected = {prompt[0], prompt[1], prompt[2], prompt[3], 300, 301};
                TensorComparison.assertClose("prefix", shapeV(), continued.lastLogits(), shapeV(),
                        model.forward(expected, CaptureSpec.none()).lastLogits(), TOLERANCE);
            }
            assertThat(original.length()).isEqualTo(6);
            TensorComparison.assertClose("original", shapeV(), model.decode(original, 302, CaptureSpec.none()).lastLogits(),
                    shapeV(), model.forward(append(prompt, 302), CaptureSpec.none()).lastLogits(), TOLERANCE);
            assertThatThrownBy(() -> original.prefix(8, 9)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("a prefix of 8 positions").hasMessageContaining("holding 7");
            assertThatThrownBy(() -> original.prefix(3, 2)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void batchedDecodingMatchesSequentialDecoding() {
        long[] prompt = TestCheckpoints.randomTokens(CONFIG, 5, 25);
        long[][] continuations = {{11, 12, 13}, {21, 22, 23}, {31, 32, 33}};
        int n = continuations.length;

        List<List<StepResult>> sequential = new ArrayList<>();
        try (KvCache single = model.newCache()) {
            model.prefill(single, prompt, CaptureSpec.none());
            for (long[] continuation : continuations) {
                List<StepResult> steps = new ArrayList<>();
                try (KvCache own = single.fork()) {
                    for (long id : continuation) {
                        steps.add(model.decode(own, id, CaptureSpec.all()));
                    }
                }
                sequential.add(steps);
            }
            try (KvCache batch = single.repeat(n)) {
                assertThat(batch.batchSize()).isEqualTo(n);
                for (int step = 0; step < 3; step++) {
                    long[] next = new long[n];
                    for (int i = 0; i < n; i++) {
                        next[i] = continuations[i][step];
                    }
                    List<StepResult> results = model.decodeBatch(batch, next, CaptureSpec.all());
                    assertThat(results).hasSize(n);
                    for (int i = 0; i < n; i++) {
                        StepResult expected = sequential.get(i).get(step);
                        StepResult actual = results.get(i);
                        assertThat(actual.trace().tokens()).containsExactly(next[i]);
                        TensorComparison.assertClose("row " + i + " step " + step, shapeV(), actual.lastLogits(),
                                shapeV(), expected.lastLogits(), TOLERANCE);
                        for (String name : CaptureNames.all(CONFIG.layers())) {
                            TensorComparison.assertClose(name + " row " + i, actual.trace().get(name),
                                    expected.trace().get(name), TOLERANCE);
                        }
                    }
                }
                try (KvCache second = batch.row(1)) {
                    StepResult fromRow = model.decode(second, 5, CaptureSpec.none());
                    StepResult expected = model.forward(append(append(prompt, continuations[1]), 5), CaptureSpec.none());
                    TensorComparison.assertClose("row(1)", shapeV(), fromRow.lastLogits(), shapeV(), expected.lastLogits(), TOLERANCE);
                }
            }
        }
    }

    @Test
    void misuseIsRejectedWithoutChangingTheCache() {
        try (KvCache cache = model.newCache()) {
            model.prefill(cache, new long[] {1, 2, 3}, CaptureSpec.none());
            assertThatThrownBy(() -> model.decode(cache, CONFIG.vocabSize(), CaptureSpec.none()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("token id 50257")
                    .hasMessageContaining("[0, 50257)");
            assertThatThrownBy(() -> model.decode(cache, -1, CaptureSpec.none()))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> model.prefill(cache, new long[0], CaptureSpec.none()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("at least one token");
            assertThatThrownBy(() -> model.decodeBatch(cache, new long[] {1, 2}, CaptureSpec.none()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("holds 1 sequence");
            assertThat(cache.length()).isEqualTo(3);
        }
        KvCache closed = model.newCache();
        closed.close();
        assertThatThrownBy(() -> model.decode(closed, 1, CaptureSpec.none()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void theCacheGrowsPastItsFirstCapacityWithoutChangingWhatItHolds() {
        Gpt2Config longer = new Gpt2Config(50257, 300, 32, 2, 4, 1e-5);
        long[] tokens = TestCheckpoints.randomTokens(longer, 260, 26);
        try (Gpt2Model small = Gpt2Model.load(TestCheckpoints.random(longer, 27), manager);
             KvCache stepwise = small.newCache();
             KvCache inOneGo = small.newCache()) {
            small.prefill(stepwise, Arrays.copyOf(tokens, 60), CaptureSpec.none());
            for (int pos = 60; pos < tokens.length; pos++) { // grows at 64, 128 and 256 positions
                StepResult step = small.decode(stepwise, tokens[pos], CaptureSpec.none());
                if (pos == 63 || pos == 64 || pos == 65 || pos == 128 || pos == 256 || pos == tokens.length - 1) {
                    StepResult expected = small.forward(Arrays.copyOf(tokens, pos + 1), CaptureSpec.none());
                    TensorComparison.assertClose("logits at " + pos, shapeV(), step.lastLogits(), shapeV(),
                            expected.lastLogits(), TOLERANCE);
                }
            }
            StepResult prefill = small.prefill(inOneGo, Arrays.copyOf(tokens, 200), CaptureSpec.none());
            StepResult expected = small.forward(Arrays.copyOf(tokens, 200), CaptureSpec.none());
            TensorComparison.assertClose("200-token prefill", shapeV(), prefill.lastLogits(), shapeV(),
                    expected.lastLogits(), TOLERANCE);
            StepResult next = small.decode(inOneGo, tokens[200], CaptureSpec.none());
            TensorComparison.assertClose("decode after it", shapeV(), next.lastLogits(), shapeV(),
                    small.forward(Arrays.copyOf(tokens, 201), CaptureSpec.none()).lastLogits(), TOLERANCE);
        }
    }

    @Test
    void roomReservedUpFrontIsNeverGrownAndGivesTheSameLogits() {
        Gpt2Config longer = new Gpt2Config(50257, 300, 32, 2, 4, 1e-5);
        long[] tokens = TestCheckpoints.randomTokens(longer, 150, 28);
        try (Gpt2Model small = Gpt2Model.load(TestCheckpoints.random(longer, 29), manager);
             KvCache reserved = small.newCache()) {
            reserved.reserve(150);
            int capacity = reserved.capacity();
            assertThat(capacity).isGreaterThanOrEqualTo(150);
            small.prefill(reserved, Arrays.copyOf(tokens, 64), CaptureSpec.none()); // a power of two: full without room
            for (int pos = 64; pos < tokens.length; pos++) {
                StepResult step = small.decode(reserved, tokens[pos], CaptureSpec.none());
                assertThat(reserved.capacity()).as("capacity after position %d", pos).isEqualTo(capacity);
                if (pos == 64 || pos == 128 || pos == tokens.length - 1) {
                    TensorComparison.assertClose("logits at " + pos, shapeV(), step.lastLogits(), shapeV(),
                            small.forward(Arrays.copyOf(tokens, pos + 1), CaptureSpec.none()).lastLogits(), TOLERANCE);
                }
            }
            reserved.reserve(10); // already has room: nothing changes
            assertThat(reserved.capacity()).isEqualTo(capacity);
            reserved.reserve(10_000); // capped at the context, keeping what is cached
            assertThat(reserved.capacity()).isEqualTo(longer.contextLength());
            StepResult next = small.decode(reserved, 7, CaptureSpec.none());
            TensorComparison.assertClose("decode after growing to the context", shapeV(), next.lastLogits(), shapeV(),
                    small.forward(append(tokens, 7), CaptureSpec.none()).lastLogits(), TOLERANCE);
            assertThatThrownBy(() -> reserved.reserve(-1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("-1");
        }
    }

    /** The last position's logits of a pass over the first {@code n} tokens from an empty cache. */
    private static float[] lastLogitsWithoutCache(long[] tokens, int n) {
        return model.forward(Arrays.copyOf(tokens, n), CaptureSpec.none()).lastLogits();
    }

    private static long[] shapeV() {
        return new long[] {CONFIG.vocabSize()};
    }

    private static long[] append(long[] ids, long... more) {
        long[] all = Arrays.copyOf(ids, ids.length + more.length);
        System.arraycopy(more, 0, all, ids.length, more.length);
        return all;
    }

    /** Row {@code pos} of every head of a full [H, T, T] attention tensor, cut to the first pos+1 keys: [H, 1, pos+1]. */
    private static float[] attentionRow(CapturedTensor full, int pos) {
        int h = (int) full.dim(0);
        int t = (int) full.dim(1);
        float[] out = new float[h * (pos + 1)];
        for (int head = 0; head < h; head++) {
            System.arraycopy(full.toArray(), (head * t + pos) * t, out, head * (pos + 1), pos + 1);
        }
        return out;
    }

    private static float[] row(CapturedTensor full, int pos) {
        int width = (int) full.dim(1);
        return Arrays.copyOfRange(full.toArray(), pos * width, (pos + 1) * width);
    }
}
