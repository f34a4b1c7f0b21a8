package io.github.gpt2explainer.site;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.gpt2explainer.forward.CapturedTensor;
import io.github.gpt2explainer.forward.CaptureKind;
import io.github.gpt2explainer.forward.CaptureNames;
import io.github.gpt2explainer.tokenizer.TokenPiece;
import io.github.gpt2explainer.trace.LogitLens;
import io.github.gpt2explainer.trace.PromptRun;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The data of the comparison page, gathered from every prompt's run while the site is rendered (one run in
 * memory at a time; only the small parts below are kept):
 * <ul>
 *   <li>{@code data/compare/index.js}: each prompt's tokens, per position the norm of its embedding
 *       (token + position) and of the residual stream after each block, and the logit lens top-1 after each
 *       block; the tokens that occur in more than one prompt with where they occur; display forms.</li>
 *   <li>{@code data/compare/attn-<l>.js}: the attention weights (softmax) of every head of layer l, per
 *       prompt, so picking a layer loads one small file instead of one file per prompt.</li>
 * </ul>
 */
final class CompareData {

    /** One prompt's share. */
    private record Entry(String id, long[] tokens, float[][] softmax, float[] embedNorm, float[] residNorm,
                         int[] lensIds, float[] lensProbs) {
    }

    private final int layers;
    private final int heads;
    private final List<Entry> entries = new ArrayList<>();
    private final Map<Integer, TokenPiece> pieces = new TreeMap<>();

    CompareData(int layers, int heads) {
        this.layers = layers;
        this.heads = heads;
    }

    /** Keeps what the comparison page needs of {@code run}. */
    void add(PromptRun run) {
        var prefill = run.prefill();
        long[] tokens = prefill.tokens();
        int t = tokens.length;
        float[][] softmax = new float[layers][];
        float[] residNorm = new float[layers * t]; // [L, T]
        for (int l = 0; l < layers; l++) {
            softmax[l] = tensor(run, CaptureKind.ATTN_SOFTMAX, l).toArray(); // [H, T, T]
            System.arraycopy(PromptData.rowNorms(tensor(run, CaptureKind.RESID_POST, l)), 0, residNorm, l * t, t);
        }
        float[] embedNorm = PromptData.rowNorms(tensor(run, CaptureKind.EMBED_SUM, 0)); // [T]
        int[] lensIds = new int[layers * t];       // [L, T]: the lens's most likely token
        float[] lensProbs = new float[layers * t]; // [L, T]: its probability
        LogitLens lens = run.lens();
        if (lens == null || lens.layers() != layers || lens.positions() != t) {
            throw new SiteRenderException("prompt " + run.promptId() + ": the comparison page needs the logit lens of"
                    + " every block and prompt position (" + layers + " x " + t + "), found "
                    + (lens == null ? "none" : lens.layers() + " x " + lens.positions()));
        }
        for (int l = 0; l < layers; l++) {
            for (int p = 0; p < t; p++) {
                lensIds[l * t + p] = lens.ids()[l][p][0];
                lensProbs[l * t + p] = lens.probs()[l][p][0];
            }
        }
        for (long id : tokens) {
            keepPiece(run, (int) id);
        }
        for (int id : lensIds) {
            keepPiece(run, id);
        }
        entries.add(new Entry(run.promptId(), tokens.clone(), softmax, embedNorm, residNorm, lensIds, lensProbs));
    }

    private void keepPiece(PromptRun run, int id) {
        TokenPiece piece = run.vocabulary().get(id);
        if (piece == null) {
            throw new SiteRenderException("prompt " + run.promptId() + ": token id " + id
                    + " has no display form in the run's vocabulary");
        }
        pieces.putIfAbsent(id, piece);
    }

    private static CapturedTensor tensor(PromptRun run, CaptureKind kind, int layer) {
        String name = CaptureNames.name(kind, layer);
        if (!run.prefill().contains(name)) {
            throw new SiteRenderException("prompt " + run.promptId() + ": the prefill trace has no " + name
                    + "; the site needs a full capture");
        }
        return run.prefill().get(name);
    }

    /**
     * The tokens that occur in at least two prompts: id -> [prompt index, position] pairs in prompt order,
     * most widely shared first (then by id).
     */
    Map<Integer, List<int[]>> sharedTokens() {
        Map<Integer, List<int[]>> where = new TreeMap<>();
        Map<Integer, Set<Integer>> promptsOf = new TreeMap<>();
        for (int p = 0; p < entries.size(); p++) {
            long[] tokens = entries.get(p).tokens();
            for (int pos = 0; pos < tokens.length; pos++) {
                int id = (int) tokens[pos];
                where.computeIfAbsent(id, k -> new ArrayList<>()).add(new int[] {p, pos});
                promptsOf.computeIfAbsent(id, k -> new LinkedHashSet<>()).add(p);
            }
        }
        Map<Integer, List<int[]>> shared = new java.util.LinkedHashMap<>();
        where.keySet().stream().filter(id -> promptsOf.get(id).size() > 1)
                .sorted(Comparator.comparingInt((Integer id) -> -promptsOf.get(id).size()).thenComparingInt(id -> id))
                .forEach(id -> shared.put(id, where.get(id)));
        return shared;
    }

    /** {@code data/compare/index.js}. */
    ObjectNode index() {
        ObjectNode root = DataCodec.nodes().objectNode();
        root.put("format", PromptData.FORMAT);
        ObjectNode model = root.putObject("model");
        model.put("layers", layers);
        model.put("heads", heads);
        ArrayNode prompts = root.putArray("prompts");
        for (Entry e : entries) {
            int t = e.tokens().length;
            ObjectNode p = prompts.addObject();
            p.put("id", e.id());
            ArrayNode tokens = p.putArray("tokens");
            for (long id : e.tokens()) {
                tokens.add(id);
            }
            p.set("embedNorm", DataCodec.f32(e.embedNorm(), t));
            p.set("residNorm", DataCodec.f32(e.residNorm(), layers, t));
            ArrayNode lensIds = p.putArray("lensIds");
            for (int id : e.lensIds()) {
                lensIds.add(id);
            }
            p.set("lensProbs", DataCodec.f32(e.lensProbs(), layers, t));
        }
        ArrayNode shared = root.putArray("shared");
        sharedTokens().forEach((id, at) -> {
            ObjectNode s = shared.addObject();
            s.put("id", id);
            ArrayNode places = s.putArray("at");
            for (int[] pair : at) {
                places.addArray().add(pair[0]).add(pair[1]);
            }
        });
        ObjectNode vocab = root.putObject("vocab");
        pieces.forEach((id, piece) -> {
            ObjectNode v = vocab.putObject(Integer.toString(id));
            v.put("display", piece.display());
            v.put("visible", piece.visibleText());
        });
        return root;
    }

    /** {@code data/compare/attn-<layer>.js}: per prompt (in order), f16 [H, T, T]. */
    ObjectNode attention(int layer) {
        ObjectNode root = DataCodec.nodes().objectNode();
        root.put("layer", layer);
        ArrayNode maps = root.putArray("maps");
        for (Entry e : entries) {
            int t = e.tokens().length;
            maps.add(DataCodec.f16(e.softmax()[layer], heads, t, t));
        }
        return root;
    }
}
