package io.github.gpt2explainer.build;

import io.github.gpt2explainer.prompts.EffectivePrompt;
import io.github.gpt2explainer.prompts.PromptSet;
import io.github.gpt2explainer.prompts.PromptSpec;
import io.github.gpt2explainer.site.Markdown;
import io.github.gpt2explainer.site.MarkdownTooDeepException;
import io.github.gpt2explainer.text.MarkdownDepth;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * For {@code check}: Markdown the site build could not render because it nests too deeply. Prose files are
 * measured with {@link MarkdownDepth} (file and line); notes were measured by the prompt loader already. Both
 * are then rendered once, so nesting the line measure does not see (emphasis or brackets inside each other
 * thousands of times) is found here too rather than only by {@code build}.
 */
final class MarkdownCheck {

    private static final Markdown MARKDOWN = new Markdown();

    private MarkdownCheck() {
    }

    /** Prose and chapters ({@code prose/**}{@code /*.md}) nested deeper than the Markdown renderer allows. */
    static List<String> proseProblems(Path prose) throws IOException {
        if (!Files.isDirectory(prose)) {
            return List.of();
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(prose)) {
            files = walk.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".md")).sorted().toList();
        }
        List<String> problems = new ArrayList<>();
        for (Path file : files) {
            try {
                String text = Files.readString(file);
                MarkdownDepth.check(text).ifPresentOrElse(
                        deep -> problems.add(file + ":" + deep.line() + ": " + deep.message()),
                        () -> unrenderable(text).ifPresent(why -> problems.add(file + ": " + why)));
            } catch (IOException e) {
                problems.add(file + ": cannot read: " + e.getMessage());
            }
        }
        return problems;
    }

    /**
     * Notes that pass {@link MarkdownDepth} but still nest too deeply for the renderer (emphasis or brackets
     * inside each other thousands of times): rendered here once, so check finds what build would.
     */
    static List<String> noteProblems(PromptSet prompts) {
        List<String> problems = new ArrayList<>();
        for (EffectivePrompt prompt : prompts.effectivePrompts()) {
            PromptSpec spec = prompt.spec();
            spec.notes().forEach((language, note) -> unrenderable(note)
                    .ifPresent(why -> problems.add(spec.source() + ": the '" + language + "' note: " + why)));
        }
        return problems;
    }

    private static Optional<String> unrenderable(String markdown) {
        try {
            MARKDOWN.toHtml(markdown);
            return Optional.empty();
        } catch (MarkdownTooDeepException e) {
            return Optional.of("the Markdown nests too deeply to render; flatten its quotes, lists, links or emphasis");
        }
    }
}
