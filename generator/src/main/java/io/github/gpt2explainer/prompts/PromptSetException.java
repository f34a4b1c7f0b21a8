package io.github.gpt2explainer.prompts;

import java.util.List;

/**
 * The prompt set is unusable; carries every problem found (not just the first), sorted by file and line.
 * The message lists them all, numbered.
 */
public class PromptSetException extends RuntimeException {

    private final List<Problem> problems;

    public PromptSetException(List<Problem> problems) {
        super(describe(problems));
        this.problems = List.copyOf(problems.stream().sorted().toList());
    }

    public List<Problem> problems() {
        return problems;
    }

    private static String describe(List<Problem> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a PromptSetException needs at least one problem");
        }
        List<Problem> sorted = problems.stream().sorted().toList();
        StringBuilder sb = new StringBuilder();
        sb.append(sorted.size() == 1 ? "1 problem" : sorted.size() + " problems").append(" in the prompt set:");
        for (int i = 0; i < sorted.size(); i++) {
            sb.append(System.lineSeparator()).append("  ").append(i + 1).append(". ").append(sorted.get(i));
        }
        return sb.toString();
    }
}
