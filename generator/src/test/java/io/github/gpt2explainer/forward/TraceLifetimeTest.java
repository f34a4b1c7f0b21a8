package io.github.gpt2explainer.forward;

import ai.djl.engine.Engine;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import io.github.gpt2explainer.model.Gpt2Config;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Captured tensors are read in place from native memory owned by their trace (not copied). These tests pin
 * down that memory's lifetime: it outlives the model, its cache and later steps; closing a trace makes its
 * reads fail cleanly instead of touching freed memory; a dropped trace is freed without being closed.
 */
@Tag("slow") // a resource check, minutes on a shared machine: left out of the fast run (README, "Test it")
class TraceLifetimeTest {

    private static final Gpt2Config CONFIG = new Gpt2Config(50257, 128, 32, 2, 4, 1e-5);
    private static final long[] PROMPT = TestCheckpoints.randomTokens(CONFIG, 7, 71);

    @Test
    void aClosedTraceRefusesEveryReadNamingTheTensorAndKeepsItsLogits() {
        try (NDManager root = NDManager.newBaseManager("PyTorch");
             Gpt2Model model = Gpt2Model.load(TestCheckpoints.random(CONFIG, 70), root)) {
            StepResult result = model.forward(PROMPT, CaptureSpec.all());
            CapturedTensor softmax = result.trace().get("h.1.attn.softmax"); // [H, T, T]
            float firstRowSum = 0;
            for (int key = 0; key < PROMPT.length; key++) {
                firstRowSum += softmax.at(0, PROMPT.length - 1, key);
            }
            assertThat(firstRowSum).as("a softmax row sums to 1 while the trace is open").isCloseTo(1f,
                    org.assertj.core.data.Offset.offset(1e-5f));
            float[] logits = result.lastLogits().clone();

            result.close();
            result.close(); // idempotent

            for (var read : List.<org.assertj.core.api.ThrowableAssert.ThrowingCallable>of(
                    () -> softmax.get(0), softmax::toArray, () -> softmax.at(0, 0, 0), () -> softmax.copyRange(0, 3),
                    () -> result.trace().get("embed.sum").toArray())) {
                assertThatThrownBy(read).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("closed");
            }
            assertThatThrownBy(() -> softmax.get(0)).hasMessageContaining("h.1.attn.softmax");
            assertThat(result.lastLogits()).containsExactly(logits);
            assertThat(softmax.shape()).containsExactly(4, PROMPT.length, PROMPT.length); // metadata stays readable
        }
    }

    @Test
    void capturesOutliveTheirModelAndCacheAndAreNotChangedByLaterSteps() {
        Map<String, float[]> snapshot = new LinkedHashMap<>();
        CapturedPass prefill;
        try (NDManager root = NDManager.newBaseManager("PyTorch");
             Gpt2Model model = Gpt2Model.load(TestCheckpoints.random(CONFIG, 72), root);
             KvCache cache = model.newCache()) {
            prefill = model.prefill(cache, PROMPT, CaptureSpec.all()).trace();
            prefill.tensors().forEach((name, t) -> snapshot.put(name, t.toArray()));
            // 80 more steps, each captured: the cache is written in place and grows past 64 positions,
            // and the freed intermediates of every step are reused by the allocator.
            long next = 5;
            for (int i = 0; i < 80; i++) {
                try (StepResult step = model.decode(cache, next, CaptureSpec.all())) {
                    next = (next * 31 + 7) % CONFIG.vocabSize();
                    assertThat(step.trace().get("h.0.attn.softmax").shape()[2]).isEqualTo(PROMPT.length + i + 1);
                }
            }
        }
        // The model, its cache and their manager are closed. Its parameters were uploaded from direct
        // buffers, whose memory the collector frees; then another model churns native memory.
        System.gc();
        try (NDManager root = NDManager.newBaseManager("PyTorch");
             Gpt2Model other = Gpt2Model.load(TestCheckpoints.random(CONFIG, 73), root)) {
            for (int i = 0; i < 20; i++) {
                other.forward(TestCheckpoints.randomTokens(CONFIG, 100, i), CaptureSpec.none());
            }
        }
        assertThat(prefill.names()).hasSize(snapshot.size()).hasSizeGreaterThan(30);
        prefill.tensors().forEach((name, t) -> assertThat(t.toArray()).as(name).containsExactly(snapshot.get(name)));
        prefill.close();
    }

    @Test
    void eachSequenceOfABatchedStepOwnsItsTrace() {
        try (NDManager root = NDManager.newBaseManager("PyTorch");
             Gpt2Model model = Gpt2Model.load(TestCheckpoints.random(CONFIG, 74), root);
             KvCache single = model.newCache()) {
            model.prefill(single, PROMPT, CaptureSpec.none());
            try (KvCache batch = single.repeat(3)) {
                List<StepResult> rows = model.decodeBatch(batch, new long[] {11, 12, 13}, CaptureSpec.all());
                float[] second = rows.get(1).trace().get("h.1.resid_post").toArray();
                float[] position = rows.get(1).trace().get("embed.position").toArray();
                rows.get(0).close();
                assertThatThrownBy(() -> rows.get(0).trace().get("h.1.resid_post").toArray())
                        .isInstanceOf(IllegalStateException.class);
                assertThat(rows.get(1).trace().get("h.1.resid_post").toArray()).containsExactly(second);
                assertThat(rows.get(2).trace().get("embed.position").toArray()).containsExactly(position);
                assertThat(rows.get(2).trace().get("h.1.resid_post").toArray()).isNotEqualTo(second); // another token
                rows.forEach(StepResult::close);
            }
        }
    }

    @Test
    void droppedTracesAreFreedByTheCollectorWithoutBeingClosed() throws InterruptedException {
        try (NDManager root = NDManager.newBaseManager("PyTorch");
             Gpt2Model model = Gpt2Model.load(TestCheckpoints.random(CONFIG, 75), root)) {
            int baseline = settledNativeArrays(Integer.MAX_VALUE);
            for (int i = 0; i < 40; i++) {
                model.forward(PROMPT, CaptureSpec.all()); // dropped without close
            }
            int withDropped = nativeArrays();
            assertThat(withDropped - baseline).as("arrays kept by 40 dropped traces")
                    .isGreaterThanOrEqualTo(40 * CONFIG.layers() * 16);
            assertThat(settledNativeArrays(baseline)).as("native arrays once the dropped traces are collected")
                    .isLessThanOrEqualTo(baseline);
        }
    }

    /** Every native array alive in this engine, in every manager. */
    private static int nativeArrays() {
        try (NDManager probe = Engine.getEngine("PyTorch").newBaseManager()) {
            return ((BaseNDManager) probe.getParentManager()).getManagedArrays().size();
        }
    }

    /** Collects garbage until the count of native arrays reaches {@code target} or stops falling (10 s at most). */
    private static int settledNativeArrays(int target) throws InterruptedException {
        int count = nativeArrays();
        for (int round = 0; round < 100 && count > target; round++) {
            System.gc();
            Thread.sleep(100); // the cleaner frees on its own thread
            int now = nativeArrays();
            if (target == Integer.MAX_VALUE && now == count && round >= 3) {
                break;
            }
            count = now;
        }
        return count;
    }
}
