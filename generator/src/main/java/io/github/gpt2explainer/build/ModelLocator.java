package io.github.gpt2explainer.build;

/** Finds the model a spec names (directory, Hugging Face cache, the Hub or {@code demo}) without loading its weights. */
@FunctionalInterface
public interface ModelLocator {

    /** @param spec what {@code --model} or site.yaml names */
    LazyModel locate(String spec);
}
