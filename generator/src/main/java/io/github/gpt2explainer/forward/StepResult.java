package io.github.gpt2explainer.forward;

/**
 * The outcome of one forward step for one sequence.
 *
 * @param lastLogits the logits of the step's last position, [V], always present
 * @param trace      the recorded intermediates (empty for {@link CaptureSpec#none()})
 */
public record StepResult(float[] lastLogits, CapturedPass trace) implements AutoCloseable {

    /** The absolute position whose logits {@link #lastLogits()} holds. */
    public int lastPosition() {
        return trace.startPosition() + trace.tokens().length - 1;
    }

    /** Frees the trace's native memory (see {@link CapturedPass#close()}); the logits stay readable. */
    @Override
    public void close() {
        trace.close();
    }
}
