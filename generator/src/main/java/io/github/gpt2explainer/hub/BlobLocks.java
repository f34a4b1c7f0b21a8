package io.github.gpt2explainer.hub;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One download of a blob at a time, across threads and processes (including Python's, which locks the same
 * {@code .locks/models--org--name/{etag}.lock} file). OS file locks are held per JVM, so threads of this JVM
 * first queue on an in-process lock for the same path.
 */
final class BlobLocks {

    private static final Logger LOG = LoggerFactory.getLogger(BlobLocks.class);
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();
    private static final long REPORT_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private BlobLocks() {
    }

    /** A held lock; close to release. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    static Held acquire(Path lockFile) throws IOException {
        Path key = lockFile.toAbsolutePath().normalize();
        ReentrantLock local = IN_PROCESS.computeIfAbsent(key, k -> new ReentrantLock());
        long started = System.nanoTime();
        long nextReport = started + REPORT_EVERY_NANOS;
        try {
            while (!local.tryLock(100, TimeUnit.MILLISECONDS)) {
                nextReport = reportWaiting(lockFile, started, nextReport);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw interrupted(lockFile, e);
        }
        FileChannel channel = null;
        try {
            Files.createDirectories(key.getParent());
            channel = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock fileLock;
            while ((fileLock = channel.tryLock()) == null) {
                nextReport = reportWaiting(lockFile, started, nextReport);
                Thread.sleep(100);
            }
            FileChannel heldChannel = channel;
            FileLock heldLock = fileLock;
            return () -> {
                try {
                    heldLock.release();
                    heldChannel.close();
                } catch (IOException e) {
                    LOG.warn("Could not release {}: {}", key, e.getMessage());
                } finally {
                    local.unlock();
                }
            };
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            local.unlock();
            throw e;
        } catch (InterruptedException e) {
            closeQuietly(channel);
            local.unlock();
            Thread.currentThread().interrupt();
            throw interrupted(lockFile, e);
        }
    }

    private static HubException interrupted(Path lockFile, InterruptedException e) {
        return new HubException(HubException.Reason.NETWORK, "Interrupted while waiting for another download of"
                + " the same file (lock " + lockFile + ")", e);
    }

    private static long reportWaiting(Path lockFile, long started, long nextReport) {
        long now = System.nanoTime();
        if (now >= nextReport) {
            LOG.info("Waiting for another download of the same file to finish ({} s so far; lock {})",
                    TimeUnit.NANOSECONDS.toSeconds(now - started), lockFile);
            return now + REPORT_EVERY_NANOS;
        }
        return nextReport;
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing held
            }
        }
    }
}
