package io.github.gpt2explainer.trace;

import io.github.gpt2explainer.insight.ProbedHeadRoles;
import io.github.gpt2explainer.model.SafetensorsFile;
import io.github.gpt2explainer.model.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The head-role scores of each model in a trace store, computed once per model and probe so that a rebuild does
 * no model work for the "meet the heads" page.
 *
 * <p>One file per model and probe: {@code <store>/heads/<first 16 hex of the key>.safetensors}, in the layout of
 * the {@code heads} command's output ({@link ProbedHeadRoles}) plus {@code "key"} (the full key) and
 * {@code "format"} in its {@code __metadata__}. The key is SHA-256 over this entry's format version, the
 * {@linkplain StoreKey#modelFingerprint model fingerprint}, and the probe's seed and n: the model's spelling on
 * the command line is not part of it, so shards and stores of the same model agree byte for byte. A file is
 * written under a temporary name and renamed into place under the store's lock; one that does not read back
 * (truncated, another key) counts as missing and is written again.
 */
public final class HeadRoleStore {

    static final String DIRECTORY = "heads";
    static final String FORMAT = "gpt2-explainer head roles v1";
    private static final String SUFFIX = ".safetensors";

    private final Path root;

    private HeadRoleStore(Path root) {
        this.root = root;
    }

    /** The head-role entries of {@code store}. */
    public static HeadRoleStore of(TraceStore store) {
        return new HeadRoleStore(store.directory());
    }

    static HeadRoleStore at(Path storeRoot) {
        return new HeadRoleStore(storeRoot);
    }

    /** The key of the scores of {@code model} on the probe with {@code seed} and copies of {@code n} tokens. */
    public static String key(ModelInfo model, long seed, int n) {
        CanonicalHash c = new CanonicalHash("gpt2-explainer/head-roles-key");
        c.field("format", FORMAT);
        c.field("model", StoreKey.modelFingerprint(model));
        c.field("seed", Long.toString(seed));
        c.field("n", Integer.toString(n));
        return c.sha256();
    }

    /** Where the entry of {@code key} lives (whether or not it exists). */
    public Path file(String key) {
        return root.resolve(DIRECTORY).resolve(key.substring(0, 16) + SUFFIX);
    }

    /** The stored scores of {@code key}, or null when there are none or they do not read back as that key's. */
    public ProbedHeadRoles load(String key) {
        Path file = file(key);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return read(file, key);
        } catch (RuntimeException e) {
            return null; // damaged: computed and written again
        }
    }

    /** Reads an entry, checking that it is {@code key}'s. */
    static ProbedHeadRoles read(Path file, String key) {
        try (SafetensorsFile in = SafetensorsFile.open(file)) {
            if (!FORMAT.equals(in.metadata().get("format")) || !key.equals(in.metadata().get("key"))) {
                throw new TraceStoreException(file + " is not the head-role entry of key " + key);
            }
            return ProbedHeadRoles.readFrom(in);
        }
    }

    /** The key an entry file names in its metadata (for merging stores), checked against its file name. */
    static String keyOf(Path file) {
        try (SafetensorsFile in = SafetensorsFile.open(file)) {
            String key = in.metadata().get("key");
            if (!FORMAT.equals(in.metadata().get("format")) || key == null || !key.matches("[0-9a-f]{64}")
                    || !file.getFileName().toString().equals(key.substring(0, 16) + SUFFIX)) {
                throw new TraceStoreException(file + " is not a head-role entry named after its key");
            }
            ProbedHeadRoles.readFrom(in);
            return key;
        } catch (RuntimeException e) {
            throw e instanceof TraceStoreException t ? t : new TraceStoreException(file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** Writes the entry of {@code key} (atomically, under the store's lock) and returns it as read back. */
    public ProbedHeadRoles write(String key, ProbedHeadRoles roles) {
        SafetensorsWriter writer = SafetensorsWriter.create().metadata("format", FORMAT).metadata("key", key);
        roles.writeTo(writer);
        Path target = file(key);
        Path temp = null;
        try (StoreLock.Held held = StoreLock.of(root).acquire()) {
            Files.createDirectories(target.getParent());
            temp = Files.createTempFile(root, TraceStore.TEMP_PREFIX + "heads-", SUFFIX);
            writer.write(temp);
            place(temp, target);
            temp = null;
        } catch (IOException e) {
            throw new TraceStoreException("cannot write " + target + ": " + e, e);
        } finally {
            deleteQuietly(temp);
        }
        return read(target, key);
    }

    /** Copies a checked entry file of another store in, atomically, under the store's lock. */
    void copyIn(String key, Path source) {
        Path target = file(key);
        Path temp = null;
        try (StoreLock.Held held = StoreLock.of(root).acquire()) {
            Files.createDirectories(target.getParent());
            temp = Files.createTempFile(root, TraceStore.TEMP_PREFIX + "heads-", SUFFIX);
            Files.copy(source, temp, StandardCopyOption.REPLACE_EXISTING);
            read(temp, key);
            place(temp, target);
            temp = null;
        } catch (IOException e) {
            throw new TraceStoreException("cannot copy " + source + " into " + target + ": " + e, e);
        } finally {
            deleteQuietly(temp);
        }
    }

    private static void place(Path temp, Path target) throws IOException {
        try {
            Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
        try {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteQuietly(Path temp) {
        if (temp != null) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // removed when the store is next opened (a .tmp-* name)
            }
        }
    }
}
