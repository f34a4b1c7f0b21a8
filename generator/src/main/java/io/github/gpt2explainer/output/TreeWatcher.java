package io.github.gpt2explainer.output;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Watches directory trees (every subdirectory, including ones created later) and reports changes in
 * batches: after the first event it waits until nothing has changed for {@code quietPeriod}, so an editor's
 * save (write temp file, rename, touch) or a {@code git checkout} triggers one callback, not ten.
 * The callback runs on the watcher's own thread, one batch at a time.
 */
public final class TreeWatcher implements AutoCloseable {

    private final WatchService service;
    private final Map<WatchKey, Path> dirs = new HashMap<>();
    private final Duration quietPeriod;
    private final Consumer<List<Path>> onChange;
    private final Thread thread;

    private TreeWatcher(WatchService service, Duration quietPeriod, Consumer<List<Path>> onChange) {
        this.service = service;
        this.quietPeriod = quietPeriod;
        this.onChange = onChange;
        this.thread = new Thread(this::loop, "tree-watcher");
        this.thread.setDaemon(true);
    }

    /**
     * Starts watching the given roots (those that are not directories are skipped).
     *
     * @param onChange receives the changed paths, sorted, once per quiet batch
     */
    public static TreeWatcher start(List<Path> roots, Duration quietPeriod, Consumer<List<Path>> onChange) throws IOException {
        TreeWatcher watcher = new TreeWatcher(FileSystems.getDefault().newWatchService(), quietPeriod, onChange);
        try {
            for (Path root : roots) {
                if (Files.isDirectory(root)) {
                    watcher.registerTree(root.toAbsolutePath().normalize());
                }
            }
        } catch (IOException e) {
            watcher.service.close();
            throw e;
        }
        watcher.thread.start();
        return watcher;
    }

    private void registerTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path dir : walk.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
                WatchKey key = dir.register(service, StandardWatchEventKinds.ENTRY_CREATE,
                        StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_MODIFY);
                dirs.put(key, dir);
            }
        }
    }

    private void loop() {
        try {
            while (true) {
                TreeSet<Path> changed = new TreeSet<>();
                drain(service.take(), changed);
                WatchKey next;
                while ((next = service.poll(quietPeriod.toMillis(), TimeUnit.MILLISECONDS)) != null) {
                    drain(next, changed);
                }
                if (!changed.isEmpty()) {
                    try {
                        onChange.accept(new ArrayList<>(changed));
                    } catch (RuntimeException e) {
                        // the callback reports its own failures; keep watching
                    }
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException stopped) {
            // close() was called
        }
    }

    private void drain(WatchKey key, TreeSet<Path> changed) {
        Path dir = dirs.get(key);
        for (WatchEvent<?> event : key.pollEvents()) {
            if (dir == null || event.kind() == StandardWatchEventKinds.OVERFLOW) {
                if (dir != null) {
                    changed.add(dir);
                }
                continue;
            }
            Path path = dir.resolve((Path) event.context());
            if (path.getFileName().toString().startsWith(".")) {
                continue; // editor swap files and other hidden files are not inputs
            }
            changed.add(path);
            if (event.kind() == StandardWatchEventKinds.ENTRY_CREATE && Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    registerTree(path);
                } catch (IOException e) {
                    // deleted again before we could watch it
                }
            }
        }
        if (!key.reset()) {
            dirs.remove(key);
        }
    }

    @Override
    public void close() {
        thread.interrupt();
        try {
            service.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }
}
