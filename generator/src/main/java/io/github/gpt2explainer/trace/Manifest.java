package io.github.gpt2explainer.trace;

import io.github.gpt2explainer.tokenizer.TokenPiece;
import java.util.List;
import java.util.SortedMap;

/**
 * {@code manifest.json} of one stored prompt run (see {@link TraceStore} for the layout). Written last,
 * so an entry whose manifest reads back with matching file digests is complete.
 *
 * @param format      always {@link TraceStore#FORMAT}
 * @param schema      the store schema the entry was written with
 * @param key         the full {@link StoreKey#hash()}
 * @param promptId    the prompt
 * @param contentHash the prompt's content hash
 * @param model       the model that produced it
 * @param lensTopK    tokens per layer and position in {@code lens.safetensors}
 * @param generations one per temperature, ascending
 * @param vocabulary  display form of every referenced token id
 * @param files       every tensor file of the entry with its size and SHA-256
 */
record Manifest(String format, int schema, String key, String promptId, String contentHash, ModelInfo model,
                int lensTopK, List<GenerationRun> generations, SortedMap<Integer, TokenPiece> vocabulary,
                SortedMap<String, StoredFile> files) {

    /** A file of the entry. */
    record StoredFile(long bytes, String sha256) {
    }
}
