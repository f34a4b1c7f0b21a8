package io.github.gpt2explainer.forward;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.lang.ref.Cleaner;
import java.nio.FloatBuffer;

/**
 * The native memory behind one sequence's captured tensors of one step. Capture keeps PyTorch's own
 * result tensors alive here instead of copying them into Java arrays, which cost a third of the pass
 * (docs/benchmarks.md, "What changed for speed").
 *
 * <p>Each kept tensor is a second handle on the same storage (PyTorch counts references), held in a
 * manager of its own outside the model's scopes: closing the step, the model or its cache frees nothing
 * here. The memory is freed by {@link #close()}, or, for a trace that is dropped unclosed, when the garbage
 * collector finds it unreachable. Until then a {@link CapturedTensor} reads it in place; after
 * {@code close()} a read throws rather than touching freed memory.
 *
 * <p>Not thread-safe, like the model: close a trace on the thread that reads it.
 */
final class CaptureMemory {

    private static final Cleaner CLEANER = Cleaner.create();

    private final NDManager manager;
    private final Cleaner.Cleanable release;
    private boolean open = true;

    /** Memory on the same engine and device as {@code modelManager}, but owned by no scope of it. */
    CaptureMemory(NDManager modelManager) {
        NDManager own = modelManager.getEngine().newBaseManager(modelManager.getDevice());
        this.manager = own;
        // The action holds the manager, not this object, so that this object can become unreachable.
        this.release = CLEANER.register(this, own::close);
    }

    /**
     * Keeps {@code array}'s values alive here, viewed as {@code shape} (same size), and returns them as a
     * read-only row-major view. A strided view (a permuted q, k or v) is made contiguous once, in here.
     */
    FloatBuffer keep(NDArray array, Shape shape) {
        NDArray alias = array.reshape(shape); // a new handle on the storage: `array` still dies with its scope
        alias.attach(manager);
        return alias.toByteBuffer(true).asFloatBuffer().asReadOnlyBuffer();
    }

    boolean isOpen() {
        return open;
    }

    /** Frees the memory now; idempotent. */
    void close() {
        open = false;
        release.clean();
    }
}
