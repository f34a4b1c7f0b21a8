package io.github.gpt2explainer.cli;

import ai.djl.ndarray.NDManager;
import io.github.gpt2explainer.forward.Gpt2Model;
import io.github.gpt2explainer.insight.HeadRole;
import io.github.gpt2explainer.insight.HeadRoleProbe;
import io.github.gpt2explainer.insight.HeadRoles;
import io.github.gpt2explainer.insight.ProbedHeadRoles;
import io.github.gpt2explainer.model.SafetensorsWriter;
import io.github.gpt2explainer.model.ModelSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "heads",
        header = "Score every attention head on the standard role probes, to safetensors.",
        mixinStandardHelpOptions = true,
        description = {"Runs <|endoftext|> + n seeded random token ids + the same n ids again (n = min(50, (context - 1) / 2))",
            "through the model and scores every head on its attention weights:",
            "  previous_token   mean attention from position t to t-1;",
            "  induction        in the second copy, mean attention to the token after the first occurrence;",
            "  duplicate_token  in the second copy, mean attention to the first occurrence itself;",
            "  first_token      mean attention to position 0 (the attention sink)."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  ./gpt2-explainer heads --model demo --out heads.safetensors",
            "  ./gpt2-explainer heads --model openai-community/gpt2 --out gpt2-heads.safetensors --seed 7",
            "",
            "Tensor names (L layers, H heads), all F32 except heads.probe (I64):",
            "  heads.previous_token, heads.induction, heads.duplicate_token, heads.first_token [L,H];",
            "  heads.probe [2n+1]. __metadata__ holds the model, seed and n."})
final class HeadsCommand implements Callable<Integer> {

    /** The probe's seed when --seed is not given (the one the site's "meet the heads" page uses too). */
    static final long DEFAULT_SEED = HeadRoleProbe.DEFAULT_SEED;

    @ParentCommand
    private RootCommand root;

    @Mixin
    private ModelOptions model;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The safetensors file to write.")
    private Path out;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "" + DEFAULT_SEED,
            description = "Seed of the probe's random token ids. Default: ${DEFAULT-VALUE}.")
    private long seed;

    @Override
    public Integer call() {
        Console console = root.console();
        ExportFile.checkReplaceable(out, "heads.safetensors");
        try (ModelSource loaded = model.load(model.specOr(ModelOptions.DEFAULT_MODEL), root.wiring().environment(), console);
             NDManager manager = NDManager.newBaseManager("PyTorch")) {
            HeadRoleProbe probe;
            try {
                probe = HeadRoleProbe.of(seed, loaded.config().vocabSize(), loaded.config().contextLength(),
                        loaded.tokenizer().endOfTextId());
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException(loaded.describe() + ": " + e.getMessage());
            }
            ProbedHeadRoles measured;
            try (Gpt2Model gpt2 = Gpt2Model.load(loaded.loadCheckpoint(), manager)) {
                measured = ProbedHeadRoles.measure(gpt2, probe);
            }
            HeadRoles roles = measured.roles();
            SafetensorsWriter writer = SafetensorsWriter.create();
            ExportFile.metadata("heads", loaded.info()).forEach(writer::metadata);
            measured.writeTo(writer);
            ExportFile.createParent(out);
            writer.write(out);
            HeadRoles.HeadScore topInduction = roles.ranked(HeadRole.INDUCTION).get(0);
            console.info("Scored " + roles.layers() + " x " + roles.heads() + " heads on a probe of 2 x " + probe.n()
                    + " tokens (seed " + probe.seed() + "); strongest induction head: " + topInduction.label()
                    + String.format(java.util.Locale.ROOT, " (%.2f)", topInduction.score())
                    + (loaded.info().demo() ? " of the untrained demo model" : ""));
            console.result(out.toString());
            return ExitCode.OK;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
