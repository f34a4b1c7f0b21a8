package io.github.gpt2explainer.trace;

import io.github.gpt2explainer.model.Gpt2Config;

/**
 * Everything needed to name and reproduce the model a run used.
 *
 * @param spec            the {@code --model} value as the user wrote it ({@code demo}, a Hub id, a directory)
 * @param repoId          the Hub repository ({@code openai-community/gpt2}), or null for a directory or the demo
 * @param revision        the requested revision ({@code main}), or null
 * @param commit          the Hub commit the files came from, or null
 * @param weightsSha256   SHA-256 of the weight files (for the demo: of its generated parameters)
 * @param tokenizerSha256 SHA-256 of the tokenizer definition in use
 * @param config          the hyper-parameters
 * @param demo            true for the untrained demo model: every page must say so
 */
public record ModelInfo(String spec, String repoId, String revision, String commit, String weightsSha256,
                        String tokenizerSha256, Gpt2Config config, boolean demo) {
}
