package io.github.gpt2explainer.insight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Role scoring on hand-built attention patterns, whose scores follow from the role definitions by hand; and the probe. */
class HeadRolesTest {

    private static final int N = 5;          // copies of 5 tokens: T = 11, queries 1 .. 10, second copy 6 .. 10
    private static final double EXACT = 1e-12;

    /**
     * Layer 0 of a hand-built model, four heads, each row a distribution over keys 0 .. q:
     * head 0 always attends to the previous token (position 0 attends to itself);
     * head 1 is an induction head in the second copy (q - n + 1) and attends to position 0 elsewhere;
     * head 2 puts 0.8 on the first occurrence in the second copy and 0.2 on position 0, elsewhere all on 0;
     * head 3 spreads evenly over keys 0 .. q.
     */
    private static double handBuilt(int layer, int head, int q, int k) {
        boolean secondCopy = q > N;
        return switch (head) {
            case 0 -> k == Math.max(q - 1, 0) ? 1 : 0;
            case 1 -> k == (secondCopy ? q - N + 1 : 0) ? 1 : 0;
            case 2 -> secondCopy ? (k == q - N ? 0.8 : 0) + (k == 0 ? 0.2 : 0) : (k == 0 ? 1 : 0);
            case 3 -> 1.0 / (q + 1);
            default -> throw new AssertionError(head);
        };
    }

    @Test
    void eachRoleScoresTheMeanAttentionItsDefinitionNames() {
        HeadRoles roles = HeadRoles.score(1, 4, N, HeadRolesTest::handBuilt);

        // head 0: previous token everywhere; its only first-token weight is q = 1 -> 0; duplicate q - n != q - 1
        assertThat(roles.score(HeadRole.PREVIOUS_TOKEN, 0, 0)).isCloseTo(1.0, offset(EXACT));
        assertThat(roles.score(HeadRole.FIRST_TOKEN, 0, 0)).isCloseTo(1.0 / 10, offset(EXACT));
        assertThat(roles.score(HeadRole.INDUCTION, 0, 0)).isCloseTo(0.0, offset(EXACT));
        assertThat(roles.score(HeadRole.DUPLICATE_TOKEN, 0, 0)).isCloseTo(0.0, offset(EXACT));
        // head 1: induction on all 5 queries of the second copy; position 0 for q = 1 .. 5 (of 10 queries)
        assertThat(roles.score(HeadRole.INDUCTION, 0, 1)).isCloseTo(1.0, offset(EXACT));
        assertThat(roles.score(HeadRole.FIRST_TOKEN, 0, 1)).isCloseTo(0.5, offset(EXACT));
        assertThat(roles.score(HeadRole.DUPLICATE_TOKEN, 0, 1)).isCloseTo(0.0, offset(EXACT));
        assertThat(roles.score(HeadRole.PREVIOUS_TOKEN, 0, 1)).isCloseTo(1.0 / 10, offset(EXACT)); // q = 1 -> 0
        // head 2: 0.8 on duplicates; position 0 gets 1 for q = 1 .. 5 and 0.2 for q = 6 .. 10
        assertThat(roles.score(HeadRole.DUPLICATE_TOKEN, 0, 2)).isCloseTo(0.8, offset(EXACT));
        assertThat(roles.score(HeadRole.FIRST_TOKEN, 0, 2)).isCloseTo((5 * 1 + 5 * 0.2) / 10, offset(EXACT));
        assertThat(roles.score(HeadRole.INDUCTION, 0, 2)).isCloseTo(0.0, offset(EXACT));
        // head 3: uniform, 1 / (q + 1) on each key
        double harmonic = 0;
        for (int q = 1; q <= 10; q++) {
            harmonic += 1.0 / (q + 1);
        }
        double secondCopy = 0;
        for (int q = 6; q <= 10; q++) {
            secondCopy += 1.0 / (q + 1);
        }
        assertThat(roles.score(HeadRole.PREVIOUS_TOKEN, 0, 3)).isCloseTo(harmonic / 10, offset(EXACT));
        assertThat(roles.score(HeadRole.FIRST_TOKEN, 0, 3)).isCloseTo(harmonic / 10, offset(EXACT));
        assertThat(roles.score(HeadRole.INDUCTION, 0, 3)).isCloseTo(secondCopy / 5, offset(EXACT));
        assertThat(roles.score(HeadRole.DUPLICATE_TOKEN, 0, 3)).isCloseTo(secondCopy / 5, offset(EXACT));
    }

    @Test
    void rankingPutsTheRolesHeadFirst() {
        HeadRoles roles = HeadRoles.score(1, 4, N, HeadRolesTest::handBuilt);

        assertThat(roles.ranked(HeadRole.PREVIOUS_TOKEN).get(0).label()).isEqualTo("0.0");
        assertThat(roles.ranked(HeadRole.INDUCTION).get(0).label()).isEqualTo("0.1");
        assertThat(roles.ranked(HeadRole.DUPLICATE_TOKEN).get(0).label()).isEqualTo("0.2");
        assertThat(roles.ranked(HeadRole.FIRST_TOKEN).get(0).label()).isEqualTo("0.2");
        assertThat(roles.ranked(HeadRole.FIRST_TOKEN)).extracting(HeadRoles.HeadScore::score).isSortedAccordingTo(
                (a, b) -> Double.compare(b, a));
    }

    @Test
    void scoresAreReadPerLayerAndHead() {
        // head h of layer l attends to the previous token with weight (l * 3 + h) / 10, the rest on position 0
        HeadRoles roles = HeadRoles.score(2, 3, N, (l, h, q, k) -> {
            double w = (l * 3 + h) / 10.0;
            return q == 1 ? (k == 0 ? 1 : 0) : (k == q - 1 ? w : 0) + (k == 0 ? 1 - w : 0);
        });
        for (int l = 0; l < 2; l++) {
            for (int h = 0; h < 3; h++) {
                double w = (l * 3 + h) / 10.0;
                assertThat(roles.score(HeadRole.PREVIOUS_TOKEN, l, h)).as("%d.%d", l, h)
                        .isCloseTo((1 + 9 * w) / 10, offset(EXACT));
            }
        }
        assertThat(roles.ranked(HeadRole.PREVIOUS_TOKEN).get(0).label()).isEqualTo("1.2");
    }

    @Test
    void theProbeIsEndOfTextThenDistinctSeededIdsTwice() {
        HeadRoleProbe probe = HeadRoleProbe.of(7, 50257, 1024, 50256);

        assertThat(probe.n()).isEqualTo(50);
        long[] ids = probe.ids();
        assertThat(ids).hasSize(101);
        assertThat(ids[0]).isEqualTo(50256);
        assertThat(Arrays.copyOfRange(ids, 51, 101)).containsExactly(Arrays.copyOfRange(ids, 1, 51));
        Set<Long> firstCopy = new HashSet<>();
        for (int i = 1; i <= 50; i++) {
            assertThat(ids[i]).isBetween(0L, 50255L);
            firstCopy.add(ids[i]);
        }
        assertThat(firstCopy).hasSize(50);
        assertThat(HeadRoleProbe.of(7, 50257, 1024, 50256)).isEqualTo(probe);
        assertThat(HeadRoleProbe.of(8, 50257, 1024, 50256).ids()).isNotEqualTo(ids);
    }

    @Test
    void theCopyIsMin50AndHalfTheContextLessOne() {
        assertThat(HeadRoleProbe.of(1, 50257, 101, 50256).n()).isEqualTo(50);
        assertThat(HeadRoleProbe.of(1, 50257, 64, 50256).n()).isEqualTo(31);
        assertThat(HeadRoleProbe.of(1, 50257, 3, 50256).n()).isEqualTo(1);
        assertThatThrownBy(() -> HeadRoleProbe.of(1, 50257, 2, 50256))
                .hasMessageContaining("context of at least 3 positions").hasMessageContaining("2");
        assertThatThrownBy(() -> HeadRoleProbe.of(1, 20, 64, 19))
                .hasMessageContaining("31 distinct ids").hasMessageContaining("20");
    }
}
