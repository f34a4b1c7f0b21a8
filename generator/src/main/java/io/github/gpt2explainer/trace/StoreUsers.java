package io.github.gpt2explainer.trace;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is using a trace store right now, so that {@code --prune} never deletes entries a concurrent build still
 * needs. A build using the store holds a shared OS lock on {@code <store>/users.lock} (one per process, counted
 * across the process's builds); pruning goes ahead only if it can take that lock exclusively, that is when no
 * other build in this or another process is using the store.
 */
final class StoreUsers {

    static final String FILE = "users.lock";

    private static final Map<Path, StoreUsers> BY_DIRECTORY = new ConcurrentHashMap<>();

    private final Path file;
    private int users; // builds of this process using the store; guarded by this
    private FileChannel channel;
    private FileLock shared;

    private StoreUsers(Path file) {
        this.file = file;
    }

    static StoreUsers of(Path storeDir) {
        Path dir;
        try {
            dir = storeDir.toRealPath();
        } catch (IOException e) {
            dir = storeDir.toAbsolutePath().normalize();
        }
        return BY_DIRECTORY.computeIfAbsent(dir, d -> new StoreUsers(d.resolve(FILE)));
    }

    /** Registers one build of this process as a user until the returned handle is closed. */
    synchronized Use begin() throws IOException {
        if (users == 0) {
            takeShared();
        }
        users++;
        return new Use();
    }

    /**
     * Whether the calling build (which must be a user, or none) is the only user in every process. Briefly trades
     * this process's shared lock for an exclusive one to find out.
     */
    synchronized boolean aloneExceptCaller(boolean callerIsUser) throws IOException {
        if (users > (callerIsUser ? 1 : 0)) {
            return false; // another build of this process
        }
        if (!java.nio.file.Files.exists(file)) {
            return true; // no build has ever used the store
        }
        releaseShared();
        try (FileChannel probe = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock exclusive = probe.tryLock();
            if (exclusive == null) {
                return false;
            }
            exclusive.release();
            return true;
        } finally {
            if (users > 0) {
                takeShared();
            }
        }
    }

    private synchronized void end() {
        users--;
        if (users == 0) {
            releaseShared();
        }
    }

    private void takeShared() throws IOException {
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            shared = channel.lock(0, Long.MAX_VALUE, true);
        } catch (IOException | RuntimeException e) {
            releaseShared();
            throw e;
        }
    }

    private void releaseShared() {
        try {
            if (channel != null) {
                channel.close(); // releases the lock
            }
        } catch (IOException e) {
            // closing cannot keep the OS lock
        } finally {
            channel = null;
            shared = null;
        }
    }

    /** One build's use of the store. */
    final class Use implements AutoCloseable {
        private boolean closed;

        private Use() {
        }

        @Override
        public void close() {
            synchronized (StoreUsers.this) {
                if (!closed) {
                    closed = true;
                    end();
                }
            }
        }
    }
}
