package io.github.gpt2explainer.cli;

import io.github.gpt2explainer.build.FakePipeline;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** --help, --version and usage errors, in-process. */
class CliHelpTest {

    private static final Wiring WIRING = new Wiring(Map.of(), FakePipeline.rendering((context, dir) -> {
        throw new AssertionError("no command here may build");
    }));

    @ParameterizedTest
    @ValueSource(strings = {"build", "serve", "check", "download", "trace", "heads", "run"})
    void everyCommandHasHelpWithExamplesAndExitCodes(String command) {
        Cli.Result result = Cli.run(WIRING, command, "--help");

        assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.OK);
        assertThat(result.out()).contains("Usage: gpt2-explainer " + command)
                .contains("Examples:").contains("./gpt2-explainer " + command)
                .contains("Exit codes:").contains("130").contains("another build is writing");
        assertThat(result.err()).isEmpty();
    }

    @Test
    void buildAndServeDescribeOutAndStoreAlike() {
        String build = Cli.run(WIRING, "build", "--help").out();
        String serve = Cli.run(WIRING, "serve", "--help").out();

        for (String option : new String[] {"--out=DIR", "--store=DIR"}) {
            assertThat(build).contains("[" + option + "]");
            assertThat(serve).contains("[" + option + "]");
            assertThat(optionHelp(serve, option)).isEqualTo(optionHelp(build, option));
        }
        assertThat(optionHelp(build, "--out=DIR")).endsWith("Default: site-out.");
        assertThat(optionHelp(build, "--store=DIR")).endsWith("Default: .trace-store.");
    }

    @Test
    void runDescribesPromptsAndStoreAsBuildDoes() {
        String build = Cli.run(WIRING, "build", "--help").out();
        String run = Cli.run(WIRING, "run", "--help").out();

        for (String option : new String[] {"--prompts=DIR", "--store=DIR"}) {
            assertThat(optionHelp(run, option)).isEqualTo(optionHelp(build, option));
        }
    }

    /** An option's line in the option list with its continuation lines, whitespace collapsed. */
    private static String optionHelp(String help, String option) {
        StringBuilder text = new StringBuilder();
        boolean inside = false;
        for (String line : help.lines().toList()) {
            if (inside && line.startsWith("        ")) {
                text.append(' ').append(line.strip());
            } else if (inside) {
                break;
            } else if (line.strip().startsWith(option + " ")) {
                inside = true;
                text.append(line.strip());
            }
        }
        assertThat(text).as(option + " in\n" + help).isNotEmpty();
        return text.toString().replaceAll("\\s+", " ");
    }

    @Test
    void rootHelpListsEveryCommand() {
        Cli.Result result = Cli.run(WIRING, "--help");

        assertThat(result.code()).isEqualTo(ExitCode.OK);
        assertThat(result.out()).contains("build", "serve", "check", "download", "trace", "heads", "Examples:", "Exit codes:");
    }

    @Test
    void helpSubcommandShowsACommandsHelp() {
        Cli.Result result = Cli.run(WIRING, "help", "build");

        assertThat(result.code()).isEqualTo(ExitCode.OK);
        assertThat(result.out()).contains("Usage: gpt2-explainer build").contains("--check");
    }

    @Test
    void versionNamesTheTool() {
        Cli.Result result = Cli.run(WIRING, "--version");

        assertThat(result.code()).isEqualTo(ExitCode.OK);
        assertThat(result.out().strip()).isEqualTo("gpt2-explainer development build");
    }

    @Test
    void unknownOptionIsAUsageErrorWithASuggestionAndNoUsageDump() {
        Cli.Result result = Cli.run(WIRING, "build", "--chek");

        assertThat(result.code()).isEqualTo(ExitCode.USAGE).isEqualTo(2);
        assertThat(result.err()).contains("error: Unknown option: '--chek'").contains("--check")
                .contains("Try 'gpt2-explainer build --help'");
        assertThat(result.err()).doesNotContain("\tat ");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void missingCommandIsAUsageError() {
        Cli.Result result = Cli.run(WIRING);

        assertThat(result.code()).isEqualTo(ExitCode.USAGE);
        assertThat(result.err()).contains("missing a command");
    }

    @Test
    void unknownCommandIsAUsageError() {
        Cli.Result result = Cli.run(WIRING, "biuld");

        assertThat(result.code()).isEqualTo(ExitCode.USAGE);
        assertThat(result.err()).contains("biuld").contains("build");
    }

    @Test
    void badOptionValueIsAUsageError() {
        Cli.Result result = Cli.run(WIRING, "serve", "--port", "eighty");

        assertThat(result.code()).isEqualTo(ExitCode.USAGE);
        assertThat(result.err()).contains("--port").contains("eighty");
    }

    @Test
    void exitCodeTableForTheReadmeHasEveryCodeOnce() {
        String table = ExitCode.markdownTable();

        assertThat(table).startsWith("| Code | Name | Meaning |");
        for (int code : new int[] {0, 1, 2, 3, 4, 5, 6, 7, 130}) {
            assertThat(table).containsOnlyOnce("| " + code + " | `");
        }
        assertThat(ExitCode.ALL).extracting(ExitCode.Meaning::code).doesNotHaveDuplicates().isSorted();
    }

    @Test
    void readmeDocumentsExactlyTheseExitCodes() throws IOException {
        Path here = Path.of("").toAbsolutePath(); // generator/ under Maven, the root in an IDE
        Path readme = Files.isDirectory(here.resolve("generator")) ? here.resolve("README.md")
                : here.getParent().resolve("README.md");

        assertThat(Files.readString(readme)).contains(ExitCode.markdownTable());
    }
}
