/**
 * Getting GPT-2 checkpoints from the Hugging Face Hub, sharing the Hub's own cache with Python tools.
 *
 * <p>Entry point: {@link io.github.gpt2explainer.hub.ModelResolver} with
 * {@link io.github.gpt2explainer.hub.HubOptions#fromEnvironment(boolean)}; it returns a
 * {@link io.github.gpt2explainer.hub.ResolvedModel} or throws a {@link io.github.gpt2explainer.hub.HubException}
 * whose {@code reason()} picks the exit code and whose message tells the user what to do.
 *
 * <p>Policy: {@code resolve} is cache-first (a complete snapshot for the revision is used with no request, which
 * also makes {@code HF_HUB_OFFLINE=1} work); the network is used only for what the cache lacks; a network failure
 * falls back to any usable cached snapshot. {@code download} always asks the Hub for the revision's current
 * commit. Cache layout, ETag rules, refs and {@code .no_exist} markers follow huggingface_hub's file_download.py.
 */
package io.github.gpt2explainer.hub;
