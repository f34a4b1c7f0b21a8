package io.github.gpt2explainer.site;

import ai.djl.ndarray.NDManager;
import io.github.gpt2explainer.forward.CaptureSpec;
import io.github.gpt2explainer.forward.CapturedTensor;
import io.github.gpt2explainer.forward.ForwardTrace;
import io.github.gpt2explainer.forward.Gpt2Model;
import io.github.gpt2explainer.forward.KvCache;
import io.github.gpt2explainer.forward.StepResult;
import io.github.gpt2explainer.forward.TraceKind;
import io.github.gpt2explainer.forward.TraceNames;
import io.github.gpt2explainer.model.FloatTensor;
import io.github.gpt2explainer.model.Gpt2Config;
import io.github.gpt2explainer.runs.EffectivePrompt;
import io.github.gpt2explainer.runs.LoadedModel;
import io.github.gpt2explainer.runs.PromptSet;
import io.github.gpt2explainer.sampling.Candidate;
import io.github.gpt2explainer.sampling.Rng;
import io.github.gpt2explainer.sampling.SampleResult;
import io.github.gpt2explainer.sampling.Sampler;
import io.github.gpt2explainer.tokenizer.TokenPiece;
import io.github.gpt2explainer.trace.GenerationRun;
import io.github.gpt2explainer.trace.GenerationStep;
import io.github.gpt2explainer.trace.LogitLens;
import io.github.gpt2explainer.trace.PromptRun;
import io.github.gpt2explainer.trace.StopReason;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Computes each prompt's {@link PromptRun} on demand by running the model in this process: a fully
 * captured prefill, one generation per temperature (sampling as documented in prompts/README.md), a logit
 * lens, and the display form of every id used. A stand-in for the trace store, so the site can be rendered
 * (by {@code render} and by tests) before the store exists; the real build reads stored runs instead.
 */
public final class InProcessRuns implements PromptRunSource, AutoCloseable {

    /** Tokens per position in the logit lens. */
    public static final int LENS_TOP = 5;

    private final LoadedModel loaded;
    private final PromptSet promptSet;
    private final NDManager manager;
    private final Gpt2Model model;
    private final boolean withLens;

    /**
     * @param withLens whether to compute the logit lens (L x T x V multiply-adds in Java: cheap for the demo,
     *                 seconds for GPT-2 small)
     */
    public InProcessRuns(LoadedModel loaded, PromptSet promptSet, boolean withLens) {
        this.loaded = loaded;
        this.promptSet = promptSet;
        this.withLens = withLens;
        this.manager = NDManager.newBaseManager("PyTorch");
        this.model = Gpt2Model.load(loaded.checkpoint(), manager);
    }

    @Override
    public PromptRun load(String promptId) {
        EffectivePrompt prompt = promptSet.prompt(promptId)
                .orElseThrow(() -> new IllegalArgumentException("no prompt with id " + promptId))
                .effective(promptSet.settings());
        long[] ids = loaded.tokenizer().encode(prompt.text());
        if (ids.length == 0) {
            throw new IllegalArgumentException("prompt " + promptId + ": its text encodes to no tokens");
        }
        StepResult prefill = model.forward(ids, CaptureSpec.all());
        TreeSet<Integer> referenced = new TreeSet<>();
        for (long id : ids) {
            referenced.add((int) id);
        }
        for (int id : PromptData.topIds(prefill.lastLogits(), PromptData.TOP_NEXT)) {
            referenced.add(id);
        }
        List<GenerationRun> generations = new ArrayList<>();
        for (double temperature : prompt.temperatures()) {
            GenerationRun run = generate(ids, prompt, temperature);
            generations.add(run);
            for (GenerationStep step : run.steps()) {
                referenced.add(step.tokenId());
                step.candidates().forEach(c -> referenced.add(c.tokenId()));
            }
        }
        LogitLens lens = withLens ? lens(prefill.trace()) : new LogitLens(new int[0][][], new float[0][][]);
        for (int[][] layer : lens.ids()) {
            for (int[] position : layer) {
                for (int id : position) {
                    referenced.add(id);
                }
            }
        }
        SortedMap<Integer, TokenPiece> vocabulary = new TreeMap<>();
        for (int id : referenced) {
            vocabulary.put(id, loaded.tokenizer().piece(id));
        }
        return new PromptRun(promptId, prompt.contentHash(), loaded.info(), prefill.trace(), generations, lens,
                vocabulary);
    }

    private GenerationRun generate(long[] promptIds, EffectivePrompt prompt, double temperature) {
        long seed = prompt.runSeed(temperature);
        Rng rng = new Rng(seed);
        List<GenerationStep> steps = new ArrayList<>();
        StopReason stop = StopReason.MAX_NEW_TOKENS;
        int context = loaded.checkpoint().config().contextLength();
        try (KvCache cache = model.newCache()) {
            float[] logits = model.prefill(cache, promptIds, CaptureSpec.none()).lastLogits();
            int position = promptIds.length;
            for (int i = 0; i < prompt.maxNewTokens() && position < context; i++) {
                double u = rng.nextDouble();
                SampleResult r = Sampler.sample(logits, temperature, prompt.topK(), prompt.topP(), u);
                List<Candidate> candidates = r.candidates();
                steps.add(new GenerationStep(position, r.tokenId(), r.probability(), u, candidates));
                position++;
                if (r.tokenId() == loaded.tokenizer().endOfTextId()) {
                    stop = StopReason.END_OF_TEXT;
                    break;
                }
                if (i + 1 < prompt.maxNewTokens()) {
                    logits = model.decode(cache, r.tokenId(), CaptureSpec.none()).lastLogits();
                }
            }
        }
        return new GenerationRun(temperature, seed, prompt.topK(), prompt.topP(), steps, stop);
    }

    /** The final layer norm and LM head applied to each block's output, top {@link #LENS_TOP} per position. */
    private LogitLens lens(ForwardTrace trace) {
        Gpt2Config c = loaded.checkpoint().config();
        int e = c.width();
        int v = c.vocabSize();
        float[] gamma = values(loaded.checkpoint().parameters().get("ln_f.weight"));
        float[] beta = values(loaded.checkpoint().parameters().get("ln_f.bias"));
        FloatBuffer head = loaded.checkpoint().parameters().get("lm_head.weight").view(); // [V, E]
        int layers = c.layers();
        int positions = trace.tokens().length;
        int[][][] ids = new int[layers][positions][];
        float[][][] probs = new float[layers][positions][];
        float[] logits = new float[v];
        float[] normed = new float[e];
        for (int l = 0; l < layers; l++) {
            CapturedTensor resid = trace.get(TraceNames.of(l, TraceKind.RESID_POST)); // [T, E]
            for (int p = 0; p < positions; p++) {
                layerNorm(resid.data(), p * e, e, gamma, beta, c.layerNormEpsilon(), normed);
                for (int id = 0; id < v; id++) {
                    double dot = 0;
                    for (int j = 0; j < e; j++) {
                        dot += normed[j] * head.get(id * e + j);
                    }
                    logits[id] = (float) dot;
                }
                int[] top = PromptData.topIds(logits, LENS_TOP);
                double[] all = Sampler.probabilities(logits, 1.0, 0, 1.0);
                ids[l][p] = top;
                probs[l][p] = new float[top.length];
                for (int k = 0; k < top.length; k++) {
                    probs[l][p][k] = (float) all[top[k]];
                }
            }
        }
        return new LogitLens(ids, probs);
    }

    private static void layerNorm(float[] x, int from, int n, float[] gamma, float[] beta, double eps, float[] out) {
        double mean = 0;
        for (int i = 0; i < n; i++) {
            mean += x[from + i];
        }
        mean /= n;
        double var = 0;
        for (int i = 0; i < n; i++) {
            double d = x[from + i] - mean;
            var += d * d;
        }
        var /= n;
        double inv = 1.0 / Math.sqrt(var + eps);
        for (int i = 0; i < n; i++) {
            out[i] = (float) ((x[from + i] - mean) * inv * gamma[i] + beta[i]);
        }
    }

    private static float[] values(FloatTensor t) {
        FloatBuffer b = t.view();
        float[] out = new float[b.remaining()];
        b.get(out);
        return out;
    }

    @Override
    public void close() {
        model.close();
        manager.close();
    }
}
