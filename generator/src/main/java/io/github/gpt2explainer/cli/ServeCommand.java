package io.github.gpt2explainer.cli;

import io.github.gpt2explainer.build.TemplateSource;
import io.github.gpt2explainer.build.SiteBuild;
import io.github.gpt2explainer.build.OutputPlacement;
import io.github.gpt2explainer.output.PreviewServer;
import io.github.gpt2explainer.output.SiteMarker;
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
        header = "Preview the site on 127.0.0.1, re-rendered on every edit.",
        mixinStandardHelpOptions = true,
        description = "Builds the site, serves it on http://127.0.0.1:PORT/ (this machine only) and re-renders "
                + "when a template, prompt, note or site.yaml changes. The model runs again only for prompts whose "
                + "text or generation settings changed; an edited note or template re-renders from the trace store. "
                + "A failed re-render is reported and the last good site stays online. Stop with Ctrl-C.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  ./gpt2-explainer serve                       # http://127.0.0.1:8000/",
            "  ./gpt2-explainer serve --port 8080 --model demo",
            "  ./gpt2-explainer serve --no-build            # just serve site-out/ as it is"})
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
            description = "Port on 127.0.0.1; 0 picks a free one. Default: ${DEFAULT-VALUE}.")
    private int port;

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
        if (!noBuild) {
            // Refused outright (exit 3), not reported as a failed re-render: every later build would fail the same way.
            OutputPlacement.check(output.out, inputs.prompts(), inputs.templateSource(), output.store());
            SiteMarker.requireReplaceable(output.out.toAbsolutePath().normalize());
        }
        try (SiteBuild build = BuildCommand.siteBuild(console, root.wiring(), model, inputs, output)) {
            if (!noBuild) {
                rebuild(build, console, "initial build");
            }
            try (PreviewServer server = PreviewServer.start(output.out, port);
                 TreeWatcher watcher = noBuild ? null : watch(build, console)) {
                console.result("Serving " + output.out.toAbsolutePath().normalize() + " at " + server.uri()
                        + " (Ctrl-C to stop)");
                new CountDownLatch(1).await(); // until interrupted; Ctrl-C ends the JVM through its shutdown hooks
                return ExitCode.OK;
            }
        }
    }

    private TreeWatcher watch(SiteBuild build, Console console) throws java.io.IOException {
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
            rebuild(build, console, "re-render");
        });
    }

    /** One build; a failure is reported (the previous site stays served) and does not stop the server. */
    private void rebuild(SiteBuild build, Console console, String what) {
        long started = System.nanoTime();
        try {
            build.buildInto(output.out);
            console.info("Site updated (" + what + ", " + (System.nanoTime() - started) / 1_000_000 + " ms)");
        } catch (Exception e) {
            Failures.report(e, console);
            console.error("The " + what + " failed; still serving the previous site. Fix the input and save again.");
        }
    }
}
