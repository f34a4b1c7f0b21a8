package io.github.gpt2explainer.cli;

import ai.djl.ndarray.NDManager;
import io.github.gpt2explainer.forward.CaptureSpec;
import io.github.gpt2explainer.forward.Gpt2Model;
import io.github.gpt2explainer.forward.StepResult;
import io.github.gpt2explainer.insight.InputAttribution;
import io.github.gpt2explainer.insight.TraceExports;
import io.github.gpt2explainer.model.Checkpoint;
import io.github.gpt2explainer.model.ModelSource;
import io.github.gpt2explainer.trace.TraceFile;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "trace",
        header = "Write every intermediate of one forward pass to safetensors.",
        mixinStandardHelpOptions = true,
        description = "Runs one forward pass over a prompt and writes every intermediate to a safetensors file.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  ./gpt2-explainer trace --model demo --prompt \"what a beautiful day\" --out t.safetensors",
            "  ./gpt2-explainer trace --model openai-community/gpt2 --prompt \"The Eiffel Tower is in\" --out eiffel.safetensors",
            "",
            "Tensor names (T tokens, E width, H heads, D = E/H, V vocabulary), all F32 except tokens (I64):",
            "  tokens [T]; embed.token, embed.position, embed.sum [T,E];",
            "  h.<l>.ln_1.out [T,E]; h.<l>.attn.q|k|v [H,T,D]; h.<l>.attn.scores|scaled|masked|softmax [H,T,T];",
            "  h.<l>.attn.heads [H,T,D]; h.<l>.attn.proj, h.<l>.resid_mid, h.<l>.ln_2.out [T,E];",
            "  h.<l>.mlp.fc, h.<l>.mlp.gelu [T,4E]; h.<l>.mlp.proj, h.<l>.resid_post [T,E]; ln_f.out [T,E]; logits [T,V].",
            "  Masked attention entries (a key after its query) hold -Infinity.",
            "Direct logit attribution of the last position's argmax token (L layers): dla.target [1] (I64);",
            "  dla.embed [1]; dla.attn [L] (output bias included); dla.attn_heads [L,H] (bias excluded);",
            "  dla.mlp [L]; dla.ln_f_bias [1]. They add up to logits[T-1, dla.target]; see README.",
            "Input attribution by occlusion of the same token: attr.occlusion [T], the drop of its log-probability",
            "  when token i is replaced by <|endoftext|>; attr.share [T], each divided by the sum of their",
            "  absolute values; attr.neutral [1] (I64), the replacement id (left out with --no-attribution).",
            "  See docs/insight.md."})
final class TraceCommand implements Callable<Integer> {

    @ParentCommand
    private RootCommand root;

    @Mixin
    private ModelOptions model;

    @Option(names = "--prompt", required = true, description = "The text to run through the model.")
    private String prompt;

    @Option(names = "--out", required = true, description = "The safetensors file to write.")
    private Path out;

    @Option(names = "--attribution", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Write attr.* (input attribution by occlusion, about 5T^2/8 token positions of extra "
                    + "forward work; --no-attribution skips it for long prompts). Default: on.")
    private boolean attribution;

    @Override
    public Integer call() {
        Console console = root.console();
        ExportFile.checkReplaceable(out, "trace.safetensors");
        try (ModelSource loaded = model.load(model.specOr(ModelOptions.DEFAULT_MODEL), root.wiring().environment(), console);
             NDManager manager = NDManager.newBaseManager("PyTorch")) {
            long[] ids = loaded.tokenizer().encode(prompt);
            if (ids.length == 0) {
                throw new InvalidInputException("--prompt is empty: it encodes to no tokens");
            }
            int context = loaded.config().contextLength();
            if (ids.length > context) {
                throw new InvalidInputException("--prompt is " + ids.length + " tokens long; the model's context is "
                        + context + " tokens");
            }
            Map<String, String> metadata = ExportFile.metadata("trace", loaded.info());
            metadata.put("prompt", prompt);
            ExportFile.createParent(out);
            Checkpoint checkpoint = loaded.loadCheckpoint(); // kept: the attribution reads ln_f, c_proj and the head
            try (Gpt2Model gpt2 = Gpt2Model.load(checkpoint, manager);
                 StepResult result = gpt2.forward(ids, CaptureSpec.all())) {
                TraceExports exports = TraceExports.of(gpt2, checkpoint, result.trace());
                // the copies continue the pass's recorded keys and values; its last logits give the baseline
                InputAttribution occlusion = attribution ? InputAttribution.of(gpt2, result.trace(), exports.dla().target(),
                        loaded.tokenizer().endOfTextId(), result.lastLogits()) : null;
                if (occlusion != null) {
                    metadata.put("attr.method", "occlusion: log p(dla.target) minus its value with token i replaced by "
                            + "<|endoftext|> (id " + occlusion.neutral() + ")");
                }
                TraceFile.write(result.trace(), loaded.config().layers(), metadata,
                        Map.of(exports.logits().name(), exports.logits()), writer -> {
                            exports.dla().writeTo(writer);
                            if (occlusion != null) {
                                occlusion.writeTo(writer);
                            }
                        }, out);
            }
            console.info("Traced " + ids.length + " tokens through " + loaded.config().layers()
                    + " layers" + (loaded.info().demo() ? " of the untrained demo model" : ""));
            console.result(out.toString());
            return ExitCode.OK;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
