package io.github.gpt2explainer.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TopTokensTest {

    @Test
    void equalLogitsKeepTheLowerIdFirstAsGreedyDecodingDoes() {
        assertThat(TopTokens.of(new float[] {1, 3, 3, 2, 3}, 3)).containsExactly(1, 2, 4);
        assertThat(TopTokens.of(new float[] {5, 1}, 5)).as("k above the vocabulary").containsExactly(0, 1);
    }

    @Test
    void aRowOfAFlatBatchIsRankedWithinThatRowOnly() {
        float[] twoRows = {9, 9, 9, /* row 1: */ 1, 4, 2};
        assertThat(TopTokens.of(twoRows, 3, 3, 2)).containsExactly(1, 2);
    }

    @Test
    void agreesWithAFullStableSortOnRandomLogitsWithManyTies() {
        Random random = new Random(18);
        for (int round = 0; round < 200; round++) {
            float[] logits = new float[1 + random.nextInt(300)];
            for (int i = 0; i < logits.length; i++) {
                logits[i] = random.nextInt(20) - 10; // few distinct values: many ties
            }
            int k = 1 + random.nextInt(60);
            int[] bySort = IntStream.range(0, logits.length).boxed()
                    .sorted(Comparator.<Integer>comparingDouble(id -> -logits[id]).thenComparingInt(id -> id))
                    .limit(k).mapToInt(Integer::intValue).toArray();
            assertThat(TopTokens.of(logits, k)).as("round %d", round).containsExactly(bySort);
        }
    }
}
