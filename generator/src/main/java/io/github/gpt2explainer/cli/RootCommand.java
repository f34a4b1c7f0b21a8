package io.github.gpt2explainer.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

@Command(name = "gpt2-explainer",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Runs GPT-2 over a curated prompt set, records every intermediate of the forward pass, and "
                + "writes a static site that explains how a Transformer predicts the next token.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  ./gpt2-explainer build                 # prompts/ -> site-out/",
            "  ./gpt2-explainer serve                 # preview on http://127.0.0.1:8000/",
            "  ./gpt2-explainer check                 # validate inputs, no model needed",
            "  ./gpt2-explainer download --model gpt2 # fill the Hugging Face cache",
            "  ./gpt2-explainer trace --model demo --prompt \"what a beautiful day\" \\",
            "      --out t.safetensors",
            "  ./gpt2-explainer heads --model demo --out heads.safetensors",
            "  ./gpt2-explainer help build            # every command: --help, examples"},
        subcommands = {
            BuildCommand.class,
            ServeCommand.class,
            CheckCommand.class,
            RunCommand.class,
            MergeStoresCommand.class,
            DownloadCommand.class,
            TraceCommand.class,
            HeadsCommand.class,
            CommandLine.HelpCommand.class})
public final class RootCommand implements Runnable {

    private final Console console;
    private final Wiring wiring;

    @Spec
    private CommandSpec spec;

    RootCommand(Console console, Wiring wiring) {
        this.console = console;
        this.wiring = wiring;
    }

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Say more: resolved paths, engine logs, and the cause chain of an error.")
    void verbose(boolean on) {
        if (on) {
            console.setLevel(Console.Level.VERBOSE);
            NativeEngine.verboseLogging();
        }
    }

    @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT,
            description = "Print only results and errors (no progress, no start-up summary).")
    void quiet(boolean on) {
        if (on) {
            console.setLevel(Console.Level.QUIET);
        }
    }

    Console console() {
        return console;
    }

    Wiring wiring() {
        return wiring;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing a command: see --help");
    }

    /** The whole command line, writing to the given streams; errors become exit codes in {@link Failures}. */
    static CommandLine commandLine(PrintWriter out, PrintWriter err, Wiring wiring) {
        Console console = new Console(out, err);
        CommandLine cli = new CommandLine(new RootCommand(console, wiring));
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> Failures.report(ex, console));
        cli.setParameterExceptionHandler(Failures::reportUsage);
        cli.setExitCodeExceptionMapper(Failures::exitCodeFor);
        documentExitCodes(cli);
        return cli;
    }

    /** Every command's --help ends with the same exit-code table, taken from {@link ExitCode#ALL}. */
    private static void documentExitCodes(CommandLine cli) {
        cli.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(ExitCode.helpList());
        cli.getSubcommands().values().forEach(RootCommand::documentExitCodes);
    }
}
