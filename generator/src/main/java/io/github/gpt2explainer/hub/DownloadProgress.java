package io.github.gpt2explainer.hub;

import java.io.PrintStream;

/**
 * Progress of one file's download. {@link #start} may be called again for the same file when the download
 * restarts (after a retry the bytes already on disk are reported again through {@link #advance}).
 */
public interface DownloadProgress {

    /** A download begins (or restarts from zero); {@code totalBytes} is -1 when unknown. */
    void start(String file, long totalBytes);

    /** {@code bytes} more bytes are on disk. */
    void advance(long bytes);

    /** The file is finished (successfully or not). */
    void done();

    /** Reports nothing. */
    static DownloadProgress none() {
        return new DownloadProgress() {
            @Override
            public void start(String file, long totalBytes) {
            }

            @Override
            public void advance(long bytes) {
            }

            @Override
            public void done() {
            }
        };
    }

    /** A redrawn bar on an interactive terminal, otherwise occasional plain lines (CI logs). */
    static DownloadProgress automatic(PrintStream out) {
        return System.console() != null ? new TerminalProgressBar(out) : new LogLineProgress(out);
    }
}
