package io.github.gpt2explainer.trace;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A child JVM playing a trace store writer in progress: holds the store's lock with an entry's {@code .tmp-}
 * directory half written, says HOLDING, and never finishes (the test kills it). With a second argument
 * {@code use}, it plays a build using the store instead ({@link TraceStore#use()}).
 */
public final class StoreLockHolderMain {
    private StoreLockHolderMain() {
    }

    public static void main(String[] args) throws Exception {
        Path store = Path.of(args[0]);
        if (args.length > 1 && args[1].equals("use")) {
            TraceStore.Use use = TraceStore.open(store).use();
            System.out.println("HOLDING");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
            use.close();
        }
        StoreLock.Held held = StoreLock.of(store).acquire();
        Files.createDirectories(store.resolve(".tmp-alpha-0123456789abcdef-42"));
        Files.writeString(store.resolve(".tmp-alpha-0123456789abcdef-42/prefill.safetensors"), "half written");
        System.out.println("HOLDING");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
        held.close();
    }
}
