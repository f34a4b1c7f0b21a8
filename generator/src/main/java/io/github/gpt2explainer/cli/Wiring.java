package io.github.gpt2explainer.cli;

import io.github.gpt2explainer.build.SitePipeline;
import io.github.gpt2explainer.build.StandardPipeline;
import java.util.Map;
import java.util.Objects;

/**
 * What the command line depends on from outside: the process environment (Hugging Face cache and endpoint
 * variables) and the build's model and rendering steps ({@link SitePipeline}, the one seam of the orchestrator).
 * Tests pass their own, so they never touch the real environment or run the model.
 */
public record Wiring(Map<String, String> environment, SitePipeline pipeline) {

    public Wiring {
        environment = Map.copyOf(environment);
        Objects.requireNonNull(pipeline, "pipeline");
    }

    /** The real environment and the real pipeline. */
    public static Wiring standard() {
        return new Wiring(System.getenv(), new StandardPipeline());
    }

    public Wiring withEnvironment(Map<String, String> env) {
        return new Wiring(env, pipeline);
    }

    public Wiring withPipeline(SitePipeline newPipeline) {
        return new Wiring(environment, newPipeline);
    }
}
