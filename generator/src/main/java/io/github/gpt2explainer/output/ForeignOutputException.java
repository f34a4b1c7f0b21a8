package io.github.gpt2explainer.output;

import java.nio.file.Path;

/**
 * The output directory holds files the tool did not write (it is not empty and has no {@link SiteMarker}), so
 * it is not replaced; nothing in it was touched.
 */
public class ForeignOutputException extends RuntimeException {

    private final Path outputDir;

    public ForeignOutputException(Path outputDir) {
        this(outputDir, "the output directory " + outputDir + " is not empty and was not written by gpt2-explainer (it "
                + "has no " + SiteMarker.NAME + " file), so it is left as it is and nothing was deleted: choose a new or "
                + "empty directory with --out, or remove " + outputDir + " yourself if you no longer need what is in it");
    }

    private ForeignOutputException(Path outputDir, String message) {
        super(message);
        this.outputDir = outputDir;
    }

    /** The file the build would use as its lock beside the output holds something the tool did not write. */
    public static ForeignOutputException lockFile(Path outputDir, Path lockFile) {
        return new ForeignOutputException(outputDir, lockFile + " is not a lock file of gpt2-explainer, so it is left "
                + "as it is and nothing was written: choose another --out, or move " + lockFile + " away");
    }

    public Path outputDir() {
        return outputDir;
    }
}
