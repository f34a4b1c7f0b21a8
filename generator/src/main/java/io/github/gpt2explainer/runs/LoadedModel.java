package io.github.gpt2explainer.runs;

import io.github.gpt2explainer.model.Checkpoint;
import io.github.gpt2explainer.model.CheckpointFiles;
import io.github.gpt2explainer.model.CheckpointLoader;
import io.github.gpt2explainer.model.FloatTensor;
import io.github.gpt2explainer.model.RandomCheckpoint;
import io.github.gpt2explainer.tokenizer.Gpt2Tokenizer;
import io.github.gpt2explainer.trace.ModelInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * A checkpoint ready to run, with its tokenizer and the facts that identify it.
 *
 * @param checkpoint the weights and configuration
 * @param tokenizer  the tokenizer (the checkpoint's own files, else the bundled GPT-2 vocabulary)
 * @param info       what the site and the trace store record about the model
 */
public record LoadedModel(Checkpoint checkpoint, Gpt2Tokenizer tokenizer, ModelInfo info) implements AutoCloseable {

    /** The {@code --model} value that selects the built-in demo. */
    public static final String DEMO = "demo";
    /** Fixed, so the demo is the same model on every machine. */
    public static final long DEMO_SEED = 20240601L;

    /** The untrained demo: GPT-2's real vocabulary and tokenizer, seeded random weights, built in memory. */
    public static LoadedModel demo() {
        Checkpoint checkpoint = RandomCheckpoint.create(RandomCheckpoint.demoConfig(), DEMO_SEED);
        Gpt2Tokenizer tokenizer = Gpt2Tokenizer.bundled();
        ModelInfo info = new ModelInfo(DEMO, null, null, null, parametersSha256(checkpoint),
                tokenizer.sha256(), checkpoint.config(), true);
        return new LoadedModel(checkpoint, tokenizer, info);
    }

    /**
     * A Hugging Face GPT-2 directory on disk.
     *
     * @param spec     what the user wrote (kept for messages and the about page)
     * @param repoId   the Hub repository it is a snapshot of, or null
     * @param revision the requested revision, or null
     * @param commit   the Hub commit, or null
     */
    public static LoadedModel fromDirectory(Path dir, String spec, String repoId, String revision, String commit) {
        Checkpoint checkpoint = CheckpointLoader.load(dir);
        String weightsSha256 = CheckpointFiles.locate(dir).sha256();
        Gpt2Tokenizer tokenizer = Gpt2Tokenizer.forCheckpoint(dir);
        ModelInfo info = new ModelInfo(spec, repoId, revision, commit, weightsSha256, tokenizer.sha256(),
                checkpoint.config(), false);
        return new LoadedModel(checkpoint, tokenizer, info);
    }

    /** SHA-256 over every parameter's name and little-endian F32 bytes, in name order. */
    static String parametersSha256(Checkpoint checkpoint) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (Map.Entry<String, FloatTensor> e : checkpoint.parameters().entrySet()) {
                digest.update(e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
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

    /** A one-line description for start-up messages. */
    public String describe() {
        var c = checkpoint.config();
        String what = info.demo() ? "demo (untrained, seeded random weights)"
                : info.repoId() != null ? info.repoId() + "@" + (info.commit() != null ? info.commit() : info.revision())
                : checkpoint.source();
        return what + ": " + c.layers() + " layers, width " + c.width() + ", " + c.heads() + " heads, vocabulary "
                + c.vocabSize() + ", context " + c.contextLength();
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
