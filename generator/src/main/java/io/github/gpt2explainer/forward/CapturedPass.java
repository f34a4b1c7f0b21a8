package io.github.gpt2explainer.forward;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What one forward step recorded. Tensors cover only the step's new positions
 * {@code startPosition .. startPosition + T - 1}; attention rows span every key seen so far.
 *
 * <p>Captured tensors are read in place from native memory: {@link #close()} frees it once they are no
 * longer needed (a trace dropped unclosed is freed by the garbage collector, later). Reading a tensor of a
 * closed trace throws {@link IllegalStateException}. Closing a trace built from Java arrays does nothing.
 *
 * @param tokens        the step's input ids, [T]
 * @param startPosition the absolute position of the first new token (the KV cache length before the step)
 * @param tensors       trace name to tensor, in pass order
 */
public record CapturedPass(long[] tokens, int startPosition, Map<String, CapturedTensor> tensors)
        implements AutoCloseable {

    public CapturedPass {
        tokens = tokens.clone();
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    @Override
    public long[] tokens() {
        return tokens.clone();
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /** The named tensor; throws naming what was recorded when it is absent. */
    public CapturedTensor get(String name) {
        CapturedTensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("trace has no tensor " + name + " (recorded: "
                    + (tensors.isEmpty() ? "nothing" : String.join(", ", tensors.keySet())) + ")");
        }
        return t;
    }

    public CapturedTensor get(CaptureKind kind, int layer) {
        return get(CaptureNames.name(kind, layer));
    }

    public Set<String> names() {
        return tensors.keySet();
    }

    public boolean isEmpty() {
        return tensors.isEmpty();
    }

    /** Frees the native memory of this trace's tensors; idempotent. */
    @Override
    public void close() {
        tensors.values().forEach(CapturedTensor::release);
    }
}
