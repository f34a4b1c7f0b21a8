package io.github.gpt2explainer.trace;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The writers' lock of one trace store: {@code <store>/store.lock}, held with an OS file lock so that builds in
 * different processes take turns, and with a {@link ReentrantLock} so that threads of one process do too (the OS
 * lock belongs to the whole process, and Java refuses a second lock on the same file from one JVM). Reentrant: a
 * thread holding it may take it again. The OS releases the lock when a process dies, even by {@code kill -9}.
 *
 * <pre>{@code
 * try (StoreLock.Held held = StoreLock.of(storeDir).acquire()) {
 *     // change the store
 * }
 * }</pre>
 */
final class StoreLock {

    static final String FILE = "store.lock";

    /** One per store directory in this process, so that all its threads share one in-process lock. */
    private static final Map<Path, StoreLock> BY_DIRECTORY = new ConcurrentHashMap<>();

    private final Path file;
    private final ReentrantLock threads = new ReentrantLock();
    private FileChannel channel; // open while some thread of this process holds the lock
    private FileLock processLock;

    private StoreLock(Path file) {
        this.file = file;
    }

    static StoreLock of(Path storeDir) {
        Path dir;
        try {
            dir = storeDir.toRealPath(); // one lock however the directory is named (links, relative paths)
        } catch (IOException e) {
            dir = storeDir.toAbsolutePath().normalize();
        }
        return BY_DIRECTORY.computeIfAbsent(dir, d -> new StoreLock(d.resolve(FILE)));
    }

    /** Waits until no other thread or process holds the lock, then holds it until {@link Held#close()}. */
    Held acquire() throws IOException {
        threads.lock();
        if (threads.getHoldCount() == 1) {
            try {
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                processLock = channel.lock(); // blocks while another process holds it
            } catch (IOException | RuntimeException e) {
                closeChannel();
                threads.unlock();
                throw e;
            }
        }
        return new Held();
    }

    /** Whether the calling thread holds the lock. */
    boolean heldByCurrentThread() {
        return threads.isHeldByCurrentThread();
    }

    private void release() {
        if (threads.getHoldCount() == 1) {
            closeChannel(); // closing the channel releases the OS lock
        }
        threads.unlock();
    }

    private void closeChannel() {
        try {
            if (processLock != null && processLock.isValid()) {
                processLock.release();
            }
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            // closing cannot keep the OS lock; nothing to do
        } finally {
            processLock = null;
            channel = null;
        }
    }

    /** The lock, held by the thread that acquired it. */
    final class Held implements AutoCloseable {
        private boolean closed;

        private Held() {
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                release();
            }
        }
    }
}
