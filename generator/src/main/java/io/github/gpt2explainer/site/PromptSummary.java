package io.github.gpt2explainer.site;

import io.github.gpt2explainer.site.PageModel.GenerationText;
import io.github.gpt2explainer.site.PageModel.TokenCell;
import io.github.gpt2explainer.tokenizer.TokenPiece;
import io.github.gpt2explainer.trace.GenerationRun;
import io.github.gpt2explainer.trace.PromptRun;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** What the pages keep of a run after its data files are written: tokens and continuations as text. */
record PromptSummary(List<TokenCell> tokens, List<GenerationText> generations, String greedyText) {

    static PromptSummary of(PromptRun run) {
        long[] ids = run.prefill().tokens();
        List<TokenCell> tokens = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            tokens.add(cell(run, i, ids[i]));
        }
        List<GenerationText> generations = new ArrayList<>();
        String greedy = "";
        for (GenerationRun g : run.generations()) {
            List<TokenCell> cells = new ArrayList<>();
            StringBuilder text = new StringBuilder();
            for (var step : g.steps()) {
                TokenCell cell = cell(run, step.position(), step.tokenId());
                cells.add(cell);
                text.append(run.vocabulary().get(step.tokenId()).display());
            }
            generations.add(new GenerationText(SettingsText.number(g.temperature()), g.temperature() == 0, cells,
                    g.stopReason().name()));
            if (greedy.isEmpty()) {
                greedy = text.toString(); // generations are ascending: the first is greedy or the coolest
            }
        }
        return new PromptSummary(tokens, generations, greedy);
    }

    private static TokenCell cell(PromptRun run, int position, long id) {
        TokenPiece piece = run.vocabulary().get((int) id);
        if (piece == null) {
            throw new SiteRenderException("prompt " + run.promptId() + ": token id " + id
                    + " has no display form in the run's vocabulary");
        }
        return new TokenCell(position, id, piece.display(), piece.visibleText(),
                HexFormat.ofDelimiter(" ").withUpperCase().formatHex(piece.bytes()), piece.partial(), piece.special());
    }
}
