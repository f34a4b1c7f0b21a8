package io.github.gpt2explainer.site;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.gpt2explainer.forward.CapturedTensor;
import io.github.gpt2explainer.forward.CapturedPass;
import io.github.gpt2explainer.forward.CaptureKind;
import io.github.gpt2explainer.forward.CaptureNames;
import io.github.gpt2explainer.model.Gpt2Config;
import io.github.gpt2explainer.sampling.Candidate;
import io.github.gpt2explainer.sampling.TopTokens;
import io.github.gpt2explainer.tokenizer.TokenPiece;
import io.github.gpt2explainer.trace.GenerationRun;
import io.github.gpt2explainer.trace.GenerationStep;
import io.github.gpt2explainer.trace.LogitLens;
import io.github.gpt2explainer.trace.PromptRun;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Turns one {@link PromptRun} into the payloads of its data files (see {@code templates/README.md} for the
 * format). Every number is a captured value, only rounded to f16/f32 for storage.
 */
public final class PromptData {

    /**
     * Format version written into every main file; bump when a field changes meaning.
     * 2: layer files drop {@code mlp.gelu} (the browser recomputes it from {@code mlp.fc}) and gain the layer
     * norm statistics; {@code model} gains {@code layerNormEpsilon}.
     */
    public static final int FORMAT = 2;

    /** The per-layer kinds that go into {@code attn-<l>.js}. */
    static final List<CaptureKind> ATTENTION_KINDS = List.of(CaptureKind.ATTN_SCORES, CaptureKind.ATTN_SCALED,
            CaptureKind.ATTN_MASKED, CaptureKind.ATTN_SOFTMAX);
    /**
     * The per-layer kinds that go into {@code layer-<l>.js}. {@code mlp.gelu} is left out: it is gelu_new of
     * {@code mlp.fc} elementwise, and recomputing it in the browser halves the largest part of the file.
     */
    static final List<CaptureKind> LAYER_KINDS = List.of(CaptureKind.LN_1_OUT, CaptureKind.ATTN_Q, CaptureKind.ATTN_K,
            CaptureKind.ATTN_V, CaptureKind.ATTN_HEADS, CaptureKind.ATTN_PROJ, CaptureKind.RESID_MID, CaptureKind.LN_2_OUT,
            CaptureKind.MLP_FC, CaptureKind.MLP_PROJ, CaptureKind.RESID_POST);
    /** The model-level kinds that go into {@code model.js}. */
    static final List<CaptureKind> MODEL_KINDS = List.of(CaptureKind.EMBED_TOKEN, CaptureKind.EMBED_POSITION,
            CaptureKind.EMBED_SUM, CaptureKind.LN_F_OUT);

    private final PromptRun run;
    private final Gpt2Config config;
    private final CapturedPass prefill;
    private final int tokens;

    public PromptData(PromptRun run) {
        this.run = run;
        this.config = run.model().config();
        this.prefill = run.prefill();
        this.tokens = prefill.tokens().length;
        if (prefill.startPosition() != 0) {
            throw new IllegalArgumentException("prompt " + run.promptId() + ": the prefill trace starts at position "
                    + prefill.startPosition() + ", expected 0 (the whole prompt)");
        }
        if (tokens == 0) {
            throw new IllegalArgumentException("prompt " + run.promptId() + ": the prefill trace has no tokens");
        }
    }

    public int layers() {
        return config.layers();
    }

    /** The logits of the last prompt position, as the browser sees them (rounded to f16). */
    public float[] finalLogitsAsStored() {
        float[] logits = lastRow(tensor(CaptureKind.LOGITS, 0));
        float[] rounded = new float[logits.length];
        for (int i = 0; i < logits.length; i++) {
            rounded[i] = DataCodec.roundToF16(logits[i]);
        }
        return rounded;
    }

    /** {@code main.js}: what a prompt page needs when it opens. */
    public ObjectNode main() {
        ObjectNode root = DataCodec.nodes().objectNode();
        root.put("format", FORMAT);
        root.put("promptId", run.promptId());
        root.put("contentHash", run.contentHash());
        root.set("model", modelShape());
        SortedSet<Integer> referenced = new TreeSet<>();

        ArrayNode tokenIds = root.putArray("tokens");
        for (long id : prefill.tokens()) {
            tokenIds.add(id);
            referenced.add((int) id);
        }

        float[] logits = lastRow(tensor(CaptureKind.LOGITS, 0));
        ObjectNode next = root.putObject("next");
        next.put("position", tokens - 1);
        next.set("logits", DataCodec.f16(logits, logits.length));
        ArrayNode top = next.putArray("topIds");
        for (int id : TopTokens.of(logits, PromptRun.TOP_NEXT_TOKENS)) {
            top.add(id);
            referenced.add(id);
        }

        ArrayNode generations = root.putArray("generations");
        for (GenerationRun g : run.generations()) {
            generations.add(generation(g, referenced));
        }
        if (run.lens() != null && run.lens().layers() > 0) {
            root.set("lens", lens(run.lens(), referenced));
        }
        root.set("flow", flow());
        ObjectNode vocab = root.putObject("vocab");
        for (int id : referenced) {
            vocab.set(Integer.toString(id), piece(id));
        }
        return root;
    }

    /** {@code insight.js}: what decided the prediction ({@link InsightData}). */
    public ObjectNode insight() {
        return InsightData.of(run.insight(), lastRow(tensor(CaptureKind.LOGITS, 0)), tokens, run.promptId());
    }

    /** {@code attn-<l>.js}: the attention pipeline of every head in one layer. */
    public ObjectNode attention(int layer) {
        ObjectNode root = DataCodec.nodes().objectNode();
        root.put("layer", layer);
        for (CaptureKind kind : ATTENTION_KINDS) {
            root.set(kind.suffix(), f16(tensor(kind, layer)));
        }
        return root;
    }

    /** {@code heads.js}: the attention weights (softmax) of every layer and head, for the head gallery. */
    public ObjectNode heads() {
        int layers = config.layers();
        int heads = config.heads();
        int cells = tokens * tokens;
        float[] all = new float[layers * heads * cells]; // [L, H, T, T]
        for (int l = 0; l < layers; l++) {
            float[] softmax = softmax(l);
            System.arraycopy(softmax, 0, all, l * heads * cells, heads * cells);
        }
        ObjectNode root = DataCodec.nodes().objectNode();
        root.set("softmax", DataCodec.f16(all, layers, heads, tokens, tokens));
        return root;
    }

    /** {@code layer-<l>.js}: the remaining intermediates of one layer, for the detailed views. */
    public ObjectNode layer(int layer) {
        ObjectNode root = DataCodec.nodes().objectNode();
        root.put("layer", layer);
        for (CaptureKind kind : LAYER_KINDS) {
            root.set(kind.suffix(), f16(tensor(kind, layer)));
        }
        putStats(root, "ln_1", LayerNormStats.of(layerNormInput(1, layer)));
        putStats(root, "ln_2", LayerNormStats.of(tensor(CaptureKind.RESID_MID, layer)));
        return root;
    }

    /**
     * The captured input of a block's layer norm: ln_1 reads the stream entering the block (the embedding sum
     * for block 0, else the previous block's {@code resid_post}); ln_2 reads {@code resid_mid}.
     */
    CapturedTensor layerNormInput(int which, int layer) {
        if (which == 2) {
            return tensor(CaptureKind.RESID_MID, layer);
        }
        return layer == 0 ? tensor(CaptureKind.EMBED_SUM, 0) : tensor(CaptureKind.RESID_POST, layer - 1);
    }

    /** {@code <prefix>.mean}, {@code <prefix>.var}: f32 [T], derived from the norm's captured input. */
    private void putStats(ObjectNode root, String prefix, LayerNormStats stats) {
        root.set(prefix + ".mean", DataCodec.f32(stats.mean(), tokens));
        root.set(prefix + ".var", DataCodec.f32(stats.variance(), tokens));
    }

    /** {@code model.js}: embeddings and the final layer norm output. */
    public ObjectNode modelLevel() {
        ObjectNode root = DataCodec.nodes().objectNode();
        for (CaptureKind kind : MODEL_KINDS) {
            root.set(kind.suffix(), f16(tensor(kind, 0)));
        }
        putStats(root, "ln_f", LayerNormStats.of(tensor(CaptureKind.RESID_POST, config.layers() - 1)));
        return root;
    }

    // ---- parts -------------------------------------------------------------------------------------

    /**
     * The attention-flow view's data: per layer the attention averaged over heads, and the attention
     * rollout ({@link AttentionFlow}), each f16 [L, T, T].
     */
    private ObjectNode flow() {
        int layers = config.layers();
        double[][] means = new double[layers][];
        for (int l = 0; l < layers; l++) {
            means[l] = AttentionFlow.meanOverHeads(softmax(l), config.heads(), tokens);
        }
        ObjectNode node = DataCodec.nodes().objectNode();
        node.set("mean", DataCodec.f16(AttentionFlow.toFloats(means), layers, tokens, tokens));
        node.set("rollout", DataCodec.f16(AttentionFlow.toFloats(AttentionFlow.rollout(means, tokens)), layers, tokens, tokens));
        node.put("residual", AttentionFlow.RESIDUAL_WEIGHT);
        return node;
    }

    /** attn.softmax of one layer, [H, T, T]. */
    private float[] softmax(int layer) {
        CapturedTensor t = tensor(CaptureKind.ATTN_SOFTMAX, layer);
        long[] shape = t.shape();
        if (shape.length != 3 || shape[0] != config.heads() || shape[1] != tokens || shape[2] != tokens) {
            throw new IllegalArgumentException("prompt " + run.promptId() + ": " + t.name() + " has shape "
                    + Arrays.toString(shape) + ", expected [" + config.heads() + ", " + tokens + ", " + tokens + "]");
        }
        return t.toArray();
    }

    private ObjectNode modelShape() {
        ObjectNode m = DataCodec.nodes().objectNode();
        m.put("layers", config.layers());
        m.put("width", config.width());
        m.put("heads", config.heads());
        m.put("headDim", config.headDim());
        m.put("vocab", config.vocabSize());
        m.put("context", config.contextLength());
        m.put("layerNormEpsilon", config.layerNormEpsilon());
        m.put("demo", run.model().demo());
        return m;
    }

    private ObjectNode generation(GenerationRun g, SortedSet<Integer> referenced) {
        ObjectNode node = DataCodec.nodes().objectNode();
        node.put("temperature", g.temperature());
        node.put("seed", Long.toString(g.seed())); // 64-bit: beyond JavaScript's exact integers
        node.put("topK", g.topK());
        node.put("topP", g.topP());
        node.put("stopReason", g.stopReason().name());
        List<GenerationStep> steps = g.steps();
        int width = steps.stream().mapToInt(s -> s.candidates().size()).max().orElse(0);
        ArrayNode ids = node.putArray("tokenIds");
        ArrayNode positions = node.putArray("positions");
        float[] probability = new float[steps.size()];
        float[] draw = new float[steps.size()];
        ArrayNode candidateIds = node.putArray("candidateIds");
        ArrayNode candidateKept = node.putArray("candidateKept");
        float[] candidateLogits = new float[steps.size() * width];
        float[] candidateProbs = new float[steps.size() * width];
        Arrays.fill(candidateLogits, Float.NaN);
        Arrays.fill(candidateProbs, Float.NaN);
        for (int s = 0; s < steps.size(); s++) {
            GenerationStep step = steps.get(s);
            ids.add(step.tokenId());
            referenced.add(step.tokenId());
            positions.add(step.position());
            probability[s] = (float) step.probability();
            draw[s] = (float) step.draw();
            ArrayNode rowIds = candidateIds.addArray();
            ArrayNode rowKept = candidateKept.addArray();
            for (int c = 0; c < step.candidates().size(); c++) {
                Candidate cand = step.candidates().get(c);
                rowIds.add(cand.tokenId());
                rowKept.add(cand.kept() ? 1 : 0);
                referenced.add(cand.tokenId());
                candidateLogits[s * width + c] = cand.logit();
                candidateProbs[s * width + c] = (float) cand.probability();
            }
        }
        node.set("probability", DataCodec.f32(probability, steps.size()));
        node.set("draw", DataCodec.f32(draw, steps.size()));
        node.set("candidateLogits", DataCodec.f32(candidateLogits, steps.size(), width));
        node.set("candidateProbs", DataCodec.f32(candidateProbs, steps.size(), width));
        return node;
    }

    private ObjectNode lens(LogitLens lens, SortedSet<Integer> referenced) {
        int layers = lens.layers();
        int positions = lens.positions();
        int k = positions == 0 ? 0 : lens.ids()[0][0].length;
        ObjectNode node = DataCodec.nodes().objectNode();
        ArrayNode ids = node.putArray("ids");
        float[] probs = new float[layers * positions * k];
        int i = 0;
        for (int l = 0; l < layers; l++) {
            for (int p = 0; p < positions; p++) {
                for (int j = 0; j < k; j++) {
                    int id = lens.ids()[l][p][j];
                    ids.add(id);
                    referenced.add(id);
                    probs[i++] = lens.probs()[l][p][j];
                }
            }
        }
        node.set("shape", DataCodec.nodes().arrayNode().add(layers).add(positions).add(k));
        node.set("probs", DataCodec.f32(probs, layers, positions, k));
        return node;
    }

    private ObjectNode piece(int id) {
        TokenPiece piece = run.vocabulary().get(id);
        if (piece == null) {
            throw new IllegalArgumentException("prompt " + run.promptId() + ": token id " + id
                    + " is used but the run's vocabulary has no display form for it");
        }
        ObjectNode node = DataCodec.nodes().objectNode();
        node.put("display", piece.display());
        node.put("visible", piece.visibleText());
        node.put("bytes", HexFormat.ofDelimiter(" ").withUpperCase().formatHex(piece.bytes()));
        if (piece.partial()) {
            node.put("partial", true);
        }
        if (piece.special()) {
            node.put("special", true);
        }
        return node;
    }

    // ---- tensor helpers ----------------------------------------------------------------------------

    private CapturedTensor tensor(CaptureKind kind, int layer) {
        String name = CaptureNames.name(kind, layer);
        if (!prefill.contains(name)) {
            throw new IllegalArgumentException("prompt " + run.promptId() + ": the prefill trace has no " + name
                    + "; the site needs a full capture (CaptureSpec.all())");
        }
        return prefill.get(name);
    }

    private static ObjectNode f16(CapturedTensor t) {
        return DataCodec.f16(t.toArray(), t.shape());
    }

    /** [T, E] -> [T] Euclidean norms, accumulated in double. */
    static float[] rowNorms(CapturedTensor t) {
        int rows = (int) t.dim(0);
        int width = t.size() / rows;
        float[] values = t.toArray();
        float[] norms = new float[rows];
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int c = 0; c < width; c++) {
                double v = values[r * width + c];
                sum += v * v;
            }
            norms[r] = (float) Math.sqrt(sum);
        }
        return norms;
    }

    /** [rows, W] -> the last row [W]. */
    private static float[] lastRow(CapturedTensor t) {
        int rows = (int) t.dim(0);
        int width = t.size() / rows;
        return t.copyRange((rows - 1) * width, width);
    }
}
