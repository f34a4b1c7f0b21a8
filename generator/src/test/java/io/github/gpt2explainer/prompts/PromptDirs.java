package io.github.gpt2explainer.prompts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds prompt directories for tests. */
public final class PromptDirs {

    public static final String SITE = String.join("\n",
            "title:",                              // 1
            "  en: Test site",                     // 2
            "  zh: 测试站点",                        // 3
            "languages: [en, zh]",                 // 4
            "temperatures: [0.8, 0, 2.0, 0.3, 1.2]", // 5
            "max_new_tokens: 16",                  // 6
            "top_p: 1.0",                          // 7
            "seed: 1234",                          // 8
            "");

    public static final String NOTES = String.join("\n",
            "<!-- lang: en -->",
            "Look at the last position.",
            "",
            "<!-- lang: zh -->",
            "看最后一个位置。",
            "");

    private PromptDirs() {
    }

    public static Path write(Path dir, String name, String content) {
        try {
            Path file = dir.resolve(name);
            Files.createDirectories(file.getParent());
            Files.writeString(file, content, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void site(Path dir) {
        write(dir, "site.yaml", SITE);
    }

    /** A prompt file: '---', the given front matter lines (file line 2 onwards), '---', then the notes. */
    public static Path prompt(Path dir, String id, String... frontMatterLines) {
        return write(dir, id + ".md", "---\n" + String.join("\n", frontMatterLines) + "\n---\n" + NOTES);
    }

    /** Front matter lines of a valid prompt: id on line 2, text on 3, title on 4-6. */
    public static String[] valid(String id) {
        return new String[] {"id: " + id, "text: \"Hello, world\"", "title:", "  en: Hello", "  zh: 你好"};
    }

    public static Path validPrompt(Path dir, String id) {
        return prompt(dir, id, valid(id));
    }

    public static String[] with(String[] lines, String... more) {
        String[] all = java.util.Arrays.copyOf(lines, lines.length + more.length);
        System.arraycopy(more, 0, all, lines.length, more.length);
        return all;
    }
}
