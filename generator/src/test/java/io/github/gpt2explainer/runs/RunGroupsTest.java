package io.github.gpt2explainer.runs;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.gpt2explainer.forward.KvCache;
import io.github.gpt2explainer.model.Gpt2Config;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a build cuts the prompts to run into groups that share decode steps: bounded in rows and in KV memory. */
class RunGroupsTest {

    private static final Gpt2Config SMALL = new Gpt2Config(50257, 1024, 768, 12, 12, 1e-5);
    private static final Gpt2Config XL = new Gpt2Config(50257, 1024, 1600, 48, 25, 1e-5);

    @Test
    void theCuratedSetOnGpt2SmallRunsInTwoGroupsOfAtMost64Rows() {
        List<List<Integer>> groups = BuildRunner.groups(filled(20, 5), filled(20, 32), SMALL);
        assertThat(groups).hasSize(2);
        assertThat(groups.get(0)).hasSize(12); // 60 rows: a 13th prompt would make 65
        assertThat(groups.get(1)).containsExactly(12, 13, 14, 15, 16, 17, 18, 19);
    }

    @Test
    void gpt2XlsBiggerCachesMakeSmallerGroupsWithinTheBudget() {
        long perPrompt = 5 * KvCache.bytesPerRow(XL, 32); // 5 rows of 48 layers x 2 x 64 positions x 1600 x 4 bytes
        assertThat(perPrompt).isEqualTo(5L * 48 * 2 * 64 * 1600 * 4);
        List<List<Integer>> groups = BuildRunner.groups(filled(20, 5), filled(20, 32), XL);
        int perGroup = (int) (((long) BuildRunner.KV_BUDGET_MIB << 20) / perPrompt);
        assertThat(groups.get(0)).hasSize(perGroup);
        assertThat(groups.stream().mapToInt(List::size).sum()).isEqualTo(20);
        assertThat(groups).allSatisfy(g -> assertThat(g.size() * perPrompt).isLessThanOrEqualTo((long) BuildRunner.KV_BUDGET_MIB << 20));
    }

    @Test
    void aPromptOverTheBudgetRunsAloneAndTheOrderIsKept() {
        int[] positions = {32, 1000, 32};  // the long one's cache rounds up to 1024 positions: 5 x 629 MB on XL
        List<List<Integer>> groups = BuildRunner.groups(filled(3, 5), positions, XL);
        assertThat(groups).containsExactly(List.of(0), List.of(1), List.of(2));
    }

    private static int[] filled(int n, int value) {
        int[] values = new int[n];
        Arrays.fill(values, value);
        return values;
    }
}
