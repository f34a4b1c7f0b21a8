package io.github.gpt2explainer.model;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Loads a Hugging Face GPT-2 directory ({@code config.json} plus {@code model.safetensors} or a sharded
 * index) into a {@link Checkpoint} with canonical names.
 *
 * <p>Accepted variations: an optional {@code transformer.} name prefix; legacy {@code h.N.attn.bias} and
 * {@code h.N.attn.masked_bias} buffers (ignored); F32, F16 or BF16 weights (F16/BF16 widened to F32);
 * {@code lm_head.weight} present, or absent and tied to {@code wte.weight}. Everything else is checked:
 * every tensor the config implies must be present with its shape, and no unknown tensor may be present.
 * Only the headers are read here: each parameter is a {@link StoredTensor}, whose bytes the engine reads
 * straight into its own tensors when the model loads (F16/BF16 converted there), so no copy of the
 * weights is made in Java.
 */
public final class CheckpointLoader {

    private static final String PREFIX = "transformer.";

    private CheckpointLoader() {
    }

    public static Checkpoint load(Path dir) {
        CheckpointFiles files = CheckpointFiles.locate(dir);
        Gpt2Config config = Gpt2ConfigReader.read(files.config());
        Map<String, long[]> expected = Gpt2TensorLayout.expectedShapes(config);
        List<SafetensorsFile> opened = new ArrayList<>();
        try {
            for (Path p : files.weightFiles()) {
                opened.add(SafetensorsFile.open(p));
            }
            Map<String, Located> found = collect(files, opened);
            String where = files.sharded() ? files.index() + " (and its shards)" : files.weightFiles().get(0).toString();
            checkNames(where, config, expected, found);
            TreeMap<String, StoredTensor> parameters = new TreeMap<>();
            for (Map.Entry<String, Located> e : found.entrySet()) {
                Located at = e.getValue();
                long[] want = expected.get(e.getKey());
                if (!Arrays.equals(want, at.entry().shape())) {
                    throw new CheckpointException(at.file().path() + ": tensor '" + at.entry().name()
                            + "' has shape " + Arrays.toString(at.entry().shape()) + ", expected "
                            + Arrays.toString(want) + " for " + describe(config));
                }
                parameters.put(e.getKey(), at.file().stored(at.entry().name(), e.getKey()));
            }
            if (!parameters.containsKey("lm_head.weight")) {
                parameters.put("lm_head.weight", parameters.get("wte.weight").named("lm_head.weight"));
            }
            return new Checkpoint(dir.toString(), config, parameters);
        } finally {
            opened.forEach(SafetensorsFile::close);
        }
    }

    /** Every non-buffer tensor under its canonical name, checked against the shard index when sharded. */
    private static Map<String, Located> collect(CheckpointFiles files, List<SafetensorsFile> opened) {
        Map<String, Located> found = new LinkedHashMap<>();
        for (SafetensorsFile file : opened) {
            String fileName = file.path().getFileName().toString();
            for (SafetensorsEntry entry : file.entries()) {
                if (files.sharded()) {
                    String listed = files.weightMap().get(entry.name());
                    if (!fileName.equals(listed)) {
                        throw new CheckpointException(file.path() + ": tensor '" + entry.name() + "' is in this shard but "
                                + files.index().getFileName() + (listed == null ? " does not list it"
                                : " says it is in \"" + listed + "\""));
                    }
                }
                String canonical = canonicalName(entry.name());
                if (Gpt2TensorLayout.isLegacyAttentionBuffer(canonical)) {
                    continue;
                }
                Located previous = found.put(canonical, new Located(file, entry));
                if (previous != null) {
                    throw new CheckpointException(file.path() + ": tensor '" + entry.name() + "' duplicates '"
                            + previous.entry().name() + "' in " + previous.file().path()
                            + "; expected each parameter once (with or without the transformer. prefix)");
                }
            }
        }
        if (files.sharded()) {
            Map<String, SafetensorsFile> byName = new LinkedHashMap<>();
            opened.forEach(f -> byName.put(f.path().getFileName().toString(), f));
            files.weightMap().forEach((tensor, shard) -> {
                if (!byName.get(shard).contains(tensor)) {
                    throw new CheckpointException(files.index() + ": tensor '" + tensor + "' is listed in shard \""
                            + shard + "\" but " + files.directory().resolve(shard) + " has no such tensor");
                }
            });
        }
        return found;
    }

    private static void checkNames(String where, Gpt2Config config, Map<String, long[]> expected,
                                   Map<String, Located> found) {
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            if (!e.getKey().equals("lm_head.weight") && !found.containsKey(e.getKey())) {
                missing.add(e.getKey() + " " + Arrays.toString(e.getValue()));
            }
        }
        if (!missing.isEmpty()) {
            throw new CheckpointException(where + ": missing " + missing.size() + " tensor(s) that " + describe(config)
                    + " needs: " + firstFew(missing));
        }
        List<String> unexpected = new ArrayList<>();
        for (Located at : found.values()) {
            if (!expected.containsKey(canonicalName(at.entry().name()))) {
                unexpected.add(at.entry().name());
            }
        }
        if (!unexpected.isEmpty()) {
            throw new CheckpointException(where + ": " + unexpected.size() + " unexpected tensor(s) not part of "
                    + describe(config) + ": " + firstFew(unexpected));
        }
    }

    /** The name without the optional {@code transformer.} prefix. */
    public static String canonicalName(String fileName) {
        return fileName.startsWith(PREFIX) ? fileName.substring(PREFIX.length()) : fileName;
    }

    private static String describe(Gpt2Config c) {
        return "GPT-2 with n_layer=" + c.layers() + ", n_embd=" + c.width() + ", vocab_size=" + c.vocabSize()
                + ", n_positions=" + c.contextLength();
    }

    private static String firstFew(List<String> items) {
        int shown = Math.min(items.size(), 8);
        return String.join(", ", items.subList(0, shown)) + (items.size() > shown ? ", ..." : "");
    }

    private record Located(SafetensorsFile file, SafetensorsEntry entry) {
    }
}
