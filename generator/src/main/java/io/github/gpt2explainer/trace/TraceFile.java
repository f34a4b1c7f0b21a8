package io.github.gpt2explainer.trace;

import io.github.gpt2explainer.forward.CapturedTensor;
import io.github.gpt2explainer.forward.ForwardTrace;
import io.github.gpt2explainer.forward.TraceNames;
import io.github.gpt2explainer.model.SafetensorsWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Writes a forward trace as a standard safetensors file: {@code tokens} (I64) first, then every captured
 * tensor (F32) in the order the pass produces them, under the names of {@link TraceNames}. Masked
 * attention scores are written as {@code -Infinity}.
 */
public final class TraceFile {
    private TraceFile() {
    }

    /** Writes {@code trace} to {@code target} atomically; {@code metadata} goes to {@code __metadata__}. */
    public static Path write(ForwardTrace trace, int layers, Map<String, String> metadata, Path target) {
        return write(trace, layers, metadata, Map.of(), writer -> { }, target);
    }

    /**
     * As {@link #write(ForwardTrace, int, Map, Path)}, but a tensor of {@code replacements} is written in
     * place of the captured tensor of the same name (e.g. {@code logits} at every position), and
     * {@code appendix} adds further tensors after the captured ones.
     */
    public static Path write(ForwardTrace trace, int layers, Map<String, String> metadata,
                             Map<String, CapturedTensor> replacements, Consumer<SafetensorsWriter> appendix,
                             Path target) {
        SafetensorsWriter writer = SafetensorsWriter.create();
        metadata.forEach(writer::metadata);
        long[] tokens = trace.tokens();
        writer.add(TraceNames.TOKENS, new long[] {tokens.length}, tokens);
        for (String name : TraceNames.all(layers)) {
            if (replacements.containsKey(name) || trace.contains(name)) {
                CapturedTensor t = replacements.containsKey(name) ? replacements.get(name) : trace.get(name);
                writer.add(name, t.shape(), t.toArray()); // a copy: the writer reads it later
            }
        }
        appendix.accept(writer);
        return writer.write(target);
    }
}
