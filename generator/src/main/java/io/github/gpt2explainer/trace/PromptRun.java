package io.github.gpt2explainer.trace;

import io.github.gpt2explainer.forward.CapturedPass;
import io.github.gpt2explainer.insight.Insight;
import io.github.gpt2explainer.tokenizer.TokenPiece;
import java.util.List;
import java.util.SortedMap;

/**
 * Everything the site needs about one prompt, as the trace store holds it: the captured forward pass
 * over the prompt (shared by every temperature), the generations, the logit lens, and the display form
 * of every token id that appears anywhere in it (so rendering needs no tokenizer), and what decided its
 * prediction (the {@link Insight}).
 *
 * @param promptId    the prompt's id
 * @param contentHash the prompt's content hash the run was made from
 * @param model       the model used
 * @param prefill     every intermediate of the forward pass over the prompt, named as in the trace format
 * @param generations one per temperature, ascending
 * @param lens        the logit lens over the prompt
 * @param vocabulary  token id to its display form, for every id referenced, including the
 *                    {@link #TOP_NEXT_TOKENS} highest logits of the last prompt position (the site lists them)
 *                    and the insight's candidates
 * @param insight     the direct logit attribution of the last position's top candidates and the input
 *                    attribution of the first
 */
public record PromptRun(String promptId, String contentHash, ModelInfo model, CapturedPass prefill,
                        List<GenerationRun> generations, LogitLens lens, SortedMap<Integer, TokenPiece> vocabulary,
                        Insight insight)
        implements AutoCloseable {

    /** How many of the last prompt position's most likely next tokens the site lists, with their display form. */
    public static final int TOP_NEXT_TOKENS = 50;

    public PromptRun {
        generations = List.copyOf(generations);
        java.util.Objects.requireNonNull(insight, "insight");
    }

    /** Frees the prefill trace's native memory, once the run has been stored or rendered. */
    @Override
    public void close() {
        prefill.close();
    }
}
