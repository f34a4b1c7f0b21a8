package io.github.gpt2explainer.model;

import io.github.gpt2explainer.tokenizer.Gpt2Tokenizer;
import io.github.gpt2explainer.trace.ModelInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A model known by its identity before its weights are loaded, so a build whose traces are all cached
 * does no model work. {@link #info()} (weights' SHA-256, config, tokenizer's SHA-256) is what the
 * trace store keys on; {@link #loadCheckpoint()} is called only when a prompt must run.
 *
 * <p>What identifying costs: for a directory (or Hub snapshot), reading config.json, loading the tokenizer
 * and hashing the weight files (no tensor is parsed). For a random checkpoint such as the demo, generating
 * the weights in Java and hashing them: its exact parameters are hashed, so a change to the generator can
 * never reuse stale traces. What that costs: docs/benchmarks.md.
 */
public final class ModelSource implements AutoCloseable {

    private final ModelInfo info;
    private final Gpt2Tokenizer tokenizer;
    private final Supplier<Checkpoint> weights;
    private final Supplier<Optional<AvailableMemory>> memory;

    private ModelSource(ModelInfo info, Gpt2Tokenizer tokenizer, Supplier<Checkpoint> weights) {
        this(info, tokenizer, weights, Optional::empty);
    }

    private ModelSource(ModelInfo info, Gpt2Tokenizer tokenizer, Supplier<Checkpoint> weights,
                        Supplier<Optional<AvailableMemory>> memory) {
        this.info = Objects.requireNonNull(info, "info");
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.weights = Objects.requireNonNull(weights, "weights");
        this.memory = Objects.requireNonNull(memory, "memory");
    }

    /**
     * The same model, whose {@link #loadCheckpoint()} first checks that it fits in the memory {@code available}
     * reports (asked at load time, not now). Without this, no check is made.
     */
    public ModelSource checkingMemory(Supplier<Optional<AvailableMemory>> available) {
        return new ModelSource(info, tokenizer, weights, available);
    }

    /** The {@code --model} value that selects the built-in demo. */
    public static final String DEMO = "demo";
    /** Fixed, so the demo is the same model on every machine. */
    public static final long DEMO_SEED = 20240601L;

    /** The untrained demo: GPT-2's real vocabulary and tokenizer, seeded random weights built in memory. */
    public static ModelSource demo() {
        return random(RandomCheckpoint.demoConfig(), DEMO_SEED, DEMO, true);
    }

    /** A {@link RandomCheckpoint} with the bundled tokenizer, e.g. a GPT-2-small shape for measurements. */
    public static ModelSource random(Gpt2Config config, long seed, String spec, boolean demo) {
        Checkpoint checkpoint = RandomCheckpoint.create(config, seed);
        Gpt2Tokenizer tokenizer = Gpt2Tokenizer.bundled();
        ModelInfo info = new ModelInfo(spec, null, null, null, parametersSha256(checkpoint),
                tokenizer.sha256(), config, demo);
        // Hand the hashed weights over once and forget them (they are uploaded to native memory then);
        // a later load generates them again.
        AtomicReference<Checkpoint> generated = new AtomicReference<>(checkpoint);
        return new ModelSource(info, tokenizer, () -> {
            Checkpoint c = generated.getAndSet(null);
            return c != null ? c : RandomCheckpoint.create(config, seed);
        });
    }

    /** A Hugging Face GPT-2 directory (a local folder or a Hub snapshot); the weights are hashed, not loaded. */
    public static ModelSource directory(Path dir, String spec, String repoId, String revision, String commit) {
        Gpt2Config config = Gpt2ConfigReader.read(dir.resolve(CheckpointFiles.CONFIG));
        String weightsSha256 = CheckpointFiles.locate(dir).sha256();
        Gpt2Tokenizer tokenizer = Gpt2Tokenizer.forCheckpoint(dir);
        ModelInfo info = new ModelInfo(spec, repoId, revision, commit, weightsSha256, tokenizer.sha256(), config, false);
        return new ModelSource(info, tokenizer, () -> CheckpointLoader.load(dir));
    }

    /** SHA-256 over every parameter's name and little-endian F32 bytes, in name order. */
    public static String parametersSha256(Checkpoint checkpoint) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (Map.Entry<String, FloatTensor> e : checkpoint.parameters().entrySet()) {
                digest.update(e.getKey().getBytes(StandardCharsets.UTF_8));
                FloatBuffer data = e.getValue().view();
                while (data.hasRemaining()) {
                    chunk.clear();
                    while (chunk.remaining() >= Float.BYTES && data.hasRemaining()) {
                        chunk.putFloat(data.get());
                    }
                    chunk.flip();
                    digest.update(chunk);
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** Any identity and weights, e.g. a test's checkpoint; {@code weights} is called once per load. */
    public static ModelSource of(ModelInfo info, Gpt2Tokenizer tokenizer, Supplier<Checkpoint> weights) {
        return new ModelSource(info, tokenizer, weights);
    }

    public ModelInfo info() {
        return info;
    }

    public Gpt2Config config() {
        return info.config();
    }

    public Gpt2Tokenizer tokenizer() {
        return tokenizer;
    }

    /**
     * The weights, ready for {@code Gpt2Model.load}: a directory's are validated headers whose data the engine
     * reads when the model loads; a random model's are handed over from memory.
     *
     * @throws NotEnoughMemoryException when a memory check is on and the model does not fit
     */
    public Checkpoint loadCheckpoint() {
        Checkpoint checkpoint = weights.get();
        if (!checkpoint.config().equals(info.config())) {
            throw new IllegalStateException("the weights' config " + checkpoint.config() + " differs from the config "
                    + info.config() + " read earlier; did the model files change during the run?");
        }
        MemoryNeed.of(checkpoint).requireWithin(memory.get(), info.spec());
        return checkpoint;
    }

    /** A one-line description for start-up messages. */
    public String describe() {
        Gpt2Config c = info.config();
        String what = info.demo() ? "demo (untrained, seeded random weights)"
                : info.repoId() != null ? info.repoId() + "@" + (info.commit() != null ? info.commit() : info.revision())
                : info.spec();
        return what + ": " + c.layers() + " layers, width " + c.width() + ", " + c.heads() + " heads, vocabulary "
                + c.vocabSize() + ", context " + c.contextLength();
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
