package io.github.gpt2explainer.hub;

import java.nio.file.Path;
import java.util.List;

/**
 * Where a model's files are, once {@code --model} has been resolved.
 *
 * @param id                   the spec as the user wrote it
 * @param repoId               Hub repository whose cache folder holds it (null for a local directory or demo)
 * @param revision             revision asked for (null for a local directory or demo)
 * @param commit               commit the revision resolved to (null for a local directory or demo)
 * @param directory            folder holding config.json and the weights: the snapshot folder, or the local
 *                             directory; null for demo
 * @param weightFiles          {@code model.safetensors}, or the shard names from the index; relative to directory
 * @param missingOptionalFiles optional files (tokenizer etc.) that the repository or directory does not have
 * @param source               where it came from
 */
public record ResolvedModel(
        String id,
        String repoId,
        String revision,
        String commit,
        Path directory,
        List<String> weightFiles,
        List<String> missingOptionalFiles,
        Source source) {

    public enum Source {
        /** A directory the user pointed at; used as it is. */
        LOCAL_DIRECTORY,
        /** The built-in demo checkpoint (wired by the CLI); directory is null. */
        DEMO,
        /** Entirely from the Hub cache: no request was made. */
        CACHE,
        /** At least one request went to the Hub (files may still have been reused from the cache). */
        NETWORK
    }

    public ResolvedModel {
        weightFiles = List.copyOf(weightFiles);
        missingOptionalFiles = List.copyOf(missingOptionalFiles);
    }

    public static ResolvedModel demo(String id) {
        return new ResolvedModel(id, null, null, null, null, List.of(), List.of(), Source.DEMO);
    }

    public boolean isDemo() {
        return source == Source.DEMO;
    }

    /** A file of the model, e.g. {@code file("config.json")}. */
    public Path file(String name) {
        if (directory == null) {
            throw new IllegalStateException("The demo model has no directory");
        }
        return directory.resolve(name);
    }
}
