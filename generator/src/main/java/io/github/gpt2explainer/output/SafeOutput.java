package io.github.gpt2explainer.output;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes a directory all at once or not at all. A build writes into a staging directory beside the output
 * and {@link #commit()} swaps it in; a failed, interrupted (Ctrl-C) or killed build leaves the previous
 * output untouched.
 *
 * <pre>{@code
 * try (SafeOutput staging = SafeOutput.begin(Path.of("site-out"))) {
 *     write(staging.dir());
 *     staging.commit();
 * }
 * }</pre>
 *
 * <p>Only a directory this tool wrote is ever replaced: every staging directory gets the {@link SiteMarker}
 * file at creation, so every output does too. {@link #begin} refuses an output that exists and is neither empty
 * nor marked ({@link ForeignOutputException}) before it creates or locks anything, and {@link #commit()} checks
 * again under the lock.
 *
 * <p>Names used beside {@code site-out} (same parent, hence the same filesystem, so renames are atomic):
 * <ul>
 *   <li>{@code site-out.lock}: held with an OS file lock for the whole build, so two builds never write one
 *       output. It records the holder's pid and start time for the error message. The OS releases the lock
 *       when the process dies, even by {@code kill -9}, so a stale lock cannot block the next build; the
 *       file itself stays (deleting it would let two builds lock two different inodes).</li>
 *   <li>{@code site-out.tmp-<12 hex>}: the staging directory.</li>
 *   <li>{@code site-out.old-<12 hex>}: the previous output during the swap, deleted right after.</li>
 * </ul>
 *
 * <p>The swap is two renames: {@code site-out -> site-out.old-X}, then {@code site-out.tmp-Y -> site-out}.
 * Linux has no portable atomic exchange of two directories, so between the renames (microseconds)
 * {@code site-out} does not exist. A process killed in that window leaves {@code site-out.old-X} and no
 * {@code site-out}; the next {@link #begin} restores it (recovery rule: under the lock, if the output is
 * missing and an {@code .old-*} exists, the newest {@code .old-*} becomes the output again; then every
 * {@code .tmp-*} and {@code .old-*} is deleted). Recovery only touches directories whose names match exactly
 * what {@link #begin} and {@link #commit()} create ({@code .tmp-} or {@code .old-} and 12 lowercase hex digits)
 * and that carry the marker (or are empty): a sibling such as {@code site-out.notes} or
 * {@code site-out.old-draft} is never touched. A reader (a web server) may briefly see no output during the swap.
 */
public final class SafeOutput implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();

    private enum State { STAGING, COMMITTED, ABANDONED }

    private final Path outputDir;
    private final Path stagingDir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Thread shutdownHook;
    private final List<String> recovered;
    private State state = State.STAGING;

    private SafeOutput(Path outputDir, Path stagingDir, FileChannel lockChannel, FileLock lock, List<String> recovered) {
        this.outputDir = outputDir;
        this.stagingDir = stagingDir;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.recovered = List.copyOf(recovered);
        this.shutdownHook = new Thread(this::abandon, "safe-output-cleanup");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Locks {@code outputDir}, recovers from a previously killed build, and creates an empty staging directory.
     *
     * @throws OutputLockedException if another build holds the lock
     * @throws NotDirectoryException if {@code outputDir} exists and is not a directory
     * @throws ForeignOutputException if {@code outputDir} is not empty and has no {@link SiteMarker} (checked
     *                                before the lock file is created)
     */
    public static SafeOutput begin(Path outputDir) throws IOException {
        Path out = outputDir.toAbsolutePath().normalize();
        Path parent = out.getParent();
        if (parent == null) {
            throw new IllegalArgumentException("the output directory cannot be the filesystem root: " + outputDir);
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new NotDirectoryException(out.toString());
        }
        SiteMarker.requireReplaceable(out);
        Path lockFile = lockFileOf(out);
        if (!isOurLockFile(lockFile)) {
            throw ForeignOutputException.lockFile(out, lockFile);
        }
        Files.createDirectories(parent);
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            FileLock lock = tryLock(channel);
            if (lock == null) {
                throw new OutputLockedException(out, lockFile, holder(lockFile));
            }
            writeHolder(channel);
            List<String> recovered = recoverLeftovers(out);
            SiteMarker.requireReplaceable(out); // again under the lock: it may have changed meanwhile
            Path staging = parent.resolve(out.getFileName() + ".tmp-" + randomSuffix());
            Files.createDirectory(staging);
            SiteMarker.write(staging);
            return new SafeOutput(out, staging, channel, lock, recovered);
        } catch (IOException | RuntimeException | Error e) {
            channel.close(); // also releases a lock taken above
            throw e;
        }
    }

    /** {@code <parent>/<name>.lock} for an output directory {@code <parent>/<name>}. */
    public static Path lockFileOf(Path outputDir) {
        Path out = outputDir.toAbsolutePath().normalize();
        return out.resolveSibling(out.getFileName() + ".lock");
    }

    /** The directory to write the new output into; it holds only the {@link SiteMarker}. */
    public Path dir() {
        return stagingDir;
    }

    /** The directory the output will replace. */
    public Path outputDir() {
        return outputDir;
    }

    /** What {@link #begin} cleaned up from earlier killed builds, one line each (for the log). */
    public List<String> recovered() {
        return recovered;
    }

    /** Swaps the staging directory in as the output and deletes the previous output. */
    public void commit() throws IOException {
        Path old = null;
        synchronized (this) {
            if (state != State.STAGING) {
                throw new IllegalStateException("the output was already " + state.name().toLowerCase() + ": " + outputDir);
            }
            if (Files.exists(outputDir, LinkOption.NOFOLLOW_LINKS)) {
                SiteMarker.requireReplaceable(outputDir); // a user may have put files there during the build
                old = outputDir.resolveSibling(outputDir.getFileName() + ".old-" + randomSuffix());
                Files.move(outputDir, old, StandardCopyOption.ATOMIC_MOVE);
            }
            try {
                Files.move(stagingDir, outputDir, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                if (old != null) {
                    try {
                        Files.move(old, outputDir, StandardCopyOption.ATOMIC_MOVE);
                    } catch (IOException restore) {
                        e.addSuppressed(restore);
                    }
                }
                throw e;
            }
            state = State.COMMITTED;
        }
        if (old != null) {
            deleteTree(old); // outside the monitor: a Ctrl-C now must not wait for a large delete
        }
    }

    /** Releases the lock; without a {@link #commit()}, deletes the staging directory and leaves the output as it was. */
    @Override
    public void close() {
        abandon();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run; nothing to remove
        }
        try {
            if (lock.isValid()) {
                lock.release();
            }
            lockChannel.close();
        } catch (IOException e) {
            // closing the channel cannot fail in a way that keeps the OS lock; nothing to do
        }
    }

    /** Deletes the staging directory unless committed; also run by the shutdown hook on Ctrl-C. */
    private synchronized void abandon() {
        if (state == State.STAGING) {
            state = State.ABANDONED;
            try {
                deleteTree(stagingDir);
            } catch (IOException e) {
                // left for the next begin() to delete
            }
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException sameProcess) {
            return null; // another thread of this JVM is building into the same output
        }
    }

    private static void writeHolder(FileChannel channel) throws IOException {
        String holder = "pid " + ProcessHandle.current().pid() + " since "
                + Instant.now().truncatedTo(ChronoUnit.SECONDS) + System.lineSeparator();
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(holder.getBytes(StandardCharsets.UTF_8)), 0);
        channel.force(false);
    }

    /** Missing, empty, or holding what {@link #writeHolder} writes: a file the lock may truncate. */
    private static boolean isOurLockFile(Path lockFile) throws IOException {
        if (!Files.exists(lockFile, LinkOption.NOFOLLOW_LINKS)) {
            return true;
        }
        if (!Files.isRegularFile(lockFile, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        if (Files.size(lockFile) > 200) {
            return false;
        }
        String text = Files.readString(lockFile, StandardCharsets.ISO_8859_1);
        return text.isEmpty() || text.matches("pid \\d+ since \\S+\\R?");
    }

    private static String holder(Path lockFile) {
        try {
            String text = Files.readString(lockFile, StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "a process that has not yet written its pid" : text;
        } catch (IOException e) {
            return "another process";
        }
    }

    /**
     * Restores an output lost between the two renames of a killed commit, then deletes staging and old trees.
     * Only siblings named exactly as this class names them and carrying the marker (or empty) are touched.
     */
    private static List<String> recoverLeftovers(Path out) throws IOException {
        Pattern tmpName = leftoverName(out, "tmp");
        Pattern oldName = leftoverName(out, "old");
        List<Path> temps = new ArrayList<>();
        List<Path> olds = new ArrayList<>();
        try (Stream<Path> siblings = Files.list(out.getParent())) {
            for (Path p : siblings.sorted().toList()) {
                String name = p.getFileName().toString();
                boolean tmp = tmpName.matcher(name).matches();
                boolean old = oldName.matcher(name).matches();
                if ((tmp || old) && (SiteMarker.isMarked(p) || SiteMarker.isEmptyDirectory(p))) {
                    (tmp ? temps : olds).add(p);
                }
            }
        }
        List<String> recovered = new ArrayList<>();
        if (!Files.exists(out) && !olds.isEmpty()) {
            Path newest = olds.stream().max(Comparator.comparing(SafeOutput::modified)).orElseThrow();
            Files.move(newest, out, StandardCopyOption.ATOMIC_MOVE);
            olds.remove(newest);
            recovered.add("restored " + out.getFileName() + " from " + newest.getFileName()
                    + " (a build was killed while swapping it in)");
        }
        for (Path p : temps) {
            deleteTree(p);
            recovered.add("deleted " + p.getFileName() + " (staging directory of an interrupted build)");
        }
        for (Path p : olds) {
            deleteTree(p);
            recovered.add("deleted " + p.getFileName() + " (previous output left by an interrupted build)");
        }
        return recovered;
    }

    /** {@code <name>.<kind>-} and the 12 hex digits of {@link #randomSuffix()}, nothing else. */
    private static Pattern leftoverName(Path out, String kind) {
        return Pattern.compile(Pattern.quote(out.getFileName() + "." + kind + "-") + "[0-9a-f]{12}");
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    /** 12 lowercase hex digits. */
    private static String randomSuffix() {
        byte[] bytes = new byte[6];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** Deletes a tree without following symbolic links; a missing tree is fine. */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
