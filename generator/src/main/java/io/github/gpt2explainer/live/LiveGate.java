package io.github.gpt2explainer.live;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One computation at a time, with a bounded queue: a request that finds the computation and the queue full is
 * refused at once ({@link Busy}) instead of waiting behind an unbounded line of others.
 */
final class LiveGate {

    /** Refused: one computation running and the queue full. */
    static final class Busy extends LiveInputException {
        Busy(int waiting) {
            super("the model is busy: one prompt is being explained and " + waiting + (waiting == 1 ? " waits" : " wait")
                    + "; try again in a moment");
        }
    }

    private final int queue;
    private final AtomicInteger inside = new AtomicInteger();
    private final Semaphore turn = new Semaphore(1, true);

    /** @param queue how many requests may wait while one computes */
    LiveGate(int queue) {
        this.queue = queue;
    }

    /** A place in the line; close it when done (also when the turn never came). */
    final class Ticket implements AutoCloseable {
        private boolean holdsTurn;

        /** Waits for the computation before this one to finish. */
        void awaitTurn() throws InterruptedException {
            turn.acquire();
            holdsTurn = true;
        }

        @Override
        public void close() {
            if (holdsTurn) {
                holdsTurn = false;
                turn.release();
            }
            inside.decrementAndGet();
        }
    }

    /** @throws Busy when one computes and {@code queue} already wait */
    Ticket enter() {
        int now = inside.incrementAndGet();
        if (now > 1 + queue) {
            inside.decrementAndGet();
            throw new Busy(queue);
        }
        return new Ticket();
    }
}
