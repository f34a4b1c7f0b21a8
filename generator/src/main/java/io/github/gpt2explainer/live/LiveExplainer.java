package io.github.gpt2explainer.live;

import ai.djl.ndarray.NDManager;
import io.github.gpt2explainer.build.BuildContext;
import io.github.gpt2explainer.build.PromptFit;
import io.github.gpt2explainer.build.SiteBuild;
import io.github.gpt2explainer.build.TemplateSource;
import io.github.gpt2explainer.forward.Gpt2Model;
import io.github.gpt2explainer.model.Checkpoint;
import io.github.gpt2explainer.model.ModelSource;
import io.github.gpt2explainer.prompts.EffectivePrompt;
import io.github.gpt2explainer.prompts.PromptSet;
import io.github.gpt2explainer.prompts.PromptSetException;
import io.github.gpt2explainer.prompts.PromptSetLoader;
import io.github.gpt2explainer.prompts.PromptSpec;
import io.github.gpt2explainer.prompts.SiteSettings;
import io.github.gpt2explainer.runs.PromptRunner;
import io.github.gpt2explainer.site.Messages;
import io.github.gpt2explainer.site.PromptRunSource;
import io.github.gpt2explainer.site.SiteInput;
import io.github.gpt2explainer.site.SiteLayout;
import io.github.gpt2explainer.site.SiteRenderer;
import io.github.gpt2explainer.site.SiteTemplates;
import io.github.gpt2explainer.trace.PromptRun;
import io.github.gpt2explainer.trace.StoreKey;
import io.github.gpt2explainer.trace.TraceStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Serve's live explainer: turns a reader's prompt into the full prompt page of the site, with the model serve was
 * given, held in memory after its first use. The prompt is checked like a prompt file (the same reader, the same
 * context check), run by the build's {@link PromptRunner} unless the trace store already holds it under the
 * build's key (then no model work at all), and rendered by the build's {@link SiteRenderer} for that one prompt
 * into a directory of its own, which the server lays over the built site.
 */
public final class LiveExplainer implements AutoCloseable {

    /** What the reader sees of a computation as it goes. */
    public interface Progress {
        /** A phase begins ({@code "model"}: loading the weights; {@code "run"}; {@code "render"}). */
        void phase(String phase);

        /** {@code done} of {@code total} new tokens generated (every temperature at once). */
        void step(int done, int total);
    }

    /**
     * A rendered live page.
     *
     * @param key     the directory name under {@code r/}: the trace store entry's hash, shortened
     * @param id      the prompt id
     * @param pages   the page of each site language, as a path under the live directory
     * @param ranModel whether the model ran (false: the trace store held the prompt)
     * @param phases   where the time went, for the server log: each phase that ran and its milliseconds
     */
    public record Result(String key, String id, Map<String, String> pages, boolean ranModel, Phases phases) {
    }

    /**
     * The phases of one live request and their wall time, in order, for the server log: {@code model load},
     * {@code prefill} (tokenizing and the captured pass, to the first sampled token), {@code generation} (the other
     * decode steps), {@code lens+insight} (logit lens, logit attribution, occlusion), {@code render} (the page and its
     * data), {@code store write} (on its own thread while the page renders) and {@code store wait} (what the render
     * then still waited for it).
     */
    public static final class Phases {
        private final Map<String, Double> millis = new java.util.LinkedHashMap<>();
        private long mark = System.nanoTime();

        /** Ends the current phase as {@code name} and starts the next one. */
        void end(String name) {
            long now = System.nanoTime();
            add(name, (now - mark) / 1e6);
            mark = now;
        }

        synchronized void add(String name, double ms) {
            millis.merge(name, ms, Double::sum);
        }

        /** Starts the next phase now (time between phases is not counted). */
        void restart() {
            mark = System.nanoTime();
        }

        public synchronized Map<String, Double> millis() {
            return Map.copyOf(millis);
        }

        @Override
        public synchronized String toString() {
            return millis.entrySet().stream().map(e -> String.format(java.util.Locale.ROOT, "%s %.0f ms", e.getKey(),
                    e.getValue())).collect(Collectors.joining(", "));
        }
    }

    private final Supplier<BuildContext> contexts;
    private final Path promptsDir;
    private final Path directory;
    private final AtomicInteger rendering = new AtomicInteger();
    private final AtomicLong modelRuns = new AtomicLong();
    private final Map<String, Integer> rendered = new ConcurrentHashMap<>();
    private final Map<String, LiveRequest> requests = new ConcurrentHashMap<>();
    private final Map<String, Rendered> renderedFrom = new ConcurrentHashMap<>();
    private final Object renderLock = new Object(); // one writer at a time in the rendered directories
    private final Map<String, LivePages.Words> words = new ConcurrentHashMap<>();
    private NDManager manager;
    private Gpt2Model model;
    private Checkpoint checkpoint; // kept beside the model: the insight reads ln_f, c_proj and the head
    private String modelWeights;
    private BuildContext context;
    private final Thread cleanup;
    private final ExecutorService storeWriter = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "live-store-writer");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param contexts  the build's validated inputs, taken on the first request and after {@link #inputsChanged()}
     * @param promptsDir the prompt directory, where "keep" writes
     * @param directory where live pages are rendered (created; emptied by nobody else)
     */
    public LiveExplainer(Supplier<BuildContext> contexts, Path promptsDir, Path directory) throws IOException {
        this.contexts = contexts;
        this.promptsDir = promptsDir.toAbsolutePath().normalize();
        this.directory = Files.createDirectories(directory).toAbsolutePath().normalize();
        // Ctrl-C ends serve through the JVM's shutdown hooks, without closing this: remove the pages then too.
        this.cleanup = new Thread(() -> deleteTree(this.directory), "live-explainer-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    /** The directory the pages are rendered into: {@code r/<key>/p/<id>.html} and the rest of the prompt's files. */
    public Path directory() {
        return directory;
    }

    /** How many prompts the model has run since the start (tests: a repeated prompt adds none). */
    public long modelRuns() {
        return modelRuns.get();
    }

    /** The request a rendered key came from, if this server rendered it. */
    public LiveRequest requestOf(String key) {
        return requests.get(key);
    }

    /**
     * The inputs changed (serve re-rendered after an edit): site.yaml is read again on the next request, and pages
     * are rendered again (the runs stay stored).
     */
    public void inputsChanged() {
        synchronized (this) {
            context = null;
        }
        words.clear();
        rendering.incrementAndGet();
    }

    /**
     * The words of the live pages in {@code requested} if the site has that language (or one it starts with), else in
     * the site's first language: the {@code live.*} UI strings of the templates, as every page of the site reads its
     * strings. While the prompt set has problems, the bundled templates' English.
     */
    LivePages.Words words(String requested) {
        List<String> offered = languages();
        TemplateSource source;
        try {
            source = context().templates();
        } catch (RuntimeException e) { // the prompt set has problems: the page still says what went wrong
            source = TemplateSource.bundled();
        }
        String language = offered.stream().filter(l -> l.equals(requested)).findFirst()
                .or(() -> offered.stream().filter(l -> requested != null && requested.startsWith(l)).findFirst())
                .orElse(offered.get(0));
        TemplateSource templates = source;
        return words.computeIfAbsent(language, l -> {
            try (SiteTemplates t = templates.isBundled() ? SiteTemplates.bundled()
                    : SiteTemplates.directory(templates.directory())) {
                return new LivePages.Words(l, Messages.load(t.i18n(), List.of(l)).strings(l));
            }
        });
    }

    /** The site's languages (English alone while the prompt set has problems). */
    private List<String> languages() {
        try {
            return context().prompts().settings().languages();
        } catch (RuntimeException e) {
            return List.of("en");
        }
    }

    /** The build's validated inputs, read once and again only after {@link #inputsChanged()}. */
    private synchronized BuildContext context() {
        if (context == null) {
            context = contexts.get();
        }
        return context;
    }

    /**
     * The page of a checked request, computed if the trace store does not hold it. Call one at a time.
     */
    public Result explain(Checked checked, Progress progress) throws IOException {
        BuildContext context = checked.context();
        LiveRequest request = checked.request();
        SiteSettings settings = context.prompts().settings();
        PromptSpec spec = checked.spec();
        EffectivePrompt prompt = spec.effective(settings);
        ModelSource source = context.model().get();
        TraceStore store = TraceStore.open(context.storeDir());
        StoreKey key = store.key(source.info(), prompt.id(), prompt.contentHash());
        String name = key.hash().substring(0, 20);
        boolean ran = false;
        Phases phases = new Phases();
        try (TraceStore.Use use = store.use()) {
            int generation = rendering.get();
            Path out = directory.resolve("r").resolve(name);
            if (store.status(key).state() != TraceStore.State.PRESENT) {
                try (PromptRun run = run(prompt, source, progress, phases)) {
                    storeAndRender(context, spec, source, store, key, run, out, progress, phases);
                }
                ran = true;
                modelRuns.incrementAndGet();
            } else if (!Integer.valueOf(generation).equals(rendered.get(name)) || !Files.isDirectory(out)) {
                progress.phase("render");
                phases.restart();
                render(context, spec, source, id -> store.load(key), out);
                phases.end("render");
            }
            rendered.put(name, generation);
            renderedFrom.put(name, new Rendered(context, spec, source, key));
        }
        requests.put(name, request);
        SiteLayout layout = new SiteLayout(settings.languages());
        Map<String, String> pages = settings.languages().stream().collect(Collectors.toMap(l -> l,
                l -> "r/" + name + "/" + layout.promptPage(l, spec.id()), (a, b) -> a, java.util.LinkedHashMap::new));
        return new Result(name, spec.id(), pages, ran, phases);
    }

    /**
     * Stores a new run and renders its page at the same time: the store write (serializing, hashing, writing every
     * captured tensor) on a thread of its own, the page from the run in memory rather than read back from the store,
     * which gives back exactly this run (StoreRoundTripTest), so the page is the one a later render from the store
     * makes. The write is waited for before the run is closed, whatever happens to the render.
     */
    private void storeAndRender(BuildContext context, PromptSpec spec, ModelSource source, TraceStore store,
                                StoreKey key, PromptRun run, Path out, Progress progress, Phases phases)
            throws IOException {
        CompletableFuture<Void> stored = CompletableFuture.runAsync(() -> {
            long start = System.nanoTime();
            store.write(key, run);
            phases.add("store write", (System.nanoTime() - start) / 1e6);
        }, storeWriter);
        try {
            progress.phase("render");
            phases.restart();
            render(context, spec, source, id -> run, out);
            phases.end("render");
        } finally {
            phases.restart();
            try {
                stored.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
            phases.end("store wait");
        }
    }

    /**
     * Writes {@code prompts/<id>.md} for the request, checked as {@code check} checks every prompt (and against the
     * model's context); an existing file of that name is an error, never overwritten.
     *
     * @return the file written
     */
    public Path keep(LiveRequest request) {
        BuildContext context = check(request).context();
        Path file = promptsDir.resolve(request.id() + ".md");
        try {
            Files.writeString(file, request.promptFile(context.prompts().settings()), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            throw new LiveInputException("prompts/" + request.id() + ".md already exists: choose another id "
                    + "(nothing was overwritten)");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        return file;
    }

    /** What a live page was rendered from: enough to render its handouts later, as they would have been then. */
    private record Rendered(BuildContext context, PromptSpec spec, ModelSource source, StoreKey key) {
    }

    /** A request checked against the current inputs, ready to explain. */
    public record Checked(LiveRequest request, BuildContext context, PromptSpec spec) {
    }

    /**
     * The request as a prompt file of this set: the prompt reader's rules, site.yaml's limits, the context.
     *
     * @throws LiveInputException saying what breaks which rule
     */
    public Checked check(LiveRequest request) {
        BuildContext context;
        try {
            context = context();
        } catch (PromptSetException e) {
            throw new LiveInputException("the prompt set has problems, fix them first: " + e.problems().stream()
                    .map(Object::toString).collect(Collectors.joining("; ")));
        }
        return new Checked(request, context, check(request, context));
    }

    private PromptSpec check(LiveRequest request, BuildContext context) {
        SiteSettings settings = context.prompts().settings();
        if (request.maxNewTokens() != null && request.maxNewTokens() > settings.maxNewTokens()
                && request.maxNewTokens() <= PromptSetLoader.MAX_NEW_TOKENS) {
            throw new LiveInputException("max_new_tokens: at most " + settings.maxNewTokens()
                    + " here (site.yaml's max_new_tokens), got " + request.maxNewTokens());
        }
        if (request.temperatures() != null && request.temperatures().size() > settings.temperatures().size()) {
            throw new LiveInputException("temperatures: at most " + settings.temperatures().size()
                    + " here (as many as site.yaml lists), got " + request.temperatures().size());
        }
        String content = request.promptFile(settings);
        try {
            PromptSpec spec = PromptSetLoader.parsePrompt(content, promptsDir.resolve(request.id() + ".md"),
                    settings);
            PromptFit.validate(new PromptSet(settings, List.of(spec)), context.model().get());
            return spec;
        } catch (PromptSetException e) {
            throw new LiveInputException(e.problems().stream().map(p -> p.message()).distinct()
                    .collect(Collectors.joining("; ")));
        }
    }

    /** The prompt's run, with every phase's time: see {@link Phases}. */
    private PromptRun run(EffectivePrompt prompt, ModelSource source, Progress progress, Phases phases) {
        Gpt2Model gpt2 = model(source, progress, phases);
        progress.phase("run");
        phases.restart();
        PromptRunner runner = new PromptRunner(gpt2, checkpoint, source.tokenizer(), source.info());
        PromptRun run = runner.run(prompt, step -> {
            phases.end(step == 1 ? "prefill" : "generation"); // the first token is sampled from the prefill's logits
            progress.step(step, prompt.maxNewTokens());
        });
        phases.end("lens+insight");
        return run;
    }

    /** The model serve holds: loaded on the first prompt that needs it, again only if site.yaml names another. */
    private synchronized Gpt2Model model(ModelSource source, Progress progress, Phases phases) {
        String weights = source.info().weightsSha256();
        if (model == null || !weights.equals(modelWeights)) {
            closeModel();
            progress.phase("model");
            phases.restart();
            manager = NDManager.newBaseManager("PyTorch");
            checkpoint = source.loadCheckpoint();
            model = Gpt2Model.load(checkpoint, manager);
            modelWeights = weights;
            phases.end("model load");
        }
        return model;
    }

    /**
     * The prompt's files, rendered beside {@code out} and moved into place, so no request sees half a page. The
     * handouts are left out: each inlines the page and its data again, which every new prompt would wait for;
     * {@link #renderHandouts} renders them when one is asked for.
     */
    private void render(BuildContext context, PromptSpec spec, ModelSource source, PromptRunSource runs, Path out)
            throws IOException {
        Set<String> handouts = handoutPaths(context, spec);
        synchronized (renderLock) {
            Path staging = Files.createTempDirectory(Files.createDirectories(out.getParent()), ".tmp-");
            try {
                renderFiles(context, spec, source, runs, staging, path -> !handouts.contains(path));
                Path old = out.resolveSibling(".old-" + out.getFileName());
                if (Files.exists(out)) {
                    deleteTree(old);
                    Files.move(out, old, StandardCopyOption.ATOMIC_MOVE);
                }
                Files.move(staging, out, StandardCopyOption.ATOMIC_MOVE);
                deleteTree(old);
            } finally {
                deleteTree(staging);
            }
        }
    }

    /**
     * Renders the handouts of the live page {@code name} if they are not there yet: the first time a reader opens
     * one. They come out as a build would write them, from the stored run and the inputs the page was rendered with.
     *
     * @return false if this server rendered no page of that name
     */
    public boolean renderHandouts(String name) throws IOException {
        Rendered from = renderedFrom.get(name);
        if (from == null) {
            return false;
        }
        Set<String> handouts = handoutPaths(from.context(), from.spec());
        synchronized (renderLock) {
            Path out = directory.resolve("r").resolve(name);
            if (!Files.isDirectory(out) || handouts.stream().allMatch(h -> Files.isRegularFile(out.resolve(h)))) {
                return true;
            }
            Path staging = Files.createTempDirectory(out.getParent(), ".tmp-");
            try {
                TraceStore store = TraceStore.open(from.context().storeDir());
                try (TraceStore.Use use = store.use()) {
                    renderFiles(from.context(), from.spec(), from.source(), id -> store.load(from.key()), staging,
                            handouts::contains);
                }
                for (String handout : handouts) {
                    Path target = out.resolve(handout);
                    Files.createDirectories(target.getParent());
                    Files.move(staging.resolve(handout), target, StandardCopyOption.ATOMIC_MOVE,
                            StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                deleteTree(staging);
            }
        }
        return true;
    }

    /** The site paths of the prompt's handouts, one per language. */
    private static Set<String> handoutPaths(BuildContext context, PromptSpec spec) {
        SiteLayout layout = new SiteLayout(context.prompts().settings().languages());
        return layout.languages().stream().map(lang -> layout.handoutPage(lang, spec.id())).collect(Collectors.toSet());
    }

    /** The prompt's files that {@code include} accepts, rendered into {@code dir} as a build renders them. */
    private static void renderFiles(BuildContext context, PromptSpec spec, ModelSource source, PromptRunSource runs,
                                    Path dir, Predicate<String> include) {
        PromptSet set = new PromptSet(context.prompts().settings(), List.of(spec));
        try (SiteTemplates templates = context.templates().isBundled() ? SiteTemplates.bundled()
                : SiteTemplates.directory(context.templates().directory())) {
            SiteInput input = new SiteInput(set, source.info(), runs, SiteBuild.toolVersion());
            new SiteRenderer(templates).renderPrompt(input, dir, include);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | RuntimeException e) {
            // a temporary directory: left for the OS
        }
    }

    private synchronized void closeModel() {
        if (model != null) {
            model.close();
            model = null;
            checkpoint = null;
        }
        if (manager != null) {
            manager.close();
            manager = null;
        }
    }

    @Override
    public void close() {
        storeWriter.shutdown();
        closeModel();
        deleteTree(directory);
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs (or ran) anyway
        }
    }
}
