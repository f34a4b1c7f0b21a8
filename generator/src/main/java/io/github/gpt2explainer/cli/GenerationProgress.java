package io.github.gpt2explainer.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of model work over a build: every generated token of every prompt at every temperature is one
 * step of {@code totalSteps}. On a terminal a bar redrawn in place
 * ({@code [=========>          ]  45% 432/960 steps  eiffel-tower T=0.8 step 5/16  0:31 left}); otherwise
 * (CI logs) a plain line at most every 10% or every 10 s, whichever comes first, and one at the end.
 * Thread-safe; a build that does no model work prints nothing.
 */
public final class GenerationProgress {

    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final long LINE_EVERY_NANOS = 10_000_000_000L;

    enum Style { BAR, LINES, NONE }

    private final PrintWriter out;
    private final Style style;
    private final LongSupplier nanoClock;
    private long total;
    private long done;
    private long startedAt;
    private long lastOutputAt;
    private int lastDecile;
    private boolean started;
    private String current = "";

    GenerationProgress(PrintWriter out, Style style, LongSupplier nanoClock) {
        this.out = out;
        this.style = style;
        this.nanoClock = nanoClock;
    }

    /** A bar on a terminal, plain lines otherwise, nothing with -q. */
    static GenerationProgress forConsole(Console console) {
        Style style = console.level() == Console.Level.QUIET ? Style.NONE
                : System.console() != null ? Style.BAR : Style.LINES;
        return new GenerationProgress(console.err(), style, System::nanoTime);
    }

    /** Reports nothing (tests, and pipelines that want silence). */
    public static GenerationProgress none() {
        return new GenerationProgress(new PrintWriter(java.io.Writer.nullWriter()), Style.NONE, System::nanoTime);
    }

    /** Model work begins: {@code totalSteps} tokens to generate over all prompts and temperatures. */
    public synchronized void begin(long totalSteps) {
        total = Math.max(0, totalSteps);
        done = 0;
        startedAt = nanoClock.getAsLong();
        lastOutputAt = Long.MIN_VALUE;
        lastDecile = 0;
        started = true;
        current = "";
        if (style == Style.LINES) {
            line("Generating " + total + " tokens");
            lastOutputAt = startedAt;
        }
    }

    /** One more token generated: step {@code step} (1-based) of {@code stepsInRun} of a prompt at a temperature. */
    public synchronized void step(String promptId, double temperature, int step, int stepsInRun) {
        if (!started) {
            begin(0);
        }
        done++;
        if (total < done) {
            total = done; // an under-counted total must not show more than 100%
        }
        current = promptId + " T=" + formatTemperature(temperature) + " step " + step + "/" + stepsInRun;
        long now = nanoClock.getAsLong();
        if (style == Style.BAR) {
            if (lastOutputAt == Long.MIN_VALUE || now - lastOutputAt >= REDRAW_NANOS) {
                lastOutputAt = now;
                out.print("\r" + bar(now));
                out.flush();
            }
        } else if (style == Style.LINES) {
            int decile = total > 0 ? (int) Math.min(10, done * 10 / total) : 0;
            if ((decile > lastDecile && decile < 10) || now - lastOutputAt >= LINE_EVERY_NANOS) {
                lastDecile = Math.max(lastDecile, decile);
                lastOutputAt = now;
                line(plain(now));
            }
        }
    }

    /** Model work is over (or failed); finishes the bar's line. */
    public synchronized void end() {
        if (!started) {
            return;
        }
        started = false;
        long seconds = (nanoClock.getAsLong() - startedAt) / 1_000_000_000L;
        if (style == Style.BAR) {
            out.print("\r" + bar(nanoClock.getAsLong()) + System.lineSeparator());
            out.flush();
        } else if (style == Style.LINES) {
            line("Generated " + done + " of " + total + " tokens in " + duration(seconds));
        }
    }

    synchronized String bar(long now) {
        double fraction = total == 0 ? 1.0 : Math.min(1.0, (double) done / total);
        int filled = (int) Math.round(fraction * WIDTH);
        StringBuilder sb = new StringBuilder("[").append("=".repeat(filled));
        if (filled < WIDTH) {
            sb.append('>').append(" ".repeat(WIDTH - filled - 1));
        }
        sb.append("] ").append(String.format(Locale.ROOT, "%3d%%", (int) (fraction * 100)))
                .append(' ').append(done).append('/').append(total).append(" steps  ").append(current);
        String left = timeLeft(now);
        if (left != null) {
            sb.append("  ").append(left).append(" left");
        }
        return sb.toString();
    }

    private String plain(long now) {
        StringBuilder sb = new StringBuilder("Generating: ");
        sb.append(total == 0 ? 100 : done * 100 / total).append("% (").append(done).append(" of ").append(total)
                .append(" tokens), at ").append(current);
        String left = timeLeft(now);
        if (left != null) {
            sb.append(", about ").append(left).append(" left");
        }
        return sb.toString();
    }

    private String timeLeft(long now) {
        double seconds = (now - startedAt) / 1e9;
        if (done == 0 || done >= total || seconds <= 0) {
            return null;
        }
        double perStep = seconds / done;
        return duration((long) Math.ceil(perStep * (total - done)));
    }

    private void line(String text) {
        out.println(text);
        out.flush();
    }

    static String formatTemperature(double t) {
        return java.math.BigDecimal.valueOf(t).stripTrailingZeros().toPlainString();
    }

    static String duration(long seconds) {
        if (seconds >= 3600) {
            return String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }
}
