package io.github.gpt2explainer.build;

import freemarker.core.ParseException;
import freemarker.template.Configuration;
import io.github.gpt2explainer.site.Chapters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Parses every FreeMarker template ({@code *.ftlh}, {@code *.ftl}) under a directory without rendering it, so
 * syntax errors are found in a second, with file and line, before any model work; and checks that no prose
 * Markdown nests deeper than the renderer allows ({@link MarkdownCheck}).
 */
final class TemplateCheck {

    /** Result: how many templates were parsed, and one {@code file:line: message} per problem. */
    record Result(int templates, List<String> problems) {
    }

    private TemplateCheck() {
    }

    static Result check(Path dir) throws IOException {
        List<String> problems = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            problems.add(dir + ": " + (Files.exists(dir) ? "not a directory" : "the templates directory does not exist"));
            return new Result(0, problems);
        }
        Configuration config = new Configuration(Configuration.VERSION_2_3_34);
        config.setDirectoryForTemplateLoading(dir.toFile());
        config.setDefaultEncoding("UTF-8");
        config.setLocalizedLookup(false);
        List<Path> templates;
        try (Stream<Path> walk = Files.walk(dir)) {
            templates = walk.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".ftlh") || p.toString().endsWith(".ftl"))
                    .sorted().toList();
        }
        if (templates.isEmpty()) {
            problems.add(dir + ": no templates (*.ftlh) in the templates directory");
        }
        for (Path template : templates) {
            String name = dir.relativize(template).toString().replace(dir.getFileSystem().getSeparator(), "/");
            try {
                config.getTemplate(name);
            } catch (ParseException e) {
                int line = e.getLineNumber();
                problems.add(template + (line > 0 ? ":" + line : "") + ": " + firstLine(e.getEditorMessage()));
            } catch (IOException e) {
                problems.add(template + ": cannot read: " + e.getMessage());
            }
        }
        problems.addAll(MarkdownCheck.proseProblems(dir.resolve("prose")));
        problems.addAll(Chapters.problemsWithoutModel(dir.resolve("prose")));
        return new Result(templates.size(), problems);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "syntax error";
        }
        String trimmed = message.strip();
        int newline = trimmed.indexOf('\n');
        return newline < 0 ? trimmed : trimmed.substring(0, newline).strip();
    }
}
