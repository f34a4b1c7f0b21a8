package io.github.gpt2explainer.runs;

import io.github.gpt2explainer.sampling.Rng;
import io.github.gpt2explainer.sampling.SampleResult;
import io.github.gpt2explainer.sampling.Sampler;
import io.github.gpt2explainer.trace.GenerationRun;
import io.github.gpt2explainer.trace.GenerationStep;
import io.github.gpt2explainer.trace.StopReason;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Autoregressive sampling of several runs of one prompt together (one run per temperature), independent
 * of the model: the logits come from a {@link DecodeStep}.
 *
 * <p>Rules, per run:
 * <ul>
 *   <li>The first token is chosen from the prompt's last logits (the prefill), so a run of k tokens
 *       needs k - 1 decoding steps.</li>
 *   <li>Every step takes exactly one draw {@code u = rng.nextDouble()} from the run's own
 *       {@link Rng}{@code (seed)} and records it, greedy runs included (greedy ignores it): the draws of
 *       step i are then the i-th outputs of the generator whatever the temperature.</li>
 *   <li>The token is {@code Sampler.sample(logits, temperature, topK, topP, u)}; the step records it,
 *       its probability, the {@value Sampler#DEFAULT_CANDIDATES} top candidates and u.</li>
 *   <li>A run stops, checked in this order, when the token is end-of-text (which is recorded as the
 *       last step), when it has {@code maxNewTokens} tokens, or when prompt + generated tokens fill the
 *       context (the next token would have no position).</li>
 * </ul>
 * All runs advance in one batch; a run that stopped keeps being fed its last token (the batch keeps its
 * shape, so every row's arithmetic is the same whichever run stops first) and its outputs are ignored.
 */
public final class GenerationLoop {

    /** The sampling settings of one run. */
    public record Settings(double temperature, long seed, int topK, double topP) {
    }

    private final int promptLength;
    private final int contextLength;
    private final int maxNewTokens;
    private final long endOfTextId;
    private final List<Settings> runs;
    private final Rng[] rngs;
    private final List<List<GenerationStep>> steps;
    private final StopReason[] stopped;
    private final float[][] logits;
    private int generated;
    private boolean finished;

    private GenerationLoop(float[] firstLogits, int promptLength, int contextLength, int maxNewTokens,
                           long endOfTextId, List<Settings> runs) {
        Objects.requireNonNull(firstLogits, "firstLogits");
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("at least one run (temperature) is needed");
        }
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("max_new_tokens must be >= 1, got " + maxNewTokens);
        }
        if (promptLength < 1 || promptLength >= contextLength) {
            throw new IllegalArgumentException("the prompt has " + promptLength + " tokens; generation needs 1 to "
                    + (contextLength - 1) + " so that a new token fits the context of " + contextLength);
        }
        this.promptLength = promptLength;
        this.contextLength = contextLength;
        this.maxNewTokens = maxNewTokens;
        this.endOfTextId = endOfTextId;
        this.runs = List.copyOf(runs);
        int n = runs.size();
        this.rngs = new Rng[n];
        this.steps = new ArrayList<>(n);
        this.stopped = new StopReason[n];
        this.logits = new float[n][];
        for (int r = 0; r < n; r++) {
            rngs[r] = new Rng(runs.get(r).seed());
            steps.add(new ArrayList<>());
            logits[r] = firstLogits;
        }
    }

    /**
     * A loop ready to sample its first tokens from {@code firstLogits}; the caller alternates {@link #sample}
     * and {@link #accept}, so that several prompts' loops can share one decode step (see {@code Generator}).
     *
     * @param firstLogits   [V] logits of the prompt's last position
     * @param promptLength  number of prompt tokens (the position of the first generated token)
     * @param contextLength the model's n_positions
     */
    public static GenerationLoop start(float[] firstLogits, int promptLength, int contextLength, int maxNewTokens,
                                       long endOfTextId, List<Settings> runs) {
        return new GenerationLoop(firstLogits, promptLength, contextLength, maxNewTokens, endOfTextId, runs);
    }

    /**
     * Runs the whole loop with {@code step} as the model.
     *
     * @param afterStep     called with the number of tokens generated so far, after each round of sampling (one token per run still going)
     * @return one run per settings entry, in the same order
     */
    public static List<GenerationRun> run(float[] firstLogits, int promptLength, int contextLength, int maxNewTokens,
                                          long endOfTextId, List<Settings> runs, DecodeStep step, IntConsumer afterStep) {
        GenerationLoop loop = start(firstLogits, promptLength, contextLength, maxNewTokens, endOfTextId, runs);
        for (long[] next = loop.sample(); ; next = loop.sample()) {
            afterStep.accept(loop.generated());
            if (next == null) {
                return loop.result();
            }
            loop.accept(step.advance(next));
        }
    }

    /**
     * Samples one token for every run still going, from the logits it has.
     *
     * @return the token to feed each row next (a stopped run's last token again), or null when every run has
     *         stopped: then no decode step is needed
     */
    public long[] sample() {
        if (finished) {
            throw new IllegalStateException("every run of this loop has stopped");
        }
        int n = runs.size();
        int position = promptLength + generated;
        long[] next = new long[n];
        // The runs sample in parallel: each reads only its own logits and generator, so the tokens do not depend on it.
        IntStream.range(0, n).parallel().forEach(r -> {
            List<GenerationStep> taken = steps.get(r);
            if (stopped[r] != null) {
                next[r] = taken.get(taken.size() - 1).tokenId();
                return;
            }
            Settings s = runs.get(r);
            double u = rngs[r].nextDouble();
            SampleResult pick = Sampler.sample(logits[r], s.temperature(), s.topK(), s.topP(), u);
            taken.add(new GenerationStep(position, pick.tokenId(), pick.probability(), u, pick.candidates()));
            next[r] = pick.tokenId();
            stopped[r] = stopReason(pick.tokenId(), endOfTextId, generated + 1, maxNewTokens, position + 1,
                    contextLength);
        });
        boolean anyRunning = Arrays.stream(stopped).anyMatch(Objects::isNull);
        generated++;
        finished = !anyRunning;
        return finished ? null : next;
    }

    /** The logits [V] of the position after the tokens {@link #sample} returned, one array per row. */
    public void accept(List<float[]> out) {
        int n = runs.size();
        if (out.size() != n) {
            throw new IllegalStateException("decode step returned " + out.size() + " rows for a batch of " + n);
        }
        for (int r = 0; r < n; r++) {
            if (stopped[r] == null) {
                logits[r] = out.get(r);
            }
        }
    }

    /** How many rounds of sampling have been done: the most tokens any run has. */
    public int generated() {
        return generated;
    }

    /** Whether every run has stopped. */
    public boolean finished() {
        return finished;
    }

    /** One run per settings entry, in the same order; only once every run has stopped. */
    public List<GenerationRun> result() {
        if (!finished) {
            throw new IllegalStateException("the runs have not all stopped yet");
        }
        List<GenerationRun> result = new ArrayList<>(runs.size());
        for (int r = 0; r < runs.size(); r++) {
            Settings s = runs.get(r);
            result.add(new GenerationRun(s.temperature(), s.seed(), s.topK(), s.topP(), steps.get(r), stopped[r]));
        }
        return List.copyOf(result);
    }

    /** Why a run ends after choosing {@code token}, or null to continue. */
    private static StopReason stopReason(long token, long endOfTextId, int generated, int maxNewTokens,
                                         int sequenceLength, int contextLength) {
        if (token == endOfTextId) {
            return StopReason.END_OF_TEXT;
        }
        if (generated >= maxNewTokens) {
            return StopReason.MAX_NEW_TOKENS;
        }
        if (sequenceLength >= contextLength) {
            return StopReason.CONTEXT_LIMIT;
        }
        return null;
    }
}
