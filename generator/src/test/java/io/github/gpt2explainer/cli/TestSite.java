package io.github.gpt2explainer.cli;

import io.github.gpt2explainer.build.BuildContext;
import io.github.gpt2explainer.build.FakePipeline;
import io.github.gpt2explainer.build.SitePipeline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A small site's inputs on disk (prompts, templates) and fake pipelines that render them into files. */
final class TestSite {

    final Path root;
    final Path prompts;
    final Path templates;
    final Path out;
    final Path store;

    TestSite(Path root) {
        this.root = root;
        this.prompts = root.resolve("prompts");
        this.templates = root.resolve("templates");
        this.out = root.resolve("site-out");
        this.store = root.resolve(".trace-store");
        write(prompts.resolve("site.yaml"), String.join("\n",
                "title:",
                "  en: Test site",
                "  zh: 测试站点",
                "languages: [en, zh]",
                "temperatures: [0, 0.8]",
                "max_new_tokens: 4",
                "top_p: 1.0",
                "seed: 7",
                ""));
        prompt("alpha", "The Eiffel Tower is in");
        prompt("beta", "Once upon a time");
        write(templates.resolve("page.ftlh"), "<h1>${title}</h1>\n");
    }

    void prompt(String id, String text) {
        write(prompts.resolve(id + ".md"), String.join("\n",
                "---",
                "id: " + id,
                "text: \"" + text + "\"",
                "title:",
                "  en: " + id,
                "  zh: " + id,
                "---",
                "<!-- lang: en -->",
                "A note.",
                "",
                "<!-- lang: zh -->",
                "一个注释。",
                ""));
    }

    /** The options that point build/serve/check at this site, with the demo model. */
    List<String> options(String... more) {
        List<String> args = new ArrayList<>(List.of("--model", "demo", "--prompts", prompts.toString(),
                "--templates", templates.toString(), "--out", out.toString(), "--store", store.toString()));
        args.addAll(List.of(more));
        return args;
    }

    String[] args(String command, String... more) {
        List<String> args = new ArrayList<>();
        args.add(command);
        args.addAll(options(more));
        return args.toArray(String[]::new);
    }

    static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Renders index.html from the template's text and the prompt texts, and one file per prompt: a deterministic
     * stand-in for the trace store + renderer. Counts its builds.
     */
    static final class RenderingPipeline implements SitePipeline {
        final AtomicInteger builds = new AtomicInteger();
        private final SitePipeline fake = FakePipeline.rendering(this::render);

        @Override
        public Runs runWhatChanged(BuildContext context) {
            return fake.runWhatChanged(context);
        }

        @Override
        public Plan plan(BuildContext context, Runs runs) {
            return fake.plan(context, runs);
        }

        void render(BuildContext context, Path siteDir) throws IOException {
            builds.incrementAndGet();
            StringBuilder index = new StringBuilder("<!doctype html>\n");
            if (!context.templates().isBundled()) {
                index.append(Files.readString(context.templates().directory().resolve("page.ftlh")));
            }
            for (var prompt : context.prompts().effectivePrompts()) {
                index.append("<p>").append(prompt.id()).append(": ").append(prompt.text()).append("</p>\n");
                write(siteDir.resolve("prompts/" + prompt.id() + ".json"), "{\"text\":\"" + prompt.text() + "\"}\n");
            }
            write(siteDir.resolve("index.html"), index.toString());
            write(siteDir.resolve("style.css"), "body { margin: 0 }\n");
        }
    }
}
