package io.github.gpt2explainer.hub;

import java.io.PrintStream;
import java.util.function.LongSupplier;

/**
 * Plain lines for logs (CI, redirected output): one at the start, one per 10% or every 10 s, whichever
 * comes first, and one at the end. No carriage returns.
 */
public final class LogLineProgress implements DownloadProgress {

    private static final long EVERY_NANOS = 10_000_000_000L;

    private final PrintStream out;
    private final LongSupplier nanoClock;
    private String file;
    private long total;
    private long done;
    private long startedAt;
    private long lastLineAt;
    private int lastDecile;

    public LogLineProgress(PrintStream out) {
        this(out, System::nanoTime);
    }

    LogLineProgress(PrintStream out, LongSupplier nanoClock) {
        this.out = out;
        this.nanoClock = nanoClock;
    }

    @Override
    public synchronized void start(String file, long totalBytes) {
        boolean restart = file.equals(this.file);
        this.file = file;
        this.total = totalBytes;
        this.done = 0;
        this.startedAt = nanoClock.getAsLong();
        this.lastLineAt = startedAt;
        this.lastDecile = 0;
        out.println((restart ? "Restarting " : "Downloading ") + file
                + (totalBytes >= 0 ? " (" + ProgressFormat.bytes(totalBytes) + ")" : ""));
    }

    @Override
    public synchronized void advance(long bytes) {
        done += bytes;
        long now = nanoClock.getAsLong();
        int decile = total > 0 ? (int) Math.min(10, done * 10 / total) : 0;
        if ((decile > lastDecile && decile < 10) || now - lastLineAt >= EVERY_NANOS) {
            lastDecile = Math.max(lastDecile, decile);
            lastLineAt = now;
            out.println(line(now));
        }
    }

    @Override
    public synchronized void done() {
        if (file != null) {
            long seconds = (nanoClock.getAsLong() - startedAt) / 1_000_000_000L;
            out.println(file + ": " + ProgressFormat.bytes(done) + " in " + ProgressFormat.duration(seconds));
        }
        file = null;
    }

    private String line(long now) {
        double seconds = Math.max(1e-9, (now - startedAt) / 1e9);
        double rate = done / seconds;
        StringBuilder line = new StringBuilder(file).append(": ");
        if (total > 0) {
            line.append(done * 100 / total).append("% (").append(ProgressFormat.bytes(done)).append(" of ")
                    .append(ProgressFormat.bytes(total)).append(")");
        } else {
            line.append(ProgressFormat.bytes(done));
        }
        line.append(" at ").append(ProgressFormat.rate(rate));
        if (total > 0 && rate > 0 && done < total) {
            line.append(", about ").append(ProgressFormat.duration((long) Math.ceil((total - done) / rate))).append(" left");
        }
        return line.toString();
    }
}
