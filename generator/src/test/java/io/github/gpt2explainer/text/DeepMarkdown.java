package io.github.gpt2explainer.text;

import java.util.ArrayList;
import java.util.List;

/** Markdown that nests too deeply, as issue 13 reproduced it (shared by the text, site and cli tests). */
public final class DeepMarkdown {
    private DeepMarkdown() {
    }

    /** A line of 1000 quote markers. */
    public static final String THOUSAND_QUOTES = ">".repeat(1000) + " deep";

    /** {@code - level 0}, then each item indented two columns under the one before. */
    public static String nestedList(int levels) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < levels; i++) {
            lines.add("  ".repeat(i) + "- level " + i);
        }
        return String.join("\n", lines) + "\n";
    }
}
