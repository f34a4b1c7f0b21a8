/**
 * Writing the site safely and checking it: {@link io.github.gpt2explainer.output.SafeOutput} stages a build
 * beside the output directory and swaps it in only when complete, under a lock;
 * {@link io.github.gpt2explainer.output.SiteDiff} compares two trees byte by byte for {@code build --check};
 * {@link io.github.gpt2explainer.output.PreviewServer} serves a directory on loopback for {@code serve};
 * {@link io.github.gpt2explainer.output.TreeWatcher} reports edits under a set of directories.
 */
package io.github.gpt2explainer.output;
