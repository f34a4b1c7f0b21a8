package io.github.gpt2explainer.forward;

/**
 * The outcome of one forward step for one sequence.
 *
 * @param lastLogits the logits of the step's last position, [V], always present
 * @param trace      the recorded intermediates (empty for {@link CaptureSpec#none()})
 */
public record StepResult(float[] lastLogits, ForwardTrace trace) {

    /** The absolute position whose logits {@link #lastLogits()} holds. */
    public int lastPosition() {
        return trace.startPosition() + trace.tokens().length - 1;
    }
}
