package io.github.gpt2explainer.hub;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/** A one-line bar redrawn with carriage returns: {@code file [=====>    ] 45% 225.0/500.0 MiB 12.3 MiB/s 0:31 left}. */
public final class TerminalProgressBar implements DownloadProgress {

    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintStream out;
    private final LongSupplier nanoClock;
    private String file;
    private long total;
    private long done;
    private long startedAt;
    private long lastDrawAt;

    public TerminalProgressBar(PrintStream out) {
        this(out, System::nanoTime);
    }

    TerminalProgressBar(PrintStream out, LongSupplier nanoClock) {
        this.out = out;
        this.nanoClock = nanoClock;
    }

    @Override
    public synchronized void start(String file, long totalBytes) {
        this.file = file;
        this.total = totalBytes;
        this.done = 0;
        this.startedAt = nanoClock.getAsLong();
        this.lastDrawAt = Long.MIN_VALUE;
    }

    @Override
    public synchronized void advance(long bytes) {
        done += bytes;
        long now = nanoClock.getAsLong();
        if (lastDrawAt == Long.MIN_VALUE || now - lastDrawAt >= REDRAW_NANOS) {
            lastDrawAt = now;
            out.print("\r" + render(now));
            out.flush();
        }
    }

    @Override
    public synchronized void done() {
        if (file != null) {
            out.print("\r" + render(nanoClock.getAsLong()) + System.lineSeparator());
            out.flush();
        }
        file = null;
    }

    synchronized String render(long now) {
        double seconds = Math.max(1e-9, (now - startedAt) / 1e9);
        double rate = done / seconds;
        StringBuilder line = new StringBuilder(file).append(' ');
        if (total > 0) {
            double fraction = Math.min(1.0, (double) done / total);
            int filled = (int) Math.round(fraction * WIDTH);
            line.append('[').append("=".repeat(filled));
            if (filled < WIDTH) {
                line.append('>').append(" ".repeat(WIDTH - filled - 1));
            }
            line.append("] ").append(String.format(Locale.ROOT, "%3d%%", (int) (fraction * 100)));
            line.append(' ').append(ProgressFormat.bytes(done)).append('/').append(ProgressFormat.bytes(total));
        } else {
            line.append(ProgressFormat.bytes(done));
        }
        line.append(' ').append(ProgressFormat.rate(rate));
        if (total > 0 && rate > 0 && done < total) {
            line.append(' ').append(ProgressFormat.duration((long) Math.ceil((total - done) / rate))).append(" left");
        }
        return line.toString();
    }
}
