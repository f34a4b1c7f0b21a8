package io.github.gpt2explainer.model;

import java.util.Locale;
import java.util.Optional;

/**
 * What running a checkpoint needs in memory beyond the runtime itself, estimated from its shapes before any
 * weight is read: the parameters as float32 (each stored tensor once; the engine widens F16 and BF16), the
 * largest half-precision tensor's bytes while it is being widened, and the run's working set, a full-context
 * KV cache for one sequence plus {@value #PASS_MB} MB for a pass and its captures.
 *
 * @param weightBytes the parameters as float32
 * @param runBytes    loading's staging memory plus the run's working set
 */
public record MemoryNeed(long weightBytes, long runBytes) {

    /** Room for one pass's intermediates and its captured tensors, and the JVM's own heap growth. */
    static final long PASS_MB = 256;

    public static MemoryNeed of(Checkpoint checkpoint) {
        boolean tied = checkpoint.headTiedToEmbedding();
        long weights = 0;
        long staging = 0;
        for (String name : checkpoint.names()) {
            ParameterValues values = checkpoint.values(name);
            if (tied && name.equals("lm_head.weight")) {
                continue;
            }
            weights += values.size() * Float.BYTES;
            if (values.dtype().byteSize() == 2) {
                staging = Math.max(staging, values.size() * 2);
            }
        }
        Gpt2Config c = checkpoint.config();
        long kvCache = 2L * c.layers() * c.contextLength() * c.width() * Float.BYTES;
        return new MemoryNeed(weights, staging + kvCache + (PASS_MB << 20));
    }

    public long total() {
        return weightBytes + runBytes;
    }

    /**
     * Fails before loading when the need is above what is available; does nothing when nothing is known.
     *
     * @param model the model as the user named it, for the message
     * @throws NotEnoughMemoryException with one sentence: needed, available, what to do
     */
    public void requireWithin(Optional<AvailableMemory> available, String model) {
        if (available.isEmpty() || total() <= available.get().bytes()) {
            return;
        }
        AvailableMemory a = available.get();
        throw new NotEnoughMemoryException("not enough memory for " + model + ": it needs about " + gb(total())
                + " (" + gb(weightBytes) + " of weights as float32, " + gb(runBytes) + " to run) but only "
                + gb(a.bytes()) + " is available (" + a.source() + "); close other programs, use a machine with"
                + " more memory or a smaller model, or set " + AvailableMemory.OVERRIDE + " to override this estimate");
    }

    /** {@code 7.1 GB}, or {@code 830 MB} below a gigabyte. */
    static String gb(long bytes) {
        return bytes >= 1e9 ? String.format(Locale.ROOT, "%.1f GB", bytes / 1e9)
                : String.format(Locale.ROOT, "%d MB", Math.round(bytes / 1e6));
    }
}
