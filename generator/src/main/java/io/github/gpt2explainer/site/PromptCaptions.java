package io.github.gpt2explainer.site;

import io.github.gpt2explainer.forward.CaptureKind;
import io.github.gpt2explainer.forward.CaptureNames;
import io.github.gpt2explainer.forward.CapturedTensor;
import io.github.gpt2explainer.insight.CaptionFacts;
import io.github.gpt2explainer.insight.Captions;
import io.github.gpt2explainer.insight.InputAttribution;
import io.github.gpt2explainer.tokenizer.TokenPiece;
import io.github.gpt2explainer.trace.PromptRun;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The "What the model did" sentences of a prompt page, per site language, computed from the stored run
 * ({@link CaptionFacts}, {@link Captions}): the prediction and its margin, where the logit lens first finds it,
 * the largest push toward it, the strongest attention, and the input token that mattered most. A language
 * without sentence patterns (neither en nor zh) gets none.
 */
final class PromptCaptions {

    private PromptCaptions() {
    }

    static Map<String, List<String>> of(PromptRun run, List<String> languages) {
        long[] prompt = run.prefill().tokens();
        int heads = run.model().config().heads();
        CapturedTensor logits = run.prefill().get(CaptureNames.of(CaptureKind.LOGITS));        // [1, V]
        int vocab = (int) logits.dim(logits.shape().length - 1);
        float[] last = logits.copyRange(logits.size() - vocab, vocab);
        int layers = run.model().config().layers();
        CapturedTensor[] softmax = new CapturedTensor[layers];                                  // each [H, T, T]
        for (int l = 0; l < layers; l++) {
            softmax[l] = run.prefill().get(CaptureNames.name(CaptureKind.ATTN_SOFTMAX, l));
        }
        CaptionFacts facts = CaptionFacts.of(last, run.lens(), run.insight().predicted(), heads, prompt.length,
                (l, h, q, k) -> softmax[l].at(h, q, k));
        InputAttribution attribution = run.insight().attribution();
        Map<String, List<String>> captions = new LinkedHashMap<>();
        for (String language : languages) {
            List<String> sentences = new ArrayList<>();
            if (Captions.LANGUAGES.contains(language)) {
                sentences.addAll(Captions.sentences(facts, language, id -> text(run, id), prompt));
                if (attribution != null) {
                    Captions.attribution(attribution, language, id -> text(run, id), prompt,
                            text(run, attribution.neutral())).ifPresent(sentences::add);
                }
            }
            captions.put(language, List.copyOf(sentences));
        }
        return captions;
    }

    private static String text(PromptRun run, long id) {
        TokenPiece piece = run.vocabulary().get((int) id);
        if (piece == null) {
            throw new SiteRenderException("prompt " + run.promptId() + ": token id " + id
                    + " is named in a caption but has no display form in the run's vocabulary");
        }
        return piece.display();
    }
}
