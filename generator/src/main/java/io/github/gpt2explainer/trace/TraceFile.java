package io.github.gpt2explainer.trace;

import io.github.gpt2explainer.forward.CapturedTensor;
import io.github.gpt2explainer.forward.CapturedPass;
import io.github.gpt2explainer.forward.CaptureNames;
import io.github.gpt2explainer.model.SafetensorsWriter;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes a forward trace as a standard safetensors file: {@code tokens} (I64) first, then every captured
 * tensor (F32) in the order the pass produces them, under the names of {@link CaptureNames}. Masked
 * attention scores are written as {@code -Infinity}.
 */
public final class TraceFile {
    private TraceFile() {
    }

    /** Writes {@code trace} to {@code target} atomically; {@code metadata} goes to {@code __metadata__}. */
    public static Path write(CapturedPass trace, int layers, Map<String, String> metadata, Path target) {
        SafetensorsWriter writer = SafetensorsWriter.create();
        metadata.forEach(writer::metadata);
        long[] tokens = trace.tokens();
        writer.add(CaptureNames.TOKENS, new long[] {tokens.length}, tokens);
        for (String name : CaptureNames.all(layers)) {
            if (trace.contains(name)) {
                CapturedTensor t = trace.get(name);
                writer.add(name, t.shape(), t.toArray()); // a copy: the writer reads it later
            }
        }
        return writer.write(target);
    }
}
