package io.github.gpt2explainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.gpt2explainer.insight.HeadRole;
import io.github.gpt2explainer.model.SafetensorsFile;
import io.github.gpt2explainer.output.SiteDiff;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "meet the heads" page through {@code build} with the demo model and the real pipeline: the head roles are
 * measured once and kept in the trace store, a second build with nothing changed does no model work for them, the
 * page shows the stored scores, and {@code build --check} agrees.
 */
class HeadRolesBuildTest {

    private static final Pattern CELL = Pattern.compile(
            "<table class=\"hr-map\" data-role=\"([a-z_]+)\"|data-layer=\"(\\d+)\" data-head=\"(\\d+)\" data-value=\"([^\"]+)\"");

    @TempDir
    Path temp;

    private static Cli.Result cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Cli.Result(code, out.toString(), err.toString());
    }

    private Cli.Result build(String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("build", "--model", "demo", "--prompts",
                temp.resolve("prompts").toString(), "--store", temp.resolve("store").toString(), "--out",
                temp.resolve("site").toString()));
        args.addAll(List.of(more));
        return cli(args.toArray(String[]::new));
    }

    @Test
    void headRolesAreMeasuredOnceKeptInTheStoreAndShownAsStored() throws IOException {
        Path prompts = Files.createDirectories(temp.resolve("prompts"));
        Files.writeString(prompts.resolve("site.yaml"), String.join("\n", "title:", "  en: Heads", "languages: [en]",
                "temperatures: [0]", "max_new_tokens: 2", "seed: 5", ""));
        Files.writeString(prompts.resolve("repeat.md"), String.join("\n", "---", "id: repeat",
                "text: \"one two three one two three\"", "title: Repeat", "---", "<!-- lang: en -->", "A note.", ""));

        Cli.Result first = build();
        assertThat(first.code()).as(first.toString()).isZero();
        assertThat(first.err()).contains("Head roles: 4 x 4 heads scored on a probe of 2 x 50 tokens (seed 20240601)");
        Path stored;
        try (Stream<Path> files = Files.list(temp.resolve("store/heads"))) {
            stored = files.collect(java.util.stream.Collectors.toList()).get(0);
        }
        Path firstSite = Files.createDirectories(temp.resolve("first"));
        copy(temp.resolve("site"), firstSite);

        Cli.Result second = build();
        assertThat(second.code()).as(second.toString()).isZero();
        assertThat(second.err()).contains("nothing to run (no model work)")
                .contains("Head roles: 4 x 4 heads from the trace store (no model work)");
        assertThat(SiteDiff.compare(firstSite, temp.resolve("site")).identical()).isTrue();

        // every cell of every role's map is the stored F32 score of that head
        String html = Files.readString(temp.resolve("site/heads.html"));
        int cells = 0;
        try (SafetensorsFile file = SafetensorsFile.open(stored)) {
            String role = null;
            Matcher m = CELL.matcher(html);
            while (m.find()) {
                if (m.group(1) != null) {
                    role = m.group(1);
                    continue;
                }
                FloatBuffer scores = file.floats("heads." + role); // [L, H]
                int l = Integer.parseInt(m.group(2));
                int h = Integer.parseInt(m.group(3));
                assertThat(Float.parseFloat(m.group(4))).as(role + " " + l + "." + h).isEqualTo(scores.get(l * 4 + h));
                cells++;
            }
            assertThat(file.metadata()).containsEntry("seed", "20240601").containsEntry("n", "50");
        }
        assertThat(cells).isEqualTo(HeadRole.values().length * 4 * 4);

        Cli.Result check = build("--check");
        assertThat(check.code()).as(check.toString()).isZero();
        assertThat(check.err()).contains("Head roles: 4 x 4 heads from the trace store (no model work)");
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
