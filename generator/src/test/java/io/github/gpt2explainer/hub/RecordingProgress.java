package io.github.gpt2explainer.hub;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Remembers what downloads reported, for assertions (one thread per instance). */
final class RecordingProgress implements DownloadProgress {
    final List<String> starts = new CopyOnWriteArrayList<>();
    /** Bytes reported for each file since its last start: equals its size when the download completed. */
    final Map<String, Long> bytesSinceStart = new ConcurrentHashMap<>();
    int dones;
    private String current;

    @Override
    public void start(String file, long totalBytes) {
        starts.add(file + ":" + totalBytes);
        current = file;
        bytesSinceStart.put(file, 0L); // a restart counts again from the bytes already on disk
    }

    @Override
    public void advance(long bytes) {
        bytesSinceStart.merge(current, bytes, Long::sum);
    }

    @Override
    public void done() {
        dones++;
    }
}
