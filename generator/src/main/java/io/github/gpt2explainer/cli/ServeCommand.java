package io.github.gpt2explainer.cli;

import io.github.gpt2explainer.build.TemplateSource;
import io.github.gpt2explainer.build.SiteBuild;
import io.github.gpt2explainer.live.LiveExplainer;
import io.github.gpt2explainer.live.LiveHandler;
import io.github.gpt2explainer.output.PreviewServer;
import io.github.gpt2explainer.output.TreeWatcher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "serve",
        header = "Preview the site on 127.0.0.1, re-rendered on every edit, with a box to explain any prompt live.",
        mixinStandardHelpOptions = true,
        description = "Builds the site, serves it on http://127.0.0.1:PORT/ (this machine only) and re-renders "
                + "when a template, prompt, note or site.yaml changes. The model runs again only for prompts whose "
                + "text or generation settings changed; an edited note or template re-renders from the trace store. "
                + "A failed re-render is reported and the last good site stays online. Every served page also gets "
                + "a \"try your own prompt\" box: the model serve was given computes that prompt's full page "
                + "(http://127.0.0.1:PORT/live?prompt=...), kept in the trace store, and \"keep this prompt\" "
                + "writes it to prompts/<id>.md. The built files never contain the box. Stop with Ctrl-C.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  ./gpt2-explainer serve                       # http://127.0.0.1:8000/",
            "  ./gpt2-explainer serve --port 8080 --model demo",
            "  ./gpt2-explainer serve --no-build            # just serve site-out/ as it is",
            "  ./gpt2-explainer serve --host 0.0.0.0        # a classroom: anyone on the network may run the model"})
final class ServeCommand implements Callable<Integer> {

    /** Edits closer together than this are one re-render. */
    static final Duration DEBOUNCE = Duration.ofMillis(300);

    @ParentCommand
    private RootCommand root;

    @Mixin
    private ModelOptions model;

    @Mixin
    private InputOptions inputs;

    @Option(names = "--port", defaultValue = "8000", paramLabel = "PORT",
            description = "Port to listen on; 0 picks a free one. Default: ${DEFAULT-VALUE}.")
    private int port;

    @Option(names = "--host", paramLabel = "HOST",
            description = "Listen on this interface (an address or name; 0.0.0.0 for all) instead of loopback only. "
                    + "Anyone who can reach it can then read the site and run the model.")
    private String host;

    @Option(names = "--no-live", description = "No \"try your own prompt\" box: serve the site only.")
    private boolean noLive;

    @Mixin
    private OutputOptions output;

    @Option(names = "--no-build", description = "Serve --out as it is: no initial build, no watching.")
    private boolean noBuild;

    @Override
    public Integer call() throws Exception {
        Console console = root.console();
        if (port < 0 || port > 65535) {
            throw new InvalidInputException("--port " + port + " is not a port number (0 to 65535)");
        }
        if (host != null && host.isBlank()) {
            throw new InvalidInputException("--host is empty; give an address such as 0.0.0.0 or leave it out");
        }
        try (SiteBuild build = checkedBuild(console);
             LiveExplainer live = noLive ? null
                     : new LiveExplainer(build::validate, inputs.prompts(),
                             Files.createTempDirectory("gpt2-explainer-live-"))) {
            if (!noBuild) {
                rebuild(build, live, console, "initial build");
            }
            LiveHandler handler = live == null ? null : new LiveHandler(live, LiveHandler.QUEUE, console::info);
            try (PreviewServer server = PreviewServer.start(output.out, host, port, handler);
                 TreeWatcher watcher = noBuild ? null : watch(build, live, console)) {
                if (host != null) {
                    console.error("Warning: serving on " + host + ", not only on this machine: anyone who can reach "
                            + "port " + server.port() + " can read the site" + (live == null ? "" : " and run the model "
                            + "(one prompt at a time)") + ". Leave --host out to serve this machine only.");
                }
                console.result("Serving " + output.out.toAbsolutePath().normalize() + " at " + server.uri()
                        + " (Ctrl-C to stop)" + (live == null ? "" : "; type your own prompt into any page's box, or "
                        + "open " + server.uri() + "live?prompt=..."));
                new CountDownLatch(1).await(); // until interrupted; Ctrl-C ends the JVM through its shutdown hooks
                return ExitCode.OK;
            }
        }
    }

    /**
     * The build serve runs on every edit. Its output check comes first: a misplaced {@code --out} is refused outright
     * (exit 3), not reported as a failed re-render, since every later build would fail the same way.
     */
    private SiteBuild checkedBuild(Console console) throws java.io.IOException {
        SiteBuild build = BuildCommand.siteBuild(console, root.wiring(), model, inputs, output);
        if (!noBuild) {
            try {
                build.checkOutput(output.out);
            } catch (RuntimeException | java.io.IOException e) {
                build.close();
                throw e;
            }
        }
        return build;
    }

    private TreeWatcher watch(SiteBuild build, LiveExplainer live, Console console) throws java.io.IOException {
        List<Path> roots = new ArrayList<>();
        roots.add(inputs.prompts().toAbsolutePath().normalize());
        TemplateSource templates = inputs.templateSource();
        if (!templates.isBundled()) {
            roots.add(templates.directory().toAbsolutePath().normalize());
        }
        roots.removeIf(r -> !Files.isDirectory(r));
        console.info("Watching " + roots.stream().map(Path::toString).collect(Collectors.joining(", ")));
        return TreeWatcher.start(roots, DEBOUNCE, changed -> {
            console.info("Changed: " + changed.stream().map(p -> p.getFileName().toString()).distinct()
                    .collect(Collectors.joining(", ")));
            rebuild(build, live, console, "re-render");
        });
    }

    /** One build; a failure is reported (the previous site stays served) and does not stop the server. */
    private void rebuild(SiteBuild build, LiveExplainer live, Console console, String what) {
        long started = System.nanoTime();
        try {
            build.buildInto(output.out);
            if (live != null) {
                live.inputsChanged(); // live pages follow the edited site.yaml, templates and notes on their next request
            }
            console.info("Site updated (" + what + ", " + (System.nanoTime() - started) / 1_000_000 + " ms)");
        } catch (Exception e) {
            Failures.report(e, console);
            console.error("The " + what + " failed; still serving the previous site. Fix the input and save again.");
        }
    }
}
