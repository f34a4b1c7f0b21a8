package io.github.gpt2explainer.hub;

import java.time.Duration;
import java.util.Map;

/** A separate process resolving a model, to test the cross-process blob lock: args cacheDir endpoint spec. */
public final class ResolveMain {
    private ResolveMain() {
    }

    public static void main(String[] args) {
        HubOptions options = HubOptions.fromEnvironment(Map.of("HF_HUB_CACHE", args[0], "HF_ENDPOINT", args[1],
                        "HF_HOME", args[0] + "-home"), false)
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5)).withRetries(2, Duration.ofMillis(10));
        ResolvedModel model = new ModelResolver(options, DownloadProgress.none()).resolve(args[2]);
        System.out.println(model.directory());
    }
}
