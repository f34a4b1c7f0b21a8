package io.github.gpt2explainer.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trace store's writers' lock, across processes and threads, and what opening a store may delete. */
class StoreLockTest {

    @TempDir
    Path tmp;

    @Test
    void openingWaitsForAWriterInAnotherProcessAndRemovesItsTemporaryOnlyOnceItIsGone() throws Exception {
        Path store = tmp.resolve("store");
        TraceStore.open(store);
        Path temporary = store.resolve(".tmp-alpha-0123456789abcdef-42");
        Process writer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), StoreLockHolderMain.class.getName(), store.toString())
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("HOLDING");

            CompletableFuture<TraceStore> opening = CompletableFuture.supplyAsync(() -> TraceStore.open(store));
            Thread.sleep(1500);
            assertThat(opening).as("open waits while another process writes").isNotDone();
            assertThat(temporary.resolve("prefill.safetensors")).as("a live writer's entry is not deleted").exists();

            writer.destroyForcibly(); // killed mid-write: the OS releases its lock
            assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
            TraceStore opened = opening.get(30, TimeUnit.SECONDS);

            assertThat(temporary).as("its writer is gone").doesNotExist();
            assertThat(opened.notices()).containsExactly("removed 1 unfinished entry left by an interrupted run");
        } finally {
            writer.destroyForcibly();
        }
    }

    @Test
    void pruningWaitsForNoOtherProcessToBeUsingTheStore() throws Exception {
        Path store = tmp.resolve("store");
        TraceStore traceStore = TraceStore.open(store);
        Files.createDirectories(store.resolve("runs/alpha-0123456789abcdef"));
        Process build = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), StoreLockHolderMain.class.getName(), store.toString(), "use")
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(build.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("HOLDING");

            try (TraceStore.Use mine = traceStore.use()) {
                assertThat(traceStore.pruneIfAlone(List.of())).as("another process uses the store").isEmpty();
            }
            assertThat(store.resolve("runs/alpha-0123456789abcdef")).exists();

            build.destroyForcibly();
            assertThat(build.waitFor(30, TimeUnit.SECONDS)).isTrue();
            try (TraceStore.Use mine = traceStore.use()) {
                assertThat(traceStore.pruneIfAlone(List.of())).hasValue(1);
            }
            assertThat(store.resolve("runs/alpha-0123456789abcdef")).doesNotExist();
        } finally {
            build.destroyForcibly();
        }
    }

    @Test
    void threadsTakeTurnsAndTheHolderMayTakeItAgain() throws Exception {
        Path store = Files.createDirectories(tmp.resolve("store"));
        StoreLock lock = StoreLock.of(store);
        CountDownLatch otherHasIt = new CountDownLatch(1);
        try (StoreLock.Held outer = lock.acquire(); StoreLock.Held inner = lock.acquire()) {
            assertThat(lock.heldByCurrentThread()).isTrue();
            CompletableFuture<Void> other = CompletableFuture.runAsync(() -> {
                try (StoreLock.Held held = StoreLock.of(tmp.resolve("store/../store")).acquire()) {
                    otherHasIt.countDown();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertThat(otherHasIt.await(500, TimeUnit.MILLISECONDS)).as("another thread waits").isFalse();
            inner.close();
            assertThat(otherHasIt.await(300, TimeUnit.MILLISECONDS)).as("still held by the outer hold").isFalse();
            outer.close();
            assertThat(otherHasIt.await(30, TimeUnit.SECONDS)).isTrue();
            other.get(30, TimeUnit.SECONDS);
        }
        assertThat(lock.heldByCurrentThread()).isFalse();
    }

    @Test
    void aNonStoreDirectoryIsRefusedBeforeTheLockFileIsCreated() throws Exception {
        Path foreign = Files.createDirectories(tmp.resolve("notes"));
        Files.writeString(foreign.resolve("thesis.txt"), "precious");

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TraceStore.open(foreign))
                .isInstanceOf(TraceStoreException.class);
        try (var files = Files.list(foreign)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).isEqualTo(List.of("thesis.txt"));
        }
    }
}
