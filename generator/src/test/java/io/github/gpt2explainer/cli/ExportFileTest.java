package io.github.gpt2explainer.cli;

import io.github.gpt2explainer.build.FakePipeline;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.gpt2explainer.model.SafetensorsFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code trace --out} and {@code heads --out} replace only a file this tool wrote (issue 13: no command deletes a file it did not create). */
class ExportFileTest {

    private static final Wiring WIRING = new Wiring(Map.of(), FakePipeline.rendering((context, dir) -> {
        throw new AssertionError("trace and heads never build a site");
    }));

    @Test
    void aUsersFileIsNeverOverwritten(@TempDir Path dir) throws IOException {
        Path thesis = dir.resolve("thesis.txt");
        Files.writeString(thesis, "precious", StandardCharsets.UTF_8);

        for (String command : new String[] {"trace", "heads"}) {
            Cli.Result result = command.equals("trace")
                    ? Cli.run(WIRING, "trace", "--model", "demo", "--prompt", "hello", "--out", thesis.toString())
                    : Cli.run(WIRING, "heads", "--model", "demo", "--out", thesis.toString());

            assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.INVALID_INPUT);
            assertThat(result.err()).contains(thesis.toString()).contains("was not written by gpt2-explainer");
            assertThat(Files.readString(thesis, StandardCharsets.UTF_8)).isEqualTo("precious");
        }
    }

    @Test
    void aSafetensorsFileFromElsewhereIsNotOverwrittenButOurOwnIs(@TempDir Path dir) throws IOException {
        Path heads = dir.resolve("heads.safetensors");
        assertThat(Cli.run(WIRING, "heads", "--model", "demo", "--out", heads.toString()).code()).isZero();
        byte[] headsBytes = Files.readAllBytes(heads);

        // heads' file is a gpt2-explainer file, so trace may replace it, and a second trace replaces the first.
        Path trace = dir.resolve("trace.safetensors");
        Files.copy(heads, trace);
        assertThat(Cli.run(WIRING, "trace", "--model", "demo", "--prompt", "hello", "--out", trace.toString()).code())
                .isZero();
        assertThat(Cli.run(WIRING, "trace", "--model", "demo", "--prompt", "hello there", "--out", trace.toString())
                .code()).isZero();
        try (SafetensorsFile file = SafetensorsFile.open(trace)) {
            assertThat(file.metadata()).containsEntry("prompt", "hello there");
        }

        // A safetensors file without our format (say, someone's checkpoint) stays as it is.
        Path checkpoint = dir.resolve("model.safetensors");
        Files.write(checkpoint, headsBytes);
        byte[] foreign = new String(headsBytes, StandardCharsets.ISO_8859_1)
                .replace("gpt2-explainer heads v1", "someone-else heads v1!").getBytes(StandardCharsets.ISO_8859_1);
        Files.write(checkpoint, foreign);
        Cli.Result result = Cli.run(WIRING, "trace", "--model", "demo", "--prompt", "hello", "--out", checkpoint.toString());
        assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(Files.readAllBytes(checkpoint)).isEqualTo(foreign);
    }
}
