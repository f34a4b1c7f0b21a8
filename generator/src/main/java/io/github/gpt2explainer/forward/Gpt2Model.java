package io.github.gpt2explainer.forward;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.norm.LayerNorm;
import io.github.gpt2explainer.model.Checkpoint;
import io.github.gpt2explainer.model.CheckpointException;
import io.github.gpt2explainer.model.Gpt2Config;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The GPT-2 forward pass on DJL NDArrays (float32, PyTorch engine), with opt-in capture of every
 * intermediate and incremental decoding through a {@link KvCache}.
 *
 * <p>Shapes in comments: N sequences in a batch (1 unless {@link #decodeBatch} is used), T new tokens
 * in this step, P cached positions before it, S = P + T keys, E width, H heads, D = E / H, V vocabulary.
 *
 * <p>Native memory: parameters live in this model's scope for its whole life; every step's
 * intermediates live in a scope closed when the step ends (each block's in a narrower one closed when
 * the block ends); only the KV cache's buffers outlive a step, in their cache's scope. Captured tensors
 * are not copied: the trace keeps a handle on them in memory of its own (see {@link CaptureMemory}).
 *
 * <p>Attention masking: a query may not see later keys; the masked scores hold {@code -Infinity}
 * (as PyTorch's {@code masked_fill(mask, float('-inf'))}) so softmax gives exactly 0 there, and the
 * {@code attn.masked} trace shows {@code -Infinity} at those entries.
 *
 * <p>Not thread-safe: run steps from one thread at a time.
 */
public final class Gpt2Model implements AutoCloseable {

    /** {@link #decodeGroups} multiplies a multiple of this many rows (see there). */
    static final int ROW_BLOCK = 4;

    private final Gpt2Config config;
    private final NDManager manager;
    private final NDArray wte;        // [V, E]; for a tied head a view of lmHeadT, so the values are in memory once
    private final NDArray wpe;        // [C, E]
    private final Block[] blocks;
    private final NDArray lnFWeight;  // [E]
    private final NDArray lnFBias;    // [E]
    private final NDArray lmHeadT;    // [E, V]: lm_head.weight transposed once at load
    private final NDArray causalBias; // [C, C]: 0 where key <= query, -inf where the key is in the future
    private final NDArray attentionScale; // sqrt(D), a 0-d array made once: DJL makes a native array per scalar operand
    private final GeluConstants geluConstants;
    private final Shape normalizedShape;

    /**
     * The parameters of one transformer block, named as in the checkpoint. The Conv1D weights are kept as
     * the checkpoint holds them, [in, out], so {@link #linear} is x W + b.
     */
    private record Block(NDArray ln1Weight, NDArray ln1Bias,                   // ln_1:        [E], [E]
                         NDArray attnCAttnWeight, NDArray attnCAttnBias,       // attn.c_attn: [E, 3E], [3E]
                         NDArray attnCProjWeight, NDArray attnCProjBias,       // attn.c_proj: [E, E], [E]
                         NDArray ln2Weight, NDArray ln2Bias,                   // ln_2:        [E], [E]
                         NDArray mlpCFcWeight, NDArray mlpCFcBias,             // mlp.c_fc:    [E, 4E], [4E]
                         NDArray mlpCProjWeight, NDArray mlpCProjBias) {       // mlp.c_proj:  [4E, E], [E]
    }

    /**
     * What every part of one step shares: its scope for intermediates, the batch (N sequences of T new
     * tokens after P cached positions), the cache it extends, and the recorder of its captures.
     */
    private record Step(NDManager arrays, int n, int t, int past, KvCache cache, Recorder rec) {
        int total() {
            return past + t; // S: keys after this step
        }
    }

    private Gpt2Model(Checkpoint checkpoint, NDManager parent) {
        this.config = checkpoint.config();
        this.manager = parent.newSubManager();
        try (EngineParameters parameters = new EngineParameters(checkpoint, manager)) {
            int e = config.width();
            int v = config.vocabSize();
            int c = config.contextLength();
            int m = config.mlpWidth();
            parameters.requireShape("wte.weight", v, e); // a tied head's error then names the tensor in the file
            lmHeadT = parameters.loadTransposed("lm_head.weight", v, e);
            wte = checkpoint.headTiedToEmbedding() ? lmHeadT.transpose()            // [V, E] view
                    : parameters.load("wte.weight", v, e);
            wpe = parameters.load("wpe.weight", c, e);
            blocks = new Block[config.layers()];
            for (int l = 0; l < blocks.length; l++) {
                String p = "h." + l + ".";
                blocks[l] = new Block(
                        parameters.load(p + "ln_1.weight", e), parameters.load(p + "ln_1.bias", e),
                        parameters.load(p + "attn.c_attn.weight", e, 3 * e), parameters.load(p + "attn.c_attn.bias", 3 * e),
                        parameters.load(p + "attn.c_proj.weight", e, e), parameters.load(p + "attn.c_proj.bias", e),
                        parameters.load(p + "ln_2.weight", e), parameters.load(p + "ln_2.bias", e),
                        parameters.load(p + "mlp.c_fc.weight", e, m), parameters.load(p + "mlp.c_fc.bias", m),
                        parameters.load(p + "mlp.c_proj.weight", m, e), parameters.load(p + "mlp.c_proj.bias", e));
            }
            lnFWeight = parameters.load("ln_f.weight", e);
            lnFBias = parameters.load("ln_f.bias", e);
            causalBias = manager.create(causalBiasTable(c), new Shape(c, c));
            attentionScale = manager.create((float) Math.sqrt(config.headDim()));
            geluConstants = GeluConstants.in(manager);
            normalizedShape = new Shape(e);
        } catch (RuntimeException ex) {
            manager.close();
            throw ex;
        }
    }

    /**
     * Loads every parameter of {@code checkpoint} once into native float32 arrays under {@code manager}
     * (a PyTorch-engine manager), read straight into memory PyTorch allocated (see {@link EngineParameters}).
     * Closing the model frees them, and its caches.
     *
     * @throws CheckpointException when a tensor is missing or has the wrong shape for the config
     */
    public static Gpt2Model load(Checkpoint checkpoint, NDManager manager) {
        return new Gpt2Model(checkpoint, manager);
    }

    public Gpt2Config config() {
        return config;
    }

    /** An empty single-sequence cache, to be filled by {@link #prefill}. */
    public KvCache newCache() {
        requireOpen();
        return new KvCache(this, manager, 1, config.layers());
    }

    /**
     * A single-sequence cache holding the keys and values a captured pass from position 0 recorded ({@code attn.k}
     * and {@code attn.v} of every layer, [H, T, D] each): the cache that pass left, without running it again.
     */
    public KvCache cacheOf(CapturedPass pass) {
        requireOpen();
        if (pass.startPosition() != 0) {
            throw new IllegalArgumentException("a cache is made from a pass from position 0, this one starts at "
                    + pass.startPosition());
        }
        int t = pass.tokens().length;
        Shape shape = new Shape(1, config.heads(), t, config.headDim());                  // [1, H, T, D]
        KvCache cache = newCache();
        try (NDManager upload = manager.newSubManager()) {
            cache.reserveExactly(t); // copies of it get their own room (KvCache.prefix)
            for (int l = 0; l < blocks.length; l++) {
                cache.write(l, upload.create(recorded(pass, CaptureKind.ATTN_K, l, shape), shape),
                        upload.create(recorded(pass, CaptureKind.ATTN_V, l, shape), shape));
            }
            cache.advance(t);
            return cache;
        } catch (RuntimeException e) {
            cache.close();
            throw e;
        }
    }

    private static float[] recorded(CapturedPass pass, CaptureKind kind, int layer, Shape shape) {
        CapturedTensor tensor = pass.get(kind, layer);
        if (tensor.size() != shape.size()) {
            throw new IllegalArgumentException(tensor.name() + " has " + tensor.size() + " values, a cache row of "
                    + shape + " needs " + shape.size());
        }
        return tensor.toArray();
    }

    /** Runs {@code ids} through the model without keeping a cache: positions 0 .. T-1. */
    public StepResult forward(long[] ids, CaptureSpec capture) {
        try (KvCache scratch = newCache()) {
            return prefill(scratch, ids, capture);
        }
    }

    /** Appends {@code ids} (one or more tokens) to a single-sequence cache and returns the step's result. */
    public StepResult prefill(KvCache cache, long[] ids, CaptureSpec capture) {
        requireBatch(cache, 1);
        return step(cache, new long[][] {ids}, capture).get(0);
    }

    /** Appends one token to a single-sequence cache: the trace holds that position's rows and its attention over all S keys. */
    public StepResult decode(KvCache cache, long nextId, CaptureSpec capture) {
        requireBatch(cache, 1);
        return step(cache, new long[][] {{nextId}}, capture).get(0);
    }

    /** Appends one token to each sequence of a batched cache (see {@link KvCache#repeat}); one result per row. */
    public List<StepResult> decodeBatch(KvCache cache, long[] nextIds, CaptureSpec capture) {
        requireBatch(cache, nextIds.length);
        return step(cache, oneTokenPerRow(nextIds), capture);
    }

    /**
     * One decode step for several batched caches at once, each at its own length: e.g. the temperatures of
     * several prompts. Every linear layer and the head multiply the rows of all caches together, so a step reads
     * the weights once for all of them; attention runs per cache, over its own keys, exactly as
     * {@link #decodeBatch} does. Nothing is captured.
     *
     * <p>A step multiplies a multiple of {@value #ROW_BLOCK} rows (padding with rows that are then dropped). MKL's
     * SGEMM computes rows in blocks of 4, and the last rows of a small product, short of a block, on another path
     * with other rounding; in full blocks, a row gets the same bits wherever it sits and whatever the number of
     * rows. A row's logits are then the same bits whichever caches share its step, so a prompt gives the same
     * tokens alone (live, a shard) as beside others (a build). GroupedDecodeTest checks it on this engine; another
     * BLAS or CPU may block rows otherwise (and a different thread count already changes the last bits).
     *
     * @param caches  the caches to advance, each by one position
     * @param nextIds per cache, one token per row
     * @return per cache, the logits [V] of each row's new position
     */
    public List<List<float[]>> decodeGroups(List<KvCache> caches, List<long[]> nextIds) {
        if (caches.size() != nextIds.size()) {
            throw new IllegalArgumentException(caches.size() + " caches but " + nextIds.size() + " lists of ids");
        }
        List<long[][]> rows = new ArrayList<>(nextIds.size());
        nextIds.forEach(ids -> rows.add(oneTokenPerRow(ids)));
        return stepGroups(caches, rows);
    }

    /**
     * One step for several caches at once, each extended by its own number of tokens: {@link #decodeGroups} when
     * that number is 1, and e.g. the occluded copies of a prompt, each continuing the prompt's cache from its own
     * position (InputAttribution). The linear layers multiply the new rows of every cache together (padded to a
     * multiple of {@value #ROW_BLOCK}, see {@link #decodeGroups}); attention runs per cache, causal within its new
     * rows; the head reads each sequence's last new position only. Nothing is captured.
     *
     * @param caches the caches to advance
     * @param ids    per cache, one row of new tokens per sequence, every row of a cache of one length
     * @return per cache, the logits [V] of each sequence's last new position
     */
    public List<List<float[]>> stepGroups(List<KvCache> caches, List<long[][]> ids) {
        requireOpen();
        if (caches.isEmpty() || caches.size() != ids.size()) {
            throw new IllegalArgumentException(caches.size() + " caches but " + ids.size() + " lists of ids");
        }
        int[] lengths = new int[caches.size()];      // new tokens per sequence of each cache
        int rows = 0;
        int sequences = 0;
        for (int g = 0; g < caches.size(); g++) {
            lengths[g] = reserveStep(caches.get(g), ids.get(g));
            rows += ids.get(g).length * lengths[g];
            sequences += ids.get(g).length;
        }
        long[] tokens = new long[paddedRows(rows)]; // padding rows: token 0 at position 0, dropped at the end
        long[] positions = new long[tokens.length];
        long[] lastRows = new long[paddedRows(sequences)]; // each sequence's last new row; padding reads row 0
        int[] offsets = new int[caches.size()];
        for (int g = 0, row = 0, sequence = 0; g < caches.size(); g++) {
            offsets[g] = row;
            int past = caches.get(g).length();
            for (long[] sequenceIds : ids.get(g)) {
                for (int p = 0; p < sequenceIds.length; p++) {
                    tokens[row] = sequenceIds[p];
                    positions[row++] = past + p;
                }
                lastRows[sequence++] = row - 1;
            }
        }
        try (NDManager arrays = manager.newSubManager()) {
            NDArray tokenEmb = wte.get(arrays, new NDIndex("{}", arrays.create(tokens)));         // [R, E]
            NDArray positionEmb = wpe.get(arrays, new NDIndex("{}", arrays.create(positions))); // [R, E]
            NDArray x = tokenEmb.add(positionEmb);                                                // [R, E]
            for (int l = 0; l < blocks.length; l++) {
                x = groupedBlock(l, x, caches, lengths, offsets, rows, arrays);                   // [R, E]
            }
            // one new token per sequence: its rows are the last rows already, padding included
            NDArray last = rows == sequences ? x : x.get(new NDIndex("{}", arrays.create(lastRows))); // [S', E]
            float[] logits = copyOut(layerNorm(last, lnFWeight, lnFBias).matMul(lmHeadT));            // [S', V]
            for (int g = 0; g < caches.size(); g++) {
                caches.get(g).advance(lengths[g]);
            }
            int v = config.vocabSize();
            List<List<float[]>> out = new ArrayList<>(caches.size());
            for (int g = 0, sequence = 0; g < caches.size(); g++) {
                List<float[]> group = new ArrayList<>(caches.get(g).batchSize());
                for (int r = 0; r < caches.get(g).batchSize(); r++, sequence++) {
                    group.add(Arrays.copyOfRange(logits, sequence * v, (sequence + 1) * v));
                }
                out.add(List.copyOf(group));
            }
            return List.copyOf(out);
        }
    }

    /** {@code rows} rounded up to a multiple of {@value #ROW_BLOCK} (see {@link #decodeGroups}). */
    private static int paddedRows(int rows) {
        return (rows + ROW_BLOCK - 1) / ROW_BLOCK * ROW_BLOCK;
    }

    /**
     * {@link #block} for the new rows of several caches: x [R, E], cache g's n_g sequences of T_g rows each from
     * {@code offsets[g]} (sequence by sequence), padding rows after the first {@code rows} (they skip attention:
     * their head outputs are 0).
     */
    private NDArray groupedBlock(int l, NDArray x, List<KvCache> caches, int[] lengths, int[] offsets, int rows,
                                 NDManager arrays) {
        Block b = blocks[l];
        int heads = config.heads();
        int d = config.headDim();
        int e = config.width();
        try (NDManager scope = arrays.newSubManager()) {
            x.attach(scope);
            NDArray ln1 = layerNorm(x, b.ln1Weight, b.ln1Bias);                           // [R, E]
            NDArray qkv = linear(ln1, b.attnCAttnWeight, b.attnCAttnBias);                // [R, 3E]
            NDArray[] merged = new NDArray[caches.size() + (x.getShape().get(0) > rows ? 1 : 0)];
            for (int g = 0; g < caches.size(); g++) {
                KvCache cache = caches.get(g);
                int n = cache.batchSize();
                int t = lengths[g];
                int past = cache.length();
                int total = past + t;
                NDArray qkvHeads = qkv.get(new NDIndex().addSliceDim(offsets[g], offsets[g] + n * t))
                        .reshape(n, t, 3, heads, d).transpose(2, 0, 3, 1, 4);               // [3, n, H, T, D]
                NDArray q = qkvHeads.get(0);                                              // [n, H, T, D]
                cache.write(l, qkvHeads.get(1), qkvHeads.get(2));
                NDArray keys = cache.keys(scope, l, total);                               // [n, H, S, D] view
                NDArray values = cache.values(scope, l, total);                           // [n, H, S, D] view
                NDArray scaled = q.matMul(keys.transpose(0, 1, 3, 2)).div(attentionScale); // [n, H, T, S]
                NDArray masked = t == 1 ? scaled                                          // one new query sees every key
                        : scaled.add(causalBias.get(scope, new NDIndex().addSliceDim(past, total).addSliceDim(0, total)));
                merged[g] = masked.softmax(3).matMul(values).transpose(0, 2, 1, 3).reshape(n * t, e); // [n*T, E]
            }
            if (merged.length > caches.size()) {
                merged[caches.size()] = scope.zeros(new Shape(x.getShape().get(0) - rows, e)); // padding rows
            }
            NDArray attended = merged.length == 1 ? merged[0] : NDArrays.concat(new NDList(merged), 0); // [R, E]
            NDArray residMid = x.add(linear(attended, b.attnCProjWeight, b.attnCProjBias)); // [R, E]
            NDArray ln2 = layerNorm(residMid, b.ln2Weight, b.ln2Bias);                    // [R, E]
            NDArray gelu = geluNewFused(linear(ln2, b.mlpCFcWeight, b.mlpCFcBias), geluConstants); // [R, 4E]
            NDArray residPost = residMid.add(linear(gelu, b.mlpCProjWeight, b.mlpCProjBias));      // [R, E]
            residPost.attach(arrays);
            return residPost;
        }
    }

    /**
     * The general step: appends {@code ids[i]} (all of equal length T) to row i of the cache.
     * The cache is changed only when the whole step succeeds.
     */
    public List<StepResult> step(KvCache cache, long[][] ids, CaptureSpec capture) {
        requireOpen();
        int n = ids.length;
        int past = cache.length();
        int t = reserveStep(cache, ids);
        Recorder rec = new Recorder(capture, ids, past);
        try (NDManager arrays = manager.newSubManager()) {
            return pass(new Step(arrays, n, t, past, cache, rec), ids);
        } catch (RuntimeException | Error e) {
            rec.discard();
            throw e;
        }
    }

    /**
     * Checks that {@code ids} (one row per sequence of the cache, all of length T) can extend {@code cache}, and makes
     * room for them: what {@link #step} and {@link #decodeGroups} check before any work. Returns T.
     */
    private int reserveStep(KvCache cache, long[][] ids) {
        if (cache.owner() != this) {
            throw new IllegalArgumentException("the KV cache belongs to another model");
        }
        cache.requireOpen();
        requireBatch(cache, ids.length);
        int t = validateIds(ids);
        int past = cache.length();
        int total = past + t;
        if (total > config.contextLength()) {
            throw new IllegalArgumentException("context limit exceeded: " + past + " cached + " + t
                    + " new tokens = " + total + " positions, but the model's context limit (n_positions) is "
                    + config.contextLength());
        }
        cache.reserve(total);
        return t;
    }

    /** {@code ids} as rows of one token each: [N] to [N][1]. */
    private static long[][] oneTokenPerRow(long[] ids) {
        long[][] rows = new long[ids.length][];
        for (int i = 0; i < ids.length; i++) {
            rows[i] = new long[] {ids[i]};
        }
        return rows;
    }

    /** The pass itself, its intermediates in {@code step}; the cache advances only at its end. */
    private List<StepResult> pass(Step s, long[][] ids) {
        int n = s.n();
        int t = s.t();
        int e = config.width();
        Recorder rec = s.rec();
        NDArray idArray = s.arrays().create(flatten(ids), new Shape(n, t));       // [N, T] int64
        NDArray tokenEmb = wte.get(s.arrays(), new NDIndex("{}", idArray));       // [N, T, E]
        NDArray positionEmb = wpe.get(s.arrays(), new NDIndex().addSliceDim(s.past(), s.total())); // [T, E]
        NDArray embedded = tokenEmb.add(positionEmb);                             // [N, T, E]
        rec.batched(CaptureKind.EMBED_TOKEN, -1, tokenEmb);
        rec.sharedParameterSlice(CaptureKind.EMBED_POSITION, positionEmb);
        rec.batched(CaptureKind.EMBED_SUM, -1, embedded);

        // The residual stream is kept as rows [N*T, E]: every linear layer is then one 2-D product.
        NDArray x = embedded.reshape(n * t, e);                                   // [N*T, E]
        for (int l = 0; l < blocks.length; l++) {
            x = block(l, x, s);                                                   // [N*T, E]
        }

        // Only the last position's logits are computed (see the trace format in the README).
        NDArray lnF = layerNorm(x, lnFWeight, lnFBias);                           // [N*T, E]
        NDArray lastLn = lnF.reshape(n, t, e).get(new NDIndex().addAllDim().addIndices(t - 1)); // [N, E]
        NDArray logits = lastLn.matMul(lmHeadT);                                  // [N, V]
        rec.rows(CaptureKind.LN_F_OUT, -1, lnF);
        rec.batched(CaptureKind.LOGITS, -1, logits.reshape(n, 1, -1));             // [N, 1, V]
        float[] lastLogits = copyOut(logits);

        s.cache().advance(t);
        return rec.results(lastLogits, config.vocabSize());
    }

    /**
     * The final layer norm and the LM head applied to arbitrary residual-stream vectors, e.g. each
     * block's {@code resid_post} for the logit lens: [rows, E] row-major in, [rows, V] row-major out.
     * Runs in its own scope, freed on return; callers chunk the rows to bound the [rows, V] output.
     */
    public float[] headLogits(float[] residuals, int rows) {
        requireOpen();
        try (NDManager scope = manager.newSubManager()) {
            return copyOut(head(scope, residuals, rows));                           // [rows, V]
        }
    }

    /** ln_f and the LM head over {@code residuals} [rows, E] row-major, in {@code scope}: the logits [rows, V]. */
    private NDArray head(NDManager scope, float[] residuals, int rows) {
        int e = config.width();
        if (rows < 1 || (long) rows * e != residuals.length) {
            throw new IllegalArgumentException("expected " + rows + " rows of width " + e + " = " + ((long) rows * e)
                    + " values, got " + residuals.length);
        }
        NDArray x = scope.create(residuals, new Shape(rows, e));                      // [rows, E]
        return layerNorm(x, lnFWeight, lnFBias).matMul(lmHeadT);                     // [rows, V]
    }

    /**
     * As {@link #headLogits}, keeping only each row's {@code count} largest logits, as log-probabilities (log-softmax
     * over the whole vocabulary, in the engine): the logit lens reads a few tokens of each of L x T rows, and copying
     * out and normalising every [V] row in Java cost more than the head itself. The log-softmax is PyTorch's fused
     * float32 kernel: a kept probability is within about 2e-6 (relative) of a double computation, and the double
     * one (converting [rows, V], then its exp) took two to three times as long as the head's product.
     */
    public TopLogProbs headTopLogProbs(float[] residuals, int rows, int count) {
        requireOpen();
        if (count < 1 || count > config.vocabSize()) {
            throw new IllegalArgumentException("count must be 1 to " + config.vocabSize() + ", got " + count);
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray logits = head(scope, residuals, rows);                                   // [rows, V]
            NDList top = logits.logSoftmax(1).topK(count, 1, true, true);                       // [rows, count] each
            return new TopLogProbs(count, top.get(1).toLongArray(),
                    top.get(0).toType(DataType.FLOAT64, false).toDoubleArray());
        }
    }

    /**
     * One transformer block over the residual rows {@code x} [N*T, E]: x + attn(ln_1(x)), then + mlp(ln_2(.)).
     * Writes this step's keys and values into the cache and frees its intermediates when it returns, except
     * its output.
     */
    private NDArray block(int l, NDArray x, Step s) {
        Block b = blocks[l];
        int n = s.n();
        int t = s.t();
        Recorder rec = s.rec();
        try (NDManager scope = s.arrays().newSubManager()) {
            x.attach(scope); // the block input dies with the block; results of ops on it land in this scope

            // 1. Attention: resid_mid = x + c_proj(softmax(mask(q k^T / sqrt(D))) v)
            NDArray ln1 = layerNorm(x, b.ln1Weight, b.ln1Bias);                       // [N*T, E]
            NDArray qkv = linear(ln1, b.attnCAttnWeight, b.attnCAttnBias);            // [N*T, 3E]
            // One reshape and one permute give q, k and v as views (fewer native calls than split + 3 x reshape/transpose).
            NDArray qkvHeads = qkv.reshape(n, t, 3, config.heads(), config.headDim())
                    .transpose(2, 0, 3, 1, 4);                                        // [3, N, H, T, D]
            NDArray q = qkvHeads.get(0);                                              // [N, H, T, D]
            NDArray k = qkvHeads.get(1);                                              // [N, H, T, D]
            NDArray v = qkvHeads.get(2);                                              // [N, H, T, D]
            s.cache().write(l, k, v);
            NDArray keys = s.cache().keys(scope, l, s.total());                       // [N, H, S, D] view
            NDArray values = s.cache().values(scope, l, s.total());                   // [N, H, S, D] view
            NDArray scores = q.matMul(keys.transpose(0, 1, 3, 2));                    // [N, H, T, S]
            NDArray scaled = scores.div(attentionScale);                              // [N, H, T, S]
            NDArray masked = t == 1 ? scaled                                          // one new query sees every key
                    : scaled.add(causalBias.get(scope, new NDIndex()
                            .addSliceDim(s.past(), s.total()).addSliceDim(0, s.total()))); // [N, H, T, S]
            NDArray softmax = masked.softmax(3);                                      // [N, H, T, S]
            NDArray heads = softmax.matMul(values);                                   // [N, H, T, D]
            NDArray merged = heads.transpose(0, 2, 1, 3).reshape(n * t, config.width()); // [N*T, E]
            NDArray attnProj = linear(merged, b.attnCProjWeight, b.attnCProjBias);    // [N*T, E]
            NDArray residMid = x.add(attnProj);                                       // [N*T, E]

            // 2. MLP: resid_post = resid_mid + c_proj(gelu(c_fc(ln_2(resid_mid))))
            NDArray ln2 = layerNorm(residMid, b.ln2Weight, b.ln2Bias);                // [N*T, E]
            NDArray fc = linear(ln2, b.mlpCFcWeight, b.mlpCFcBias);                   // [N*T, 4E]
            NDArray gelu = geluNewFused(fc, geluConstants);                           // [N*T, 4E]
            NDArray mlpProj = linear(gelu, b.mlpCProjWeight, b.mlpCProjBias);         // [N*T, E]
            NDArray residPost = residMid.add(mlpProj);                                // [N*T, E]

            rec.rows(CaptureKind.LN_1_OUT, l, ln1);
            rec.batched(CaptureKind.ATTN_Q, l, q);
            rec.batched(CaptureKind.ATTN_K, l, k);
            rec.batched(CaptureKind.ATTN_V, l, v);
            rec.batched(CaptureKind.ATTN_SCORES, l, scores);
            rec.batched(CaptureKind.ATTN_SCALED, l, scaled);
            rec.batched(CaptureKind.ATTN_MASKED, l, masked);
            rec.batched(CaptureKind.ATTN_SOFTMAX, l, softmax);
            rec.batched(CaptureKind.ATTN_HEADS, l, heads);
            rec.rows(CaptureKind.ATTN_PROJ, l, attnProj);
            rec.rows(CaptureKind.RESID_MID, l, residMid);
            rec.rows(CaptureKind.LN_2_OUT, l, ln2);
            rec.rows(CaptureKind.MLP_FC, l, fc);
            rec.rows(CaptureKind.MLP_GELU, l, gelu);
            rec.rows(CaptureKind.MLP_PROJ, l, mlpProj);
            rec.rows(CaptureKind.RESID_POST, l, residPost);

            residPost.attach(s.arrays()); // survives the block
            return residPost;
        }
    }

    /**
     * x W + b for rows x [rows, in] and a Conv1D weight W [in, out]: a matMul, then the bias added in place,
     * which is faster than PyTorch's fused addmm (docs/benchmarks.md).
     */
    private static NDArray linear(NDArray x, NDArray weightInOut, NDArray bias) {
        return x.matMul(weightInOut).addi(bias);
    }

    /** Layer norm over the last axis: biased variance, eps from the config, then * weight + bias. */
    private NDArray layerNorm(NDArray x, NDArray weight, NDArray bias) {
        return LayerNorm.layerNorm(x, normalizedShape, weight, bias, (float) config.layerNormEpsilon()).head();
    }

    /**
     * GPT-2's "gelu_new", the tanh approximation, as the textbook writes it:
     * 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
     * Not DJL's {@code Activation.gelu}, which is the exact erf form and differs in the 4th decimal.
     */
    public static NDArray geluNew(NDArray x) {
        NDArray inner = x.add(x.pow(3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));  // sqrt(2/pi) (x + 0.044715 x^3)
        return x.mul(0.5).mul(inner.tanh().add(1));                                  // 0.5 x (1 + tanh(inner))
    }

    /** {@link #geluNew} with the model's constants, in the fused form the forward pass uses. */
    static NDArray geluNewFused(NDArray x) {
        return geluNewFused(x, GeluConstants.in(x.getManager()));
    }

    /**
     * {@link #geluNew} in fewer native calls, for speed: 0.5 (1 + tanh(y)) = sigmoid(2 y), so
     * gelu_new(x) = x * sigmoid(x * (a + b x^2)) with a = 2 sqrt(2/pi) and b = 0.044715 a; the gate is
     * built in place (one array instead of four).
     */
    private static NDArray geluNewFused(NDArray x, GeluConstants c) {
        NDArray gate = x.square().muli(c.b()).addi(c.a()).muli(x);
        return Activation.sigmoid(gate).muli(x);
    }

    /** The constants of {@link #geluNewFused} as 0-d arrays, made once per model rather than once per call. */
    private record GeluConstants(NDArray a, NDArray b) {
        static GeluConstants in(NDManager manager) {
            double a = 2 * Math.sqrt(2.0 / Math.PI);
            return new GeluConstants(manager.create((float) a), manager.create((float) (0.044715 * a)));
        }
    }

    @Override
    public void close() {
        manager.close();
    }

    NDManager manager() {
        requireOpen();
        return manager;
    }

    private void requireOpen() {
        if (!manager.isOpen()) {
            throw new IllegalStateException("this model is closed");
        }
    }

    private static void requireBatch(KvCache cache, int n) {
        if (cache.batchSize() != n) {
            throw new IllegalArgumentException("the KV cache holds " + cache.batchSize()
                    + " sequence(s) but " + n + " were given");
        }
    }

    private int validateIds(long[][] ids) {
        if (ids.length == 0 || ids[0].length == 0) {
            throw new IllegalArgumentException("a step needs at least one token");
        }
        int t = ids[0].length;
        for (int i = 0; i < ids.length; i++) {
            if (ids[i].length != t) {
                throw new IllegalArgumentException("all sequences of a batch step need the same length: row 0 has "
                        + t + " tokens, row " + i + " has " + ids[i].length);
            }
            for (int j = 0; j < t; j++) {
                if (ids[i][j] < 0 || ids[i][j] >= config.vocabSize()) {
                    throw new IllegalArgumentException("token id " + ids[i][j] + " (row " + i + ", index " + j
                            + ") is outside the vocabulary [0, " + config.vocabSize() + ")");
                }
            }
        }
        return t;
    }

    private static long[] flatten(long[][] ids) {
        return Arrays.stream(ids).flatMapToLong(Arrays::stream).toArray();
    }

    private static float[] causalBiasTable(int c) {
        float[] table = new float[c * c];
        for (int query = 0; query < c; query++) {
            Arrays.fill(table, query * c + query + 1, (query + 1) * c, Float.NEGATIVE_INFINITY);
        }
        return table;
    }

    /**
     * A float32 array's values in row-major order, in one bulk copy from a direct view of its native memory
     * (DJL makes a contiguous copy first when the array is a strided view). {@code toFloatArray} would copy
     * twice and allocate an intermediate byte[] of the same size.
     */
    private static float[] copyOut(NDArray array) {
        float[] data = new float[Math.toIntExact(array.size())];
        array.toByteBuffer(true).asFloatBuffer().get(data);
        return data;
    }

    /**
     * Keeps the recorded tensors of a step, per sequence and keyed by trace name, in native memory of
     * their own (one {@link CaptureMemory} per sequence, made on the first capture): no copy into Java.
     */
    private final class Recorder {
        private final CaptureSpec spec;
        private final long[][] ids;
        private final int startPosition;
        private final List<Map<String, CapturedTensor>> rows = new ArrayList<>();
        private final CaptureMemory[] memory;

        Recorder(CaptureSpec spec, long[][] ids, int startPosition) {
            this.spec = spec;
            this.ids = ids;
            this.startPosition = startPosition;
            this.memory = new CaptureMemory[ids.length];
            for (int i = 0; i < ids.length; i++) {
                rows.add(new LinkedHashMap<>());
            }
        }

        /** Residual-stream rows [N*T, W]: row i gets its [T, W]. */
        void rows(CaptureKind kind, int layer, NDArray array) {
            if (spec.isNone()) {
                return;
            }
            if (ids.length == 1) {
                keep(0, CaptureNames.name(kind, layer), array.getShape(), array);
            } else {
                batched(kind, layer, array.reshape(ids.length, ids[0].length, -1));  // [N, T, W] view
            }
        }

        /** An array with a leading batch axis [N, ...]: row i gets the slice [...]. */
        void batched(CaptureKind kind, int layer, NDArray array) {
            if (spec.isNone()) {
                return;
            }
            String name = CaptureNames.name(kind, layer);
            Shape rowShape = array.getShape().slice(1);
            for (int i = 0; i < ids.length; i++) {
                keep(i, name, rowShape, ids.length == 1 ? array : array.get(i));
            }
        }

        /**
         * A slice of a parameter, the same for every row. It is kept as a copy, so a trace holds none of
         * the model's own memory.
         */
        void sharedParameterSlice(CaptureKind kind, NDArray parameterView) {
            if (!spec.isNone()) {
                NDArray copy = parameterView.duplicate();
                for (int i = 0; i < ids.length; i++) {
                    keep(i, CaptureNames.of(kind), copy.getShape(), copy);
                }
            }
        }

        private void keep(int row, String name, Shape shape, NDArray array) {
            if (memory[row] == null) {
                memory[row] = new CaptureMemory(manager);
            }
            FloatBuffer values = memory[row].keep(array, shape);
            rows.get(row).put(name, CapturedTensor.inMemory(name, shape.getShape(), values, memory[row]));
        }

        List<StepResult> results(float[] lastLogits, int vocab) {
            List<StepResult> results = new ArrayList<>(ids.length);
            for (int i = 0; i < ids.length; i++) {
                float[] logits = ids.length == 1 ? lastLogits : Arrays.copyOfRange(lastLogits, i * vocab, (i + 1) * vocab);
                results.add(new StepResult(logits, new CapturedPass(ids[i], startPosition, rows.get(i))));
            }
            return List.copyOf(results);
        }

        /** Frees what was kept so far, when the step fails before its results exist. */
        void discard() {
            for (CaptureMemory m : memory) {
                if (m != null) {
                    m.close();
                }
            }
        }
    }
}
