package io.github.gpt2explainer.trace;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Merges trace stores (the shards written by {@code run --shard i/n} on several machines) into one, so a single
 * build renders the whole site from it with no model work.
 *
 * <p>The store is content-addressed: an entry's directory name and its manifest's key are the SHA-256 of the
 * schema, the model fingerprint and the prompt's content hash, and the manifest records the size and SHA-256 of
 * each tensor file. So merging is copying entries, each checked first: its manifest parses, is of this schema,
 * its key is what its model and content hash give, its directory is named after that key, it holds exactly its
 * three files, and every tensor file has the recorded size and SHA-256.
 *
 * <p>Nothing is written until every entry of every source has been checked and compared with what the target
 * already holds; then each entry is copied into a temporary directory inside the target, checked again, and
 * renamed into place. An entry already in the target (or in two sources) with the same bytes is skipped; the same
 * key with different bytes is a conflict and nothing is merged. A damaged entry in the target is replaced.
 *
 * <p>The model's head-role scores ({@link HeadRoleStore}, written by shard 1) are copied too, when the target does
 * not hold them already.
 */
public final class StoreMerge {

    /**
     * What a merge did.
     *
     * @param entries  distinct entries found in the sources
     * @param copied   entries copied into the target (including damaged ones replaced)
     * @param present  entries the target already held, byte-identical
     * @param replaced damaged target entries replaced by a source's copy (counted in {@code copied} too)
     */
    public record Result(int entries, int copied, int present, int replaced) {
        /** E.g. {@code 20 entries from 4 stores: 18 copied, 2 already there}. */
        public String summary(int stores) {
            return entries + (entries == 1 ? " entry" : " entries") + " from " + stores + (stores == 1 ? " store" : " stores")
                    + ": " + copied + " copied, " + present + " already there"
                    + (replaced > 0 ? " (" + replaced + " damaged replaced)" : "");
        }
    }

    /** One checked entry of a source store. */
    private record SourceEntry(Path directory, StoreKey key, byte[] manifest) {
    }

    private StoreMerge() {
    }

    /**
     * Copies every entry of {@code sources} into the store at {@code into} (created if missing).
     *
     * @throws TraceStoreException an input problem (a source that is not a trace store of this schema, a damaged
     *                             entry, a conflict) before anything is written; or an I/O failure
     */
    public static Result merge(Path into, List<Path> sources) {
        Map<String, SourceEntry> planned = new TreeMap<>();
        for (Path source : sources) {
            for (SourceEntry entry : checkedEntries(source)) {
                SourceEntry earlier = planned.putIfAbsent(entry.key().directoryName(), entry);
                if (earlier != null && !Arrays.equals(earlier.manifest(), entry.manifest())) {
                    throw conflict(entry.key(), earlier.directory(), entry.directory());
                }
            }
        }
        Map<String, Path> headRoles = checkedHeadRoles(sources);
        TraceStore target = TraceStore.open(into);
        List<SourceEntry> toCopy = new ArrayList<>();
        int present = 0;
        int replaced = 0;
        for (SourceEntry entry : planned.values()) {
            TraceStore.EntryStatus status = target.status(entry.key());
            switch (status.state()) {
                case MISSING -> toCopy.add(entry);
                case DAMAGED -> {
                    toCopy.add(entry);
                    replaced++;
                }
                case PRESENT -> {
                    Path existing = target.entryDirectory(entry.key());
                    if (!Arrays.equals(read(existing.resolve(TraceStore.MANIFEST)), entry.manifest())) {
                        throw conflict(entry.key(), existing, entry.directory());
                    }
                    present++;
                }
            }
        }
        for (SourceEntry entry : toCopy) {
            target.copyIn(entry.key(), entry.directory());
        }
        copyHeadRoles(target, headRoles);
        return new Result(planned.size(), toCopy.size(), present, replaced);
    }

    /**
     * The head-role files ({@link HeadRoleStore}) of the sources, each checked, by key. Only one shard measures them
     * ({@code run --shard 1/n}); when two sources hold the same key, the first source's file is taken.
     */
    private static Map<String, Path> checkedHeadRoles(List<Path> sources) {
        Map<String, Path> found = new TreeMap<>();
        for (Path source : sources) {
            Path dir = source.resolve(HeadRoleStore.DIRECTORY);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.sorted().toList()) {
                    try {
                        found.putIfAbsent(HeadRoleStore.keyOf(file), file);
                    } catch (TraceStoreException e) {
                        throw TraceStoreException.unusableDirectory("trace store " + source + " has a damaged head-role "
                                + "entry: " + e.getMessage() + "; nothing was merged: run that shard again");
                    }
                }
            } catch (IOException e) {
                throw new TraceStoreException("cannot read " + dir + ": " + e, e);
            }
        }
        return found;
    }

    /** Copies in the head-role files the target does not hold in readable form. */
    private static void copyHeadRoles(TraceStore target, Map<String, Path> headRoles) {
        HeadRoleStore heads = HeadRoleStore.of(target);
        for (Map.Entry<String, Path> e : headRoles.entrySet()) {
            if (heads.load(e.getKey()) == null) {
                heads.copyIn(e.getKey(), e.getValue());
            }
        }
    }

    /** Every entry of a source store, each checked (see the class comment); sorted by directory name. */
    private static List<SourceEntry> checkedEntries(Path source) {
        Path storeFile = source.resolve(TraceStore.STORE_FILE);
        if (!Files.isDirectory(source) || !Files.isRegularFile(storeFile)) {
            throw TraceStoreException.unusableDirectory(source + " is not a trace store (no " + TraceStore.STORE_FILE
                    + "): pass the --store directories that run --shard wrote");
        }
        try {
            int schema = TraceStore.readSchema(source, storeFile);
            if (schema != TraceStore.SCHEMA) {
                throw TraceStoreException.unusableDirectory("trace store " + source + " has schema " + schema
                        + "; this version merges schema " + TraceStore.SCHEMA
                        + " only: run the shards again with this version");
            }
            Set<Path> dirs = new TreeSet<>();
            Path runs = source.resolve(TraceStore.RUNS);
            if (Files.isDirectory(runs)) {
                try (DirectoryStream<Path> children = Files.newDirectoryStream(runs)) {
                    children.forEach(dirs::add);
                }
            }
            List<SourceEntry> entries = new ArrayList<>();
            for (Path dir : dirs) {
                try {
                    StoreKey key = checkEntry(dir);
                    entries.add(new SourceEntry(dir, key, read(dir.resolve(TraceStore.MANIFEST))));
                } catch (TraceStoreException e) {
                    throw TraceStoreException.unusableDirectory("trace store " + source + " has a damaged entry: "
                            + e.getMessage() + "; nothing was merged: run that shard again");
                }
            }
            return entries;
        } catch (IOException e) {
            throw new TraceStoreException("cannot read trace store " + source + ": " + e, e);
        }
    }

    /** Checks one entry directory against its own manifest and returns its key (see the class comment). */
    private static StoreKey checkEntry(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new TraceStoreException(dir + " is not an entry directory");
        }
        Manifest manifest = TraceStore.readManifest(dir);
        Path manifestFile = dir.resolve(TraceStore.MANIFEST);
        if (!TraceStore.FORMAT.equals(manifest.format()) || manifest.schema() != TraceStore.SCHEMA) {
            throw new TraceStoreException(manifestFile + " is of format '" + manifest.format() + "', schema "
                    + manifest.schema() + "; expected '" + TraceStore.FORMAT + "', schema " + TraceStore.SCHEMA);
        }
        StoreKey key;
        try {
            key = StoreKey.of(TraceStore.SCHEMA, manifest.model(), manifest.promptId(), manifest.contentHash());
        } catch (RuntimeException e) {
            throw new TraceStoreException(manifestFile + " does not name a model, prompt and content hash");
        }
        if (!key.hash().equals(manifest.key())) {
            throw new TraceStoreException(manifestFile + " records key " + manifest.key()
                    + " but its model and prompt content give " + key.hash());
        }
        if (!key.directoryName().equals(dir.getFileName().toString())) {
            throw new TraceStoreException(dir + " holds the entry " + key.directoryName() + " under another name");
        }
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(f -> names.add(f.getFileName().toString()));
        }
        Set<String> expected = new java.util.HashSet<>(TraceStore.TENSOR_FILES);
        expected.add(TraceStore.MANIFEST);
        if (!names.equals(new TreeSet<>(expected))) {
            throw new TraceStoreException(dir + " holds " + names + "; an entry holds exactly " + new TreeSet<>(expected));
        }
        TraceStore.checkFiles(dir, manifest);
        return key;
    }

    private static TraceStoreException conflict(StoreKey key, Path one, Path other) {
        return TraceStoreException.unusableDirectory("entry " + key.directoryName() + " differs between " + one
                + " and " + other + ": the same model and prompt gave different bytes, so neither is taken; "
                + "nothing was merged: delete one of them and merge again");
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new TraceStoreException("cannot read " + file + ": " + e, e);
        }
    }
}
