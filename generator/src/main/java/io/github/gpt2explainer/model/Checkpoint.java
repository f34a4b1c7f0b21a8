package io.github.gpt2explainer.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A GPT-2 checkpoint: its configuration and every parameter under its canonical name ({@code wte.weight},
 * {@code wpe.weight}, {@code h.<l>.ln_1.weight}, ... {@code ln_f.bias}, {@code lm_head.weight}). The head is
 * always present: a checkpoint without {@code lm_head.weight} gets {@code wte.weight} under that name too
 * (tied weights).
 *
 * <p>The values are either in memory ({@link FloatTensor}, e.g. a {@link RandomCheckpoint}) or still on
 * disk ({@link StoredTensor}, from {@link CheckpointLoader}); the engine reads them through
 * {@link #values(String)} into memory it owns. {@link #tensor(String)} gives Java floats, for tests and
 * tools.
 */
public final class Checkpoint {

    private final String source;
    private final Gpt2Config config;
    private final SortedMap<String, ParameterValues> parameters;

    /**
     * @param source     where it came from, for messages and the site's about page
     * @param config     the hyper-parameters
     * @param parameters canonical name to values
     */
    public Checkpoint(String source, Gpt2Config config, Map<String, ? extends ParameterValues> parameters) {
        this.source = source;
        this.config = config;
        this.parameters = Collections.unmodifiableSortedMap(new TreeMap<>(parameters));
    }

    public String source() {
        return source;
    }

    public Gpt2Config config() {
        return config;
    }

    /** The parameter's values as stored, for the engine to read into its own memory. */
    public ParameterValues values(String name) {
        ParameterValues v = parameters.get(name);
        if (v == null) {
            throw new CheckpointException(source + ": no tensor named " + name);
        }
        return v;
    }

    /** The parameter as Java floats; a stored one is mapped (F32) or widened (F16, BF16) on every call. */
    public FloatTensor tensor(String name) {
        ParameterValues v = values(name);
        return v instanceof StoredTensor stored ? stored.toFloatTensor() : (FloatTensor) v;
    }

    /**
     * {@code count} elements of a parameter from {@code firstElement} on, as floats on the Java heap (F16 and
     * BF16 widened): reads only that range, so a row of the head costs a row, not the whole matrix.
     */
    public FloatBuffer floats(String name, long firstElement, int count) {
        ParameterValues v = values(name);
        ByteBuffer bytes = ByteBuffer.allocate(Math.multiplyExact(count, v.dtype().byteSize()))
                .order(ByteOrder.LITTLE_ENDIAN);
        v.copyTo(firstElement, bytes);
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            out[i] = switch (v.dtype()) {
                case F32 -> bytes.getFloat(i * 4);
                case F16 -> HalfFloat.halfToFloat(bytes.getShort(i * 2));
                case BF16 -> HalfFloat.bfloat16ToFloat(bytes.getShort(i * 2));
                default -> throw new CheckpointException(source + ": tensor " + name + " has dtype " + v.dtype()
                        + ", expected F32/F16/BF16");
            };
        }
        return FloatBuffer.wrap(out);
    }

    /** Every parameter as Java floats, sorted by name (reads a stored checkpoint's every tensor). */
    public SortedMap<String, FloatTensor> parameters() {
        SortedMap<String, FloatTensor> all = new TreeMap<>();
        for (String name : parameters.keySet()) {
            all.put(name, tensor(name));
        }
        return Collections.unmodifiableSortedMap(all);
    }

    public Map<String, FloatTensor> all() {
        return parameters();
    }

    /**
     * True when {@code lm_head.weight} is {@code wte.weight}'s values under the head's name (tied weights, as
     * in every OpenAI GPT-2): the same stored entry, or the same buffer in memory.
     */
    public boolean headTiedToEmbedding() {
        ParameterValues head = values("lm_head.weight");
        ParameterValues embedding = values("wte.weight");
        if (head instanceof StoredTensor h && embedding instanceof StoredTensor e) {
            return h.file().equals(e.file()) && h.entry().equals(e.entry());
        }
        return head instanceof FloatTensor h && embedding instanceof FloatTensor e && h.data() == e.data();
    }

    /** The canonical names, sorted. */
    public java.util.Set<String> names() {
        return parameters.keySet();
    }

    @Override
    public String toString() {
        return "Checkpoint[" + source + ", " + config + ", " + parameters.size() + " parameters]";
    }
}
