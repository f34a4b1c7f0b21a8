package io.github.gpt2explainer.output;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Runs the preview server's exchanges on a fixed pool of threads and interrupts any exchange that takes longer
 * than the deadline. The JDK's HttpServer reads a request's line and headers on the executor's thread, from a
 * blocking socket channel; interrupting the thread closes that channel. So a client that sends half a request and
 * then nothing, or stops reading the answer, loses its connection instead of holding a thread for ever.
 */
final class DeadlineExecutor implements Executor {

    /** The exchange running on this thread, so that a handler can lift its deadline. */
    private static final ThreadLocal<Running> CURRENT = new ThreadLocal<>();

    private final ExecutorService workers;
    private final ScheduledExecutorService alarms;
    private final Duration deadline;

    DeadlineExecutor(int threads, Duration deadline, String name) {
        this.workers = Executors.newFixedThreadPool(threads, daemon(name));
        this.alarms = Executors.newSingleThreadScheduledExecutor(daemon(name + "-deadline"));
        this.deadline = deadline;
    }

    @Override
    public void execute(Runnable exchange) {
        workers.execute(() -> runWithDeadline(exchange));
    }

    /**
     * Lets the exchange running on this thread take as long as it needs: for a live computation, whose request has
     * been read in full and which writes progress as it goes (a client that goes away is noticed by those writes).
     */
    static void liftDeadline() {
        Running running = CURRENT.get();
        if (running != null) {
            running.finish();
        }
    }

    void shutdownNow() {
        workers.shutdownNow();
        alarms.shutdownNow();
    }

    private void runWithDeadline(Runnable exchange) {
        Running running = new Running(Thread.currentThread());
        ScheduledFuture<?> alarm = alarms.schedule(running::interruptIfStillRunning, deadline.toMillis(),
                TimeUnit.MILLISECONDS);
        CURRENT.set(running);
        try {
            exchange.run();
        } finally {
            CURRENT.remove();
            running.finish();
            alarm.cancel(false);
            Thread.interrupted(); // an alarm that fired just now must not reach the next exchange on this thread
        }
    }

    /** One exchange on its thread; the alarm interrupts the thread only while the exchange still runs. */
    private static final class Running {
        private final Thread thread;
        private boolean finished;

        Running(Thread thread) {
            this.thread = thread;
        }

        synchronized void interruptIfStillRunning() {
            if (!finished) {
                thread.interrupt();
            }
        }

        synchronized void finish() {
            finished = true;
        }
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
