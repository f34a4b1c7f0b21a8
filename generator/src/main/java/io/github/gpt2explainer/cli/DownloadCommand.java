package io.github.gpt2explainer.cli;

import io.github.gpt2explainer.hub.HubOptions;
import io.github.gpt2explainer.hub.ModelResolver;
import io.github.gpt2explainer.hub.ResolvedModel;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

@Command(name = "download",
        header = "Fetch a model into the Hugging Face cache.",
        mixinStandardHelpOptions = true,
        description = "Fetches a model into the shared Hugging Face cache (the one Python's huggingface_hub uses) "
                + "and prints the snapshot directory. Asks the Hub which commit the revision is now and downloads "
                + "only what is missing; with --offline it only checks that the cache has the model.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  ./gpt2-explainer download                    # openai-community/gpt2 at main",
            "  ./gpt2-explainer download --model gpt2-medium@main",
            "  HF_ENDPOINT=https://hf-mirror.com ./gpt2-explainer download",
            "  # is it cached? prints the snapshot path, or exits 4",
            "  ./gpt2-explainer download --offline -q"})
final class DownloadCommand implements Callable<Integer> {

    @ParentCommand
    private RootCommand root;

    @Mixin
    private ModelOptions model;

    @Override
    public Integer call() {
        Console console = root.console();
        String spec = model.specOr(ModelOptions.DEFAULT_MODEL);
        HubOptions options = HubOptions.fromEnvironment(root.wiring().environment(), model.offline);
        console.info("Hub: " + (options.offline() ? "offline (cache only)" : options.endpoint()) + ", cache "
                + options.cacheDir());
        ResolvedModel resolved = new ModelResolver(options, ModelOptions.downloadProgress(console)).download(spec);
        console.info("Model: " + ModelOptions.describe(resolved));
        console.result(resolved.directory().toString());
        return ExitCode.OK;
    }
}
