package io.github.gpt2explainer.cli;

import io.github.gpt2explainer.model.CheckpointException;
import io.github.gpt2explainer.model.SafetensorsFile;
import io.github.gpt2explainer.trace.ModelInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code --out} file of {@code trace} and {@code heads}. Like a site directory, it is replaced only
 * if this tool wrote it: a safetensors file whose {@code __metadata__} "format" starts with
 * {@code gpt2-explainer}. Anything else (a user's file, a model checkpoint) is refused, never overwritten.
 */
final class ExportFile {
    static final String FORMAT_PREFIX = "gpt2-explainer ";

    private ExportFile() {
    }

    /** Checks that {@code out} may be written; throws {@link InvalidInputException} naming it if not. */
    static void checkReplaceable(Path out, String example) {
        if (Files.isDirectory(out)) {
            throw new InvalidInputException("--out " + out + " is a directory; give a file name such as " + example);
        }
        if (!Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isRegularFile(out, LinkOption.NOFOLLOW_LINKS) || !writtenByThisTool(out)) {
            throw new InvalidInputException("--out " + out + " already exists and was not written by gpt2-explainer"
                    + " (no \"" + FORMAT_PREFIX.strip() + "\" format in its safetensors metadata); it is left as it is."
                    + " Give a new file name, or remove the file yourself.");
        }
    }

    /**
     * The {@code __metadata__} every export starts with: its format ({@code gpt2-explainer <kind> v1}, which
     * {@link #checkReplaceable} recognises) and the model it came from.
     */
    static Map<String, String> metadata(String kind, ModelInfo model) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", FORMAT_PREFIX + kind + " v1");
        metadata.put("model", model.spec());
        if (model.commit() != null) {
            metadata.put("commit", model.commit());
        }
        metadata.put("weights_sha256", model.weightsSha256());
        metadata.put("demo", Boolean.toString(model.demo()));
        return metadata;
    }

    /** Creates the directory {@code out} is written into. */
    static void createParent(Path out) throws IOException {
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }

    private static boolean writtenByThisTool(Path out) {
        try (SafetensorsFile file = SafetensorsFile.open(out)) {
            return file.metadata().getOrDefault("format", "").startsWith(FORMAT_PREFIX);
        } catch (CheckpointException e) {
            return false; // not a safetensors file at all
        }
    }
}
