package io.github.gpt2explainer.model;

import java.util.Optional;

/**
 * The element types a safetensors header may name. The reader can turn {@link #F32}, {@link #F16} and
 * {@link #BF16} into floats; the others are recognised so that a file using them gets a clear
 * "unsupported dtype" message instead of "unknown dtype", and so the writer can emit them (e.g. I64 tokens).
 */
public enum SafetensorsDtype {
    BOOL(1), U8(1), I8(1), F8_E5M2(1), F8_E4M3(1),
    I16(2), U16(2), F16(2), BF16(2),
    I32(4), U32(4), F32(4),
    I64(8), U64(8), F64(8);

    private final int byteSize;

    SafetensorsDtype(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** True for the dtypes the reader widens to (or reads as) F32. */
    public boolean isFloatReadable() {
        return this == F32 || this == F16 || this == BF16;
    }

    /** The dtype spelled exactly as in a safetensors header, if known. */
    public static Optional<SafetensorsDtype> fromHeaderName(String name) {
        for (SafetensorsDtype d : values()) {
            if (d.name().equals(name)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }
}
