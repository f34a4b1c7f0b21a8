package io.github.gpt2explainer.trace;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.gpt2explainer.forward.CapturedTensor;
import io.github.gpt2explainer.forward.CapturedPass;
import io.github.gpt2explainer.forward.CaptureNames;
import io.github.gpt2explainer.insight.Insight;
import io.github.gpt2explainer.model.SafetensorsFile;
import io.github.gpt2explainer.model.SafetensorsWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The on-disk cache of prompt runs, so a build recomputes only what changed.
 *
 * <p>Layout (every file deterministic: same inputs, same bytes):
 * <pre>
 * &lt;store&gt;/store.json                          {"format": "gpt2-explainer trace store", "schema": 2}
 * &lt;store&gt;/runs/&lt;prompt-id&gt;-&lt;16 hex&gt;/prefill.safetensors   the captured forward pass (TraceFile layout)
 *                                       /lens.safetensors      "ids" I64 [L, T, k], "probs" F32 [L, T, k]
 *                                       /insight.safetensors   attribution of the prediction ({@link InsightFile})
 *                                       /manifest.json         {@link Manifest}: key, model, generations, vocabulary,
 *                                                              size and SHA-256 of both tensor files
 * &lt;store&gt;/store.lock                          the writers' lock ({@link StoreLock})
 * &lt;store&gt;/users.lock                          held shared by every build using the store ({@link StoreUsers})
 * &lt;store&gt;/.tmp-*                          an entry being written
 * </pre>
 * An entry is written into a temporary directory inside the store and renamed into {@code runs/} when
 * complete, so an interrupted run never leaves a half entry under a real name. An entry counts as present
 * only if its manifest parses, names the expected key and schema, and every file has the recorded size
 * and SHA-256; anything else (truncated file, bad JSON) is reported as damaged and recomputed.
 *
 * <p>Several builds (processes or threads) may share a store. Every change (opening, {@link #write},
 * {@link #prune}) happens under the store's lock, so writers take turns; reading needs no lock, because an entry
 * appears by an atomic rename and an intact entry is never replaced or removed except by {@link #prune}. An
 * entry's {@code .tmp-*} directory exists only while its writer holds the lock, so the ones {@link #open} finds
 * under the lock were left by a writer that is gone (killed) and are removed. Nothing else is ever deleted except
 * by {@link #prune}, which a build calls only when asked ({@code --prune}), through {@link #pruneIfAlone}: not while
 * another build is {@linkplain #use() using} the store.
 *
 * <p>Schema versions: bump {@link #SCHEMA} whenever the format or the computation behind it changes (the
 * schema is part of every key). A store written by an <em>older</em> schema is upgraded: it is kept, a
 * notice says every prompt will be recomputed, and the old entries stay until a build with {@code --prune}. A store from
 * a <em>newer</em> schema is refused with a {@link TraceStoreException} (so an old program never destroys
 * a newer program's work). A non-empty directory that is not a trace store is refused too.
 *
 */
public final class TraceStore {

    /**
     * The current schema version. 1: the first; 2: a prefill's {@code logits} hold the last position only
     * ([1, V]; the logit lens has every position's prediction); 3: {@code insight.safetensors} (issue 19).
     */
    public static final int SCHEMA = 3;
    public static final String FORMAT = "gpt2-explainer trace store";
    public static final Path DEFAULT_DIRECTORY = Path.of(".trace-store");

    static final String STORE_FILE = "store.json";
    static final String RUNS = "runs";
    static final String MANIFEST = "manifest.json";
    static final String PREFILL = "prefill.safetensors";
    static final String LENS = "lens.safetensors";
    static final String INSIGHT = "insight.safetensors";
    /** The tensor files of an entry, each listed in its manifest with size and SHA-256. */
    static final List<String> TENSOR_FILES = List.of(PREFILL, LENS, INSIGHT);
    static final String TEMP_PREFIX = ".tmp-";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    /** Two-space indent and '\n' line ends on every platform. */
    private static final ObjectWriter WRITER = JSON.writer(new DefaultPrettyPrinter()
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n")));

    /** The state of one entry. */
    public enum State { PRESENT, MISSING, DAMAGED }

    /** @param problem why a DAMAGED entry cannot be used, else null */
    public record EntryStatus(State state, String problem) {
    }

    private final Path root;
    private final int schema;
    private final List<String> notices;
    private final java.util.concurrent.atomic.AtomicInteger usesOpen = new java.util.concurrent.atomic.AtomicInteger();

    /** A build's use of the store ({@link #use()}); closing it ends the use. */
    public interface Use extends AutoCloseable {
        @Override
        void close();
    }

    private TraceStore(Path root, int schema, List<String> notices) {
        this.root = root;
        this.schema = schema;
        this.notices = List.copyOf(notices);
    }

    /** Opens (creating it if needed) the store at {@code dir} with the current {@link #SCHEMA}. */
    public static TraceStore open(Path dir) {
        return open(dir, SCHEMA);
    }

    /**
     * Opens the store as a program of schema {@code schema} would; tests use other values to play an older
     * or newer program.
     *
     * @throws TraceStoreException if the directory is not a trace store, is from a newer schema, or cannot be written
     */
    public static TraceStore open(Path dir, int schema) {
        List<String> notices = new ArrayList<>();
        try {
            if (Files.exists(dir) && !Files.isDirectory(dir)) {
                throw TraceStoreException.unusableDirectory("trace store " + dir + " is a file, not a directory: pass --store elsewhere");
            }
            Files.createDirectories(dir);
            Path storeFile = dir.resolve(STORE_FILE);
            // Checked without the lock (taking it would write into a directory that may be someone else's), so a
            // build opening a new store at the same moment can be caught between writing the store file and
            // renaming it into place: hence the second look for the store file after listing.
            if (!Files.exists(storeFile) && !isEmptyApartFromLock(dir) && !Files.exists(storeFile)) {
                throw TraceStoreException.unusableDirectory("trace store " + dir + " is not empty and has no " + STORE_FILE
                        + ": it does not look like a trace store, so nothing in it is touched; "
                        + "pass --store with a new or empty directory");
            }
            try (StoreLock.Held held = StoreLock.of(dir).acquire()) {
                openLocked(dir, schema, notices);
            }
        } catch (IOException e) {
            throw new TraceStoreException("cannot use trace store " + dir + ": " + e, e);
        }
        return new TraceStore(dir, schema, notices);
    }

    /** The part of {@link #open} that changes the directory: under the lock, so another writer sees all or nothing. */
    private static void openLocked(Path dir, int schema, List<String> notices) throws IOException {
        Path storeFile = dir.resolve(STORE_FILE);
        if (!Files.exists(storeFile)) {
            writeStoreFile(storeFile, schema);
        } else {
            int found = readSchema(dir, storeFile);
            if (found > schema) {
                throw TraceStoreException.unusableDirectory("trace store " + dir + " was written by a newer gpt2-explainer (schema "
                        + found + "); this version reads schema " + schema + ": use the newer version, delete the "
                        + "directory, or pass --store elsewhere");
            }
            if (found < schema) {
                notices.add("trace store " + dir + " was written with schema " + found + "; this version uses schema "
                        + schema + ": every prompt is recomputed; the old entries stay until a build with --prune");
                writeStoreFile(storeFile, schema);
            }
        }
        Files.createDirectories(dir.resolve(RUNS));
        int leftovers = removeTemporaries(dir);
        if (leftovers > 0) {
            notices.add("removed " + leftovers + " unfinished entr" + (leftovers == 1 ? "y" : "ies")
                    + " left by an interrupted run");
        }
    }

    public Path directory() {
        return root;
    }

    public int schema() {
        return schema;
    }

    /** Things the user should know about how the store was opened (upgrades, clean-ups); empty normally. */
    public List<String> notices() {
        return notices;
    }

    /** The key of a prompt's run under this store's schema. */
    public StoreKey key(ModelInfo model, String promptId, String contentHash) {
        return StoreKey.of(schema, model, promptId, contentHash);
    }

    /** Whether the entry is there and intact (reads and hashes its files). */
    public EntryStatus status(StoreKey key) {
        Path dir = entryDirectory(key);
        if (!Files.isDirectory(dir)) {
            return new EntryStatus(State.MISSING, null);
        }
        try {
            verified(key, dir);
            return new EntryStatus(State.PRESENT, null);
        } catch (TraceStoreException e) {
            return new EntryStatus(State.DAMAGED, e.getMessage());
        }
    }

    /**
     * Stores {@code run} under {@code key}, under the store's lock; atomic (see the class comment). If another build
     * stored an intact entry for the same key meanwhile, that one is kept (the same key means the same run); a
     * damaged entry is replaced.
     */
    public void write(StoreKey key, PromptRun run) {
        if (!run.promptId().equals(key.promptId())) {
            throw new IllegalArgumentException("run of prompt " + run.promptId() + " given key of " + key.promptId());
        }
        try (StoreLock.Held held = StoreLock.of(root).acquire()) {
            Path target = entryDirectory(key);
            if (Files.isDirectory(target) && status(key).state() == State.PRESENT) {
                return; // a concurrent build stored it first; readers may be using it, so it stays
            }
            writeLocked(key, run, target);
        } catch (IOException e) {
            throw new TraceStoreException("cannot lock trace store " + root + ": " + e, e);
        }
    }

    private void writeLocked(StoreKey key, PromptRun run, Path target) {
        Path temp = null;
        try {
            temp = Files.createTempDirectory(root, TEMP_PREFIX + key.directoryName() + "-");
            int layers = run.model().config().layers();
            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put("format", "gpt2-explainer trace v1");
            metadata.put("prompt", run.promptId());
            metadata.put("key", key.hash());
            TraceFile.write(run.prefill(), layers, metadata, temp.resolve(PREFILL));
            writeLens(run.lens(), temp.resolve(LENS));
            InsightFile.write(run.insight(), temp.resolve(INSIGHT));
            SortedMap<String, Manifest.StoredFile> files = new TreeMap<>();
            for (String name : TENSOR_FILES) {
                Path file = temp.resolve(name);
                files.put(name, new Manifest.StoredFile(Files.size(file), sha256(file)));
            }
            int lensTopK = run.lens().layers() == 0 || run.lens().positions() == 0 ? 0 : run.lens().ids()[0][0].length;
            Manifest manifest = new Manifest(FORMAT, schema, key.hash(), run.promptId(), run.contentHash(), run.model(),
                    lensTopK, run.generations(), run.vocabulary(), files);
            Files.write(temp.resolve(MANIFEST), (WRITER.writeValueAsString(manifest) + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            replaceEntry(temp, target); // target: absent or a damaged entry
            temp = null;
        } catch (IOException e) {
            throw new TraceStoreException("cannot write " + key.directoryName() + " to trace store " + root + ": " + e, e);
        } finally {
            discardStaged(temp);
        }
    }

    /**
     * Reads a stored run back, verifying its files.
     *
     * @throws TraceStoreException if the entry is missing or damaged (a build recomputes it)
     */
    public PromptRun load(StoreKey key) {
        Path dir = entryDirectory(key);
        if (!Files.isDirectory(dir)) {
            throw new TraceStoreException("trace store " + root + " has no entry " + key.directoryName()
                    + ": run the build to compute it");
        }
        Manifest manifest = verified(key, dir);
        int layers = manifest.model().config().layers();
        CapturedPass prefill;
        LogitLens lens;
        try (SafetensorsFile file = SafetensorsFile.open(dir.resolve(PREFILL))) {
            LongBuffer tokenData = file.longs(CaptureNames.TOKENS);
            long[] tokens = new long[tokenData.remaining()];
            tokenData.get(tokens);
            Map<String, CapturedTensor> tensors = new LinkedHashMap<>();
            for (String name : CaptureNames.all(layers)) {
                if (file.contains(name)) {
                    tensors.put(name, CapturedTensor.of(name, file.entry(name).shape(), toArray(file.floats(name))));
                }
            }
            prefill = new CapturedPass(tokens, 0, tensors);
        } catch (RuntimeException e) {
            throw damaged(dir.resolve(PREFILL), e);
        }
        try (SafetensorsFile file = SafetensorsFile.open(dir.resolve(LENS))) {
            lens = readLens(file);
        } catch (RuntimeException e) {
            throw damaged(dir.resolve(LENS), e);
        }
        Insight insight;
        try (SafetensorsFile file = SafetensorsFile.open(dir.resolve(INSIGHT))) {
            insight = InsightFile.read(file, layers, manifest.model().config().heads(), prefill.tokens().length);
        } catch (RuntimeException e) {
            throw damaged(dir.resolve(INSIGHT), e);
        }
        return new PromptRun(manifest.promptId(), manifest.contentHash(), manifest.model(), prefill,
                manifest.generations(), lens, manifest.vocabulary(), insight);
    }

    /**
     * Marks the store as used by one build (a process's shared lock on {@code users.lock}) until the handle is closed:
     * {@link #pruneIfAlone} then leaves the store alone. A build holds it from before its first read to after its
     * last.
     */
    public Use use() {
        try (StoreLock.Held held = StoreLock.of(root).acquire()) {
            StoreUsers.Use use = StoreUsers.of(root).begin();
            usesOpen.incrementAndGet();
            return () -> {
                use.close();
                usesOpen.decrementAndGet();
            };
        } catch (IOException e) {
            throw new TraceStoreException("cannot use trace store " + root + ": " + e, e);
        }
    }

    /**
     * {@link #prune} if no other build (in this or another process) is {@linkplain #use() using} the store; empty if
     * one is, in which case nothing is deleted. The check and the deletion happen under the store's lock, and a build
     * starts using the store under that lock too.
     */
    public java.util.OptionalInt pruneIfAlone(Collection<StoreKey> live) {
        try (StoreLock.Held held = StoreLock.of(root).acquire()) {
            if (!StoreUsers.of(root).aloneExceptCaller(usesOpen.get() > 0)) {
                return java.util.OptionalInt.empty();
            }
            return java.util.OptionalInt.of(prune(live));
        } catch (IOException e) {
            throw new TraceStoreException("cannot lock trace store " + root + ": " + e, e);
        }
    }

    /**
     * Deletes every entry not in {@code live}, under the store's lock; returns how many. Builds call it only when
     * asked ({@code --prune}): it also removes other models' entries and those another prompt set still needs.
     */
    public int prune(Collection<StoreKey> live) {
        Set<String> keep = live.stream().map(StoreKey::directoryName).collect(Collectors.toSet());
        int removed = 0;
        try (StoreLock.Held held = StoreLock.of(root).acquire();
             DirectoryStream<Path> entries = Files.newDirectoryStream(root.resolve(RUNS))) {
            for (Path entry : entries) {
                if (!keep.contains(entry.getFileName().toString())) {
                    deleteRecursively(entry);
                    removed++;
                }
            }
        } catch (IOException e) {
            throw new TraceStoreException("cannot prune trace store " + root + ": " + e, e);
        }
        return removed;
    }

    /** Where {@code key}'s entry lives (whether or not it exists). */
    public Path entryDirectory(StoreKey key) {
        return root.resolve(RUNS).resolve(key.directoryName());
    }

    // ---- checks ------------------------------------------------------------------------------------

    private Manifest verified(StoreKey key, Path dir) {
        Manifest manifest = readManifest(dir);
        if (!FORMAT.equals(manifest.format()) || manifest.schema() != schema || !key.hash().equals(manifest.key())
                || !key.promptId().equals(manifest.promptId())) {
            throw new TraceStoreException(dir.resolve(MANIFEST) + " is for another key or schema (schema " + manifest.schema()
                    + ", prompt " + manifest.promptId() + ")");
        }
        checkFiles(dir, manifest);
        return manifest;
    }

    /** Parses an entry's manifest.json; a missing or malformed one is a {@link TraceStoreException} naming the file. */
    static Manifest readManifest(Path dir) {
        Path manifestFile = dir.resolve(MANIFEST);
        try {
            return JSON.readValue(Files.readAllBytes(manifestFile), Manifest.class);
        } catch (NoSuchFileException e) {
            throw new TraceStoreException(manifestFile + " is missing");
        } catch (JsonProcessingException e) {
            throw new TraceStoreException(manifestFile + " is not a valid manifest: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new TraceStoreException("cannot read " + manifestFile + ": " + e, e);
        }
    }

    /** Checks that the entry holds exactly the tensor files its manifest lists, each with the recorded size and SHA-256. */
    static void checkFiles(Path dir, Manifest manifest) {
        if (manifest.files() == null || !manifest.files().keySet().equals(Set.copyOf(TENSOR_FILES))) {
            throw new TraceStoreException(dir.resolve(MANIFEST) + " lists files " + manifest.files() + ", expected "
                    + String.join(", ", TENSOR_FILES));
        }
        for (Map.Entry<String, Manifest.StoredFile> f : manifest.files().entrySet()) {
            Path file = dir.resolve(f.getKey());
            try {
                long size = Files.size(file);
                if (size != f.getValue().bytes()) {
                    throw new TraceStoreException(file + " has " + size + " bytes, the manifest says "
                            + f.getValue().bytes());
                }
                String sum = sha256(file);
                if (!sum.equals(f.getValue().sha256())) {
                    throw new TraceStoreException(file + " has SHA-256 " + sum + ", the manifest says "
                            + f.getValue().sha256());
                }
            } catch (NoSuchFileException e) {
                throw new TraceStoreException(file + " is missing");
            } catch (IOException e) {
                throw new TraceStoreException("cannot read " + file + ": " + e, e);
            }
        }
    }

    /**
     * Copies a verified entry of another store in under {@code key}, replacing whatever was there: the files are
     * copied into a temporary directory, checked again against the manifest, and renamed into place (atomic, like
     * {@link #write}), under the store's lock.
     */
    void copyIn(StoreKey key, Path sourceEntry) {
        Path temp = null;
        try (StoreLock.Held held = StoreLock.of(root).acquire()) {
            temp = Files.createTempDirectory(root, TEMP_PREFIX + key.directoryName() + "-");
            for (String name : Stream.concat(TENSOR_FILES.stream(), Stream.of(MANIFEST)).toList()) {
                Files.copy(sourceEntry.resolve(name), temp.resolve(name));
            }
            verified(key, temp);
            replaceEntry(temp, entryDirectory(key));
            temp = null;
        } catch (IOException e) {
            throw new TraceStoreException("cannot copy " + sourceEntry + " into trace store " + root + ": " + e, e);
        } finally {
            discardStaged(temp);
        }
    }

    private static TraceStoreException damaged(Path file, RuntimeException cause) {
        return new TraceStoreException(file + " cannot be read: " + cause.getMessage()
                + "; run the build again to recompute it", cause);
    }

    // ---- lens file ---------------------------------------------------------------------------------

    private static void writeLens(LogitLens lens, Path target) {
        int layers = lens.layers();
        int positions = lens.positions();
        int k = layers == 0 || positions == 0 ? 0 : lens.ids()[0][0].length;
        long[] ids = new long[layers * positions * k];
        float[] probs = new float[ids.length];
        int i = 0;
        for (int l = 0; l < layers; l++) {
            for (int t = 0; t < positions; t++) {
                for (int j = 0; j < k; j++, i++) {
                    ids[i] = lens.ids()[l][t][j];
                    probs[i] = lens.probs()[l][t][j];
                }
            }
        }
        long[] shape = {layers, positions, k};
        SafetensorsWriter.create().add("ids", shape, ids).add("probs", shape, probs).write(target);
    }

    private static LogitLens readLens(SafetensorsFile file) {
        long[] shape = file.entry("ids").shape();
        if (shape.length != 3 || !java.util.Arrays.equals(shape, file.entry("probs").shape())) {
            throw new IllegalStateException("lens tensors must both be [layers, positions, k]");
        }
        int layers = (int) shape[0];
        int positions = (int) shape[1];
        int k = (int) shape[2];
        LongBuffer idData = file.longs("ids");
        FloatBuffer probData = file.floats("probs");
        int[][][] ids = new int[layers][positions][k];
        float[][][] probs = new float[layers][positions][k];
        for (int l = 0; l < layers; l++) {
            for (int t = 0; t < positions; t++) {
                for (int j = 0; j < k; j++) {
                    ids[l][t][j] = Math.toIntExact(idData.get());
                    probs[l][t][j] = probData.get();
                }
            }
        }
        return new LogitLens(ids, probs);
    }

    private static float[] toArray(FloatBuffer buffer) {
        float[] data = new float[buffer.remaining()];
        buffer.get(data);
        return data;
    }

    // ---- files -------------------------------------------------------------------------------------

    static int readSchema(Path dir, Path storeFile) throws IOException {
        JsonNode node;
        try {
            node = JSON.readTree(Files.readAllBytes(storeFile));
        } catch (JsonProcessingException e) {
            throw TraceStoreException.unusableDirectory(storeFile + " is not valid JSON (" + e.getOriginalMessage()
                    + "): delete the directory " + dir + " or pass --store elsewhere");
        }
        if (node == null || !FORMAT.equals(node.path("format").asText()) || !node.path("schema").canConvertToInt()) {
            throw TraceStoreException.unusableDirectory(storeFile + " does not describe a trace store (expected {\"format\": \""
                    + FORMAT + "\", \"schema\": <number>}): delete the directory " + dir + " or pass --store elsewhere");
        }
        return node.get("schema").intValue();
    }

    private static void writeStoreFile(Path storeFile, int schema) throws IOException {
        ObjectNode node = JSON.createObjectNode();
        node.put("format", FORMAT);
        node.put("schema", schema);
        Path temp = storeFile.resolveSibling(STORE_FILE + ".tmp");
        Files.write(temp, (WRITER.writeValueAsString(node) + "\n").getBytes(StandardCharsets.UTF_8));
        Files.move(temp, storeFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Empty, or holding only the lock, the users file and the store file being written: a first open that stopped
     * (or, in another process, has not yet finished) before renaming {@value #STORE_FILE} into place.
     */
    private static boolean isEmptyApartFromLock(Path dir) throws IOException {
        try (Stream<Path> children = Files.list(dir)) {
            return children.allMatch(child -> Set.of(StoreLock.FILE, StoreUsers.FILE, STORE_FILE + ".tmp")
                    .contains(child.getFileName().toString())
                    && Files.isRegularFile(child, java.nio.file.LinkOption.NOFOLLOW_LINKS));
        }
    }

    private static int removeTemporaries(Path dir) throws IOException {
        int removed = 0;
        try (DirectoryStream<Path> children = Files.newDirectoryStream(dir, TEMP_PREFIX + "*")) {
            for (Path child : children) {
                deleteRecursively(child);
                removed++;
            }
        }
        Files.deleteIfExists(dir.resolve(STORE_FILE + ".tmp"));
        return removed;
    }

    /** Temp files and directories are created private (0600/0700); entries get the usual 0644/0755. */
    /** Renames a fully written staging directory into place as {@code target}, replacing what was there. */
    private static void replaceEntry(Path temp, Path target) throws IOException {
        makeReadable(temp);
        deleteRecursively(target);
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target);
        }
    }

    /** Removes a staging directory left by a failed write or copy ({@code null}: nothing was left). */
    private static void discardStaged(Path temp) {
        if (temp == null) {
            return;
        }
        try {
            deleteRecursively(temp);
        } catch (IOException ignored) {
            // removed when the store is next opened
        }
    }

    private static void makeReadable(Path dir) throws IOException {
        if (!Files.getFileStore(dir).supportsFileAttributeView("posix")) {
            return;
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
            }
        }
    }

    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime must provide SHA-256", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
