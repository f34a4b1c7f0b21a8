package io.github.gpt2explainer.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

@Command(name = "gpt2-explainer",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Runs GPT-2 over a curated prompt set, records every intermediate of the forward pass,",
            "and writes a static site that explains how a Transformer predicts the next token."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  ./gpt2-explainer trace --model demo --prompt \"what a beautiful day\" --out t.safetensors",
            "  ./gpt2-explainer render --model demo --out site-out",
            "",
            "Exit codes: 0 ok, 1 failure, 2 usage, 3 invalid input, 4 model unavailable,",
            "5 broken checkpoint, 6 stale site, 7 output locked, 130 interrupted."},
        subcommands = {TraceCommand.class, RenderCommand.class, CommandLine.HelpCommand.class})
public final class RootCommand implements Runnable {

    private final Console console;

    RootCommand(Console console) {
        this.console = console;
    }

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Say more: engine logs, and the cause chain of an error.")
    void verbose(boolean on) {
        if (on) {
            console.setLevel(Console.Level.VERBOSE);
            NativeEngine.verboseLogging();
        }
    }

    @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT,
            description = "Print only results and errors.")
    void quiet(boolean on) {
        if (on) {
            console.setLevel(Console.Level.QUIET);
        }
    }

    Console console() {
        return console;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "Missing a command: see --help.");
    }

    /** The whole command line, writing to the given streams; errors become exit codes in {@link Failures}. */
    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        Console console = new Console(out, err);
        CommandLine cli = new CommandLine(new RootCommand(console));
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> Failures.report(ex, console));
        cli.setExitCodeExceptionMapper(ex -> ExitCode.FAILURE);
        return cli;
    }
}
