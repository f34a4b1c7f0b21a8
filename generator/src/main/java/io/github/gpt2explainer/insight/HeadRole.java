package io.github.gpt2explainer.insight;

/**
 * The standard probes of what an attention head does, each a mean attention weight on the
 * {@link HeadRoleProbe} (T = 2n + 1 positions, q a query, a(q, k) the softmax weight on key k).
 */
public enum HeadRole {
    /** Mean of a(q, q − 1) over q = 1 .. T − 1. */
    PREVIOUS_TOKEN("previous_token"),
    /** Mean of a(q, q − n + 1) over the second copy q = n + 1 .. 2n: the token after the first occurrence. */
    INDUCTION("induction"),
    /** Mean of a(q, q − n) over the second copy: the first occurrence itself. */
    DUPLICATE_TOKEN("duplicate_token"),
    /** Mean of a(q, 0) over q = 1 .. T − 1: the attention sink. */
    FIRST_TOKEN("first_token");

    private final String key;

    HeadRole(String key) {
        this.key = key;
    }

    /** The role's name in files, e.g. {@code previous_token}. */
    public String key() {
        return key;
    }

    /** The tensor name in a heads file, e.g. {@code heads.induction}. */
    public String tensorName() {
        return "heads." + key;
    }
}
