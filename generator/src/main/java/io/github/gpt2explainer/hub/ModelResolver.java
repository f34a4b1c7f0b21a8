package io.github.gpt2explainer.hub;

import io.github.gpt2explainer.text.TerminalText;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns {@code --model} into a folder of files: a local directory as it is, {@code demo} as a marker, a Hub id
 * from the shared Hugging Face cache or else from the Hub (or the mirror at {@code HF_ENDPOINT}).
 *
 * <p>{@link #resolve} is cache-first: a snapshot that is complete for the revision (refs/{revision} or the
 * commit itself) is used without any request, whether written by us or by Python tools. {@link #download}
 * always asks the Hub which commit the revision is now and fetches what is missing.
 */
public final class ModelResolver {

    private static final Logger LOG = LoggerFactory.getLogger(ModelResolver.class);

    private final HubOptions options;
    private final HubCache cache;
    private final HubClient client;
    private final DownloadProgress progress;

    public ModelResolver(HubOptions options) {
        this(options, DownloadProgress.automatic(System.err));
    }

    public ModelResolver(HubOptions options, DownloadProgress progress) {
        this(options, progress, new HubClient(options));
    }

    ModelResolver(HubOptions options, DownloadProgress progress, HubClient client) {
        this.options = options;
        this.cache = new HubCache(options.cacheDir());
        this.client = client;
        this.progress = progress;
    }

    /** Convenience for {@code new ModelResolver(options).resolve(spec)}. */
    public static ResolvedModel resolve(String spec, HubOptions options) {
        return new ModelResolver(options).resolve(spec);
    }

    /** The model for {@code --model spec}: cache first, network only for what the cache lacks. */
    public ResolvedModel resolve(String spec) {
        ModelSpec parsed = ModelSpec.parse(spec);
        return switch (parsed.kind()) {
            case DEMO -> ResolvedModel.demo(spec);
            case LOCAL_DIRECTORY -> local(parsed);
            case HUB -> fromHub(parsed, false);
        };
    }

    /**
     * The {@code download} subcommand: asks the Hub for the revision's current commit and fetches every file
     * not yet cached. Offline, it only checks that the cache has the model.
     */
    public ResolvedModel download(String spec) {
        ModelSpec parsed = ModelSpec.parse(spec);
        if (parsed.kind() != ModelSpec.Kind.HUB) {
            throw new HubException(HubException.Reason.INVALID_SPEC, "Only a Hub model can be downloaded, not '"
                    + spec + "'; use an id such as " + ModelSpec.DEFAULT_MODEL + " or gpt2-medium@main.");
        }
        return fromHub(parsed, true);
    }

    private ResolvedModel fromHub(ModelSpec spec, boolean refresh) {
        CachedSnapshot.Lookup lookup = CachedSnapshot.find(cache, spec.cacheRepoIds(), spec.revision());
        CachedSnapshot cached = lookup.snapshot();
        if (options.offline()) {
            if (cached != null) {
                return cached.toResolved(spec.text(), spec.revision(), true);
            }
            throw offlineNotCached(spec, lookup);
        }
        if (cached != null && cached.isComplete() && !refresh) {
            return cached.toResolved(spec.text(), spec.revision(), false);
        }
        try {
            if (cached != null && !refresh) {
                // config and weights are cached; only ask about the optional files never looked up (same commit)
                return fetch(spec, cached.repoId(), cached.commit());
            }
            return fetch(spec, spec.repoId(), spec.revision());
        } catch (ModelUnavailableException e) {
            if (e.reason() != HubException.Reason.NETWORK) {
                throw e;
            }
            if (cached != null) {
                LOG.warn("{}; using the cached snapshot {} instead", TerminalText.escape(e.getMessage()), cached.directory());
                return cached.toResolved(spec.text(), spec.revision(), true);
            }
            throw networkUnavailable(spec, lookup, e);
        }
    }

    /** Fetches config, weights and optional files of {@code revision} into the cache folder of {@code repoId}. */
    private ResolvedModel fetch(ModelSpec spec, String repoId, String revision) {
        FetchContext context = new FetchContext(repoId, revision);
        if (fetchFile(context, ModelFiles.CONFIG).isEmpty()) {
            throw new ModelUnavailableException(HubException.Reason.NOT_FOUND, "Repository '" + repoId
                    + "' has no " + ModelFiles.CONFIG + " at revision '" + revision + "' ("
                    + client.resolveUrl(repoId, revision, ModelFiles.CONFIG) + "). Check the repository id and"
                    + " revision: a GPT-2 checkpoint needs config.json next to its weights.");
        }
        List<String> weights = fetchWeights(context);
        List<String> missing = new ArrayList<>();
        for (String optional : ModelFiles.OPTIONAL) {
            if (fetchFile(context, optional).isEmpty()) {
                missing.add(optional);
            }
        }
        missing.sort(null);
        return new ResolvedModel(spec.text(), repoId, spec.revision(), context.commit,
                cache.snapshotDir(repoId, context.commit), weights, missing,
                context.requests > 0 ? ResolvedModel.Source.NETWORK : ResolvedModel.Source.CACHE);
    }

    private List<String> fetchWeights(FetchContext context) {
        if (fetchFile(context, ModelFiles.WEIGHTS).isPresent()) {
            return List.of(ModelFiles.WEIGHTS);
        }
        Optional<Path> index = fetchFile(context, ModelFiles.WEIGHTS_INDEX);
        if (index.isEmpty()) {
            throw new HubException(HubException.Reason.UNSUPPORTED, "Repository '" + context.repoId
                    + "' at revision '" + context.requestedRevision + "' has neither " + ModelFiles.WEIGHTS + " nor "
                    + ModelFiles.WEIGHTS_INDEX + ". This tool reads safetensors weights only (not pytorch_model.bin);"
                    + " pick a revision that has them (conversion pull requests are often at refs/pr/N) or convert"
                    + " the checkpoint and pass its directory with --model.");
        }
        List<String> shards = ModelFiles.shardsOf(index.get());
        for (String shard : shards) {
            if (fetchFile(context, shard).isEmpty()) {
                throw new ModelUnavailableException(HubException.Reason.NOT_FOUND, "Shard '" + shard + "' listed in "
                        + ModelFiles.WEIGHTS_INDEX + " is missing from repository '" + context.repoId
                        + "' at commit " + context.commit + ".");
            }
        }
        return shards;
    }

    /** State of one model's fetch: after the first file, later files are asked for at the same commit. */
    private static final class FetchContext {
        final String repoId;
        final String requestedRevision;
        String commit;
        int requests;

        FetchContext(String repoId, String revision) {
            this.repoId = repoId;
            this.requestedRevision = revision;
            this.commit = HubCache.isCommitHash(revision) ? revision : null;
        }

        String revisionToAsk() {
            return commit != null ? commit : requestedRevision;
        }
    }

    /** The snapshot path of {@code file}, downloading it if needed; empty when the repository lacks it. */
    private Optional<Path> fetchFile(FetchContext context, String file) {
        String repoId = context.repoId;
        if (context.commit != null) {
            // a commit never changes: what the cache knows about it needs no request (as huggingface_hub)
            Path pointer = cache.pointer(repoId, context.commit, file);
            if (Files.exists(pointer)) {
                return Optional.of(cache.checkedPointer(repoId, context.commit, file));
            }
            if (cache.isMarkedMissing(repoId, context.commit, file)) {
                return Optional.empty();
            }
        }
        String revision = context.revisionToAsk();
        FileMetadata meta;
        context.requests++;
        try {
            meta = client.metadata(repoId, revision, file);
        } catch (EntryNotFoundException e) {
            String commit = e.commit() != null ? e.commit() : context.commit;
            if (commit != null) {
                onCacheWrite(() -> {
                    cache.markMissing(repoId, commit, file);
                    cache.writeRef(repoId, context.requestedRevision, commit);
                });
                if (context.commit == null) {
                    context.commit = HubCache.checkName("commit", commit);
                }
            }
            return Optional.empty();
        }
        if (context.commit == null) {
            context.commit = meta.commit();
        } else if (!context.commit.equals(meta.commit())) {
            throw new HubException(HubException.Reason.PROTOCOL, "The server answered commit " + meta.commit()
                    + " for " + file + " of '" + repoId + "' asked at " + revision + " (expected " + context.commit
                    + "). Run again; if it persists, HF_ENDPOINT does not behave like the Hub.");
        }
        String commit = context.commit;
        onCacheWrite(() -> cache.writeRef(repoId, context.requestedRevision, commit));
        Path pointer = cache.pointer(repoId, commit, file);
        if (Files.exists(pointer)) {
            return Optional.of(cache.checkedPointer(repoId, commit, file));
        }
        Path blob = cache.blob(repoId, meta.etag());
        if (!Files.exists(blob)) {
            downloadBlob(repoId, revision, file, meta, blob);
        }
        onCacheWrite(() -> cache.link(repoId, commit, file, meta.etag()));
        return Optional.of(pointer);
    }

    /** Downloads into {@code blobs/{etag}.incomplete} under the blob's lock, then renames it into place. */
    private void downloadBlob(String repoId, String revision, String file, FileMetadata meta, Path blob) {
        Path incomplete = cache.incompleteBlob(repoId, meta.etag());
        Path lockFile = cache.lockFile(repoId, meta.etag());
        BlobLocks.Held lock;
        try {
            Files.createDirectories(blob.getParent());
            lock = BlobLocks.acquire(lockFile);
        } catch (IOException e) {
            throw unwritable(e);
        }
        try (lock) {
            if (Files.exists(blob)) {
                return; // someone else finished it while we waited for the lock
            }
            client.download(meta, repoId, revision, file, incomplete, progress);
            try {
                Files.move(incomplete, blob, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(incomplete, blob);
            }
        } catch (IOException e) {
            throw unwritable(e);
        }
    }

    private ResolvedModel local(ModelSpec spec) {
        Path dir = spec.localDirectory();
        List<String> weights = new ArrayList<>();
        if (Files.exists(dir.resolve(ModelFiles.WEIGHTS))) {
            weights.add(ModelFiles.WEIGHTS);
        } else if (Files.exists(dir.resolve(ModelFiles.WEIGHTS_INDEX))) {
            weights.addAll(ModelFiles.shardsOf(dir.resolve(ModelFiles.WEIGHTS_INDEX)));
        }
        List<String> missing = ModelFiles.OPTIONAL.stream().filter(f -> !Files.exists(dir.resolve(f))).sorted().toList();
        return new ResolvedModel(spec.text(), null, null, null, dir, weights, missing,
                ResolvedModel.Source.LOCAL_DIRECTORY);
    }

    private interface CacheWrite {
        void run() throws IOException;
    }

    private void onCacheWrite(CacheWrite write) {
        try {
            write.run();
        } catch (IOException e) {
            throw unwritable(e);
        }
    }

    private HubException unwritable(IOException e) {
        return new HubException(HubException.Reason.DISK, "Cannot write to the Hugging Face cache "
                + options.cacheDir() + ": " + HubClient.describe(e) + ". Free some disk space or set HF_HUB_CACHE"
                + " to a writable directory.", e);
    }

    private ModelUnavailableException offlineNotCached(ModelSpec spec, CachedSnapshot.Lookup lookup) {
        return new ModelUnavailableException(HubException.Reason.OFFLINE_NOT_CACHED, "Model '" + spec.text()
                + "' (revision '" + spec.revision() + "') is not in the Hugging Face cache and offline mode is on"
                + " (HF_HUB_OFFLINE or --offline). Looked in: " + String.join("; ", lookup.lookedAt()) + ". "
                + "To proceed: go online (unset HF_HUB_OFFLINE, drop --offline) or run the download command on a"
                + " connected machine sharing this cache, pass a local checkpoint directory with --model"
                + " /path/to/model, or try the pipeline with --model demo.");
    }

    private ModelUnavailableException networkUnavailable(ModelSpec spec, CachedSnapshot.Lookup lookup,
                                                        ModelUnavailableException cause) {
        return new ModelUnavailableException(HubException.Reason.NETWORK, "Cannot get model '" + spec.text()
                + "' (revision '" + spec.revision() + "'): " + cause.getMessage() + " Nothing usable is cached"
                + " (looked in: " + String.join("; ", lookup.lookedAt()) + "). To proceed: check your network"
                + " connection; or set HF_ENDPOINT to a reachable mirror (e.g. HF_ENDPOINT=https://hf-mirror.com);"
                + " or pass a local checkpoint directory with --model /path/to/model; or try the pipeline with"
                + " --model demo.", cause);
    }
}
