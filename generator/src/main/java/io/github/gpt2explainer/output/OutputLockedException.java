package io.github.gpt2explainer.output;

import java.nio.file.Path;

/** Another build (this process or another) holds the lock of an output directory. */
public class OutputLockedException extends RuntimeException {

    private final Path outputDir;
    private final Path lockFile;

    public OutputLockedException(Path outputDir, Path lockFile, String holder) {
        super("another build is writing " + outputDir + " (lock held by " + holder + "); wait for it to finish, or delete "
                + lockFile + " if no build is running");
        this.outputDir = outputDir;
        this.lockFile = lockFile;
    }

    public Path outputDir() {
        return outputDir;
    }

    public Path lockFile() {
        return lockFile;
    }
}
