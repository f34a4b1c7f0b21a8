package io.github.gpt2explainer.hub;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A snapshot in the Hub cache that holds everything required (config and safetensors weights), with what is
 * known about the optional files.
 *
 * @param repoId          the repository id of the cache folder it was found in
 * @param commit          the snapshot's commit
 * @param directory       {@code snapshots/{commit}}
 * @param weightFiles     {@code model.safetensors} or the shards
 * @param missingOptional optional files recorded as absent in {@code .no_exist}
 * @param unknownOptional optional files neither present nor recorded absent (a partial Python download)
 */
record CachedSnapshot(String repoId, String commit, Path directory, List<String> weightFiles,
                      List<String> missingOptional, List<String> unknownOptional) {

    /** Result of looking for a model in the cache: the usable snapshot if any, and what was looked at. */
    record Lookup(CachedSnapshot snapshot, List<String> lookedAt) {
        boolean found() {
            return snapshot != null;
        }
    }

    boolean isComplete() {
        return unknownOptional.isEmpty();
    }

    ResolvedModel toResolved(String id, String revision, boolean treatUnknownAsMissing) {
        List<String> missing = new ArrayList<>(missingOptional);
        if (treatUnknownAsMissing) {
            missing.addAll(unknownOptional);
        }
        missing.sort(null);
        return new ResolvedModel(id, repoId, revision, commit, directory, weightFiles, missing,
                ResolvedModel.Source.CACHE);
    }

    /** Looks for {@code revision} in the cache folder of each candidate repo id, first usable one wins. */
    static Lookup find(HubCache cache, List<String> repoIds, String revision) {
        List<String> lookedAt = new ArrayList<>();
        for (String repoId : repoIds) {
            Path folder = cache.repoFolder(repoId);
            var commit = cache.resolveCommit(repoId, revision);
            if (commit.isEmpty()) {
                lookedAt.add(folder + (Files.isDirectory(folder)
                        ? " (no snapshot for revision '" + revision + "': no refs/" + revision + ")"
                        : " (absent)"));
                continue;
            }
            StringBuilder why = new StringBuilder();
            CachedSnapshot snapshot = inspect(cache, repoId, commit.get(), why);
            if (snapshot != null) {
                return new Lookup(snapshot, List.copyOf(lookedAt));
            }
            lookedAt.add(cache.snapshotDir(repoId, commit.get()) + " (" + why + ")");
        }
        return new Lookup(null, List.copyOf(lookedAt));
    }

    /**
     * The snapshot if its required files are all there (symlinks resolving to blobs), else null with why. A file
     * that leads outside the repository's blobs is an error ({@link HubCache#checkedPointer}), not a reason to
     * download it again.
     */
    static CachedSnapshot inspect(HubCache cache, String repoId, String commit, StringBuilder why) {
        Path dir = cache.snapshotDir(repoId, commit);
        if (!Files.exists(dir.resolve(ModelFiles.CONFIG))) {
            why.append("no ").append(ModelFiles.CONFIG);
            return null;
        }
        cache.checkedPointer(repoId, commit, ModelFiles.CONFIG);
        List<String> weights;
        if (Files.exists(dir.resolve(ModelFiles.WEIGHTS))) {
            cache.checkedPointer(repoId, commit, ModelFiles.WEIGHTS);
            weights = List.of(ModelFiles.WEIGHTS);
        } else if (Files.exists(dir.resolve(ModelFiles.WEIGHTS_INDEX))) {
            cache.checkedPointer(repoId, commit, ModelFiles.WEIGHTS_INDEX); // before reading it
            try {
                weights = ModelFiles.shardsOf(dir.resolve(ModelFiles.WEIGHTS_INDEX));
            } catch (HubException e) {
                why.append(e.getMessage());
                return null;
            }
            for (String shard : weights) {
                if (!Files.exists(dir.resolve(shard))) {
                    why.append("shard ").append(shard).append(" not downloaded");
                    return null;
                }
                cache.checkedPointer(repoId, commit, shard);
            }
        } else {
            why.append("no ").append(ModelFiles.WEIGHTS).append(" nor ").append(ModelFiles.WEIGHTS_INDEX);
            return null;
        }
        List<String> missing = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (String optional : ModelFiles.OPTIONAL) {
            if (Files.exists(dir.resolve(optional))) {
                cache.checkedPointer(repoId, commit, optional);
                continue;
            }
            (cache.isMarkedMissing(repoId, commit, optional) ? missing : unknown).add(optional);
        }
        return new CachedSnapshot(repoId, commit, dir, weights, missing, unknown);
    }
}
