package io.github.gpt2explainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.gpt2explainer.output.SiteDiff;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code kill -9} of a build in a child JVM: the previous site survives byte for byte, the dead build's
 * lock does not block anyone, and the next build cleans up what it left.
 */
class KilledBuildTest {

    @TempDir
    Path tmp;

    @Test
    void aBuildKilledMidwayLeavesThePreviousSiteAndTheNextBuildSucceeds() throws Exception {
        TestSite site = new TestSite(tmp.resolve("project"));
        Wiring wiring = new Wiring(Cli.emptyHubEnvironment(tmp), new TestSite.RenderingPipeline());
        Path snapshot = buildAndSnapshot(site, wiring);
        Process child = startSlowBuild(site);
        try {
            Path staging = awaitStagingReady(site.out, child);

            // While the child holds the lock, another build is refused and told who holds it.
            Cli.Result locked = Cli.run(wiring, site.args("build"));
            assertThat(locked.code()).as(locked.toString()).isEqualTo(ExitCode.LOCKED);
            assertThat(locked.err()).contains("lock held by pid " + child.pid() + " since ");

            child.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no cleanup
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).isEqualTo(137);
            assertThat(staging).exists(); // the killed build really left its half-written staging directory
        } finally {
            child.destroyForcibly();
        }

        assertThat(SiteDiff.compare(snapshot, site.out).identical()).isTrue();

        Cli.Result next = Cli.run(wiring, site.args("build"));
        assertThat(next.code()).as(next.toString()).isEqualTo(ExitCode.OK);
        assertThat(next.err()).contains("Recovered: deleted site-out.tmp-");
        try (Stream<Path> siblings = Files.list(site.out.getParent())) {
            assertThat(siblings.map(p -> p.getFileName().toString()))
                    .noneMatch(name -> name.startsWith("site-out.tmp-") || name.startsWith("site-out.old-"));
        }
        assertThat(SiteDiff.compare(snapshot, site.out).identical()).isTrue();
    }

    @Test
    void ctrlCDeletesTheStagingDirectoryAndExits130() throws Exception {
        // A JVM started with SIGINT ignored (a job put in the background by a non-interactive shell, or nohup) keeps
        // ignoring it, and its children inherit that: Ctrl-C cannot reach them, so there is nothing to test here.
        Assumptions.assumeFalse(sigintIgnored(), "SIGINT is ignored in this process (started in the background?), "
                + "and a child started from it would ignore it too");
        TestSite site = new TestSite(tmp.resolve("project"));
        Wiring wiring = new Wiring(Cli.emptyHubEnvironment(tmp), new TestSite.RenderingPipeline());
        Path snapshot = buildAndSnapshot(site, wiring);
        Process child = startSlowBuild(site);
        try {
            Path staging = awaitStagingReady(site.out, child);
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(child.pid())).inheritIO().start();
            assertThat(kill.waitFor()).isZero();
            // a loaded machine can make the exit slow; if it never comes, the failure shows the child's threads
            boolean exited = child.waitFor(60, TimeUnit.SECONDS);
            assertThat(exited).as(() -> "the build did not exit within 60 s of SIGINT; its threads:\n" + threadDump(child)
                    + "\nits log:\n" + readQuietly(tmp.resolve("child.log"))).isTrue();
            assertThat(child.exitValue()).isEqualTo(ExitCode.INTERRUPTED);
            assertThat(staging).doesNotExist();
        } finally {
            child.destroyForcibly();
        }
        assertThat(SiteDiff.compare(snapshot, site.out).identical()).isTrue();
    }

    /** Whether this process ignores SIGINT (Linux: bit 2 of SigIgn in /proc/self/status); false where unknown. */
    private static boolean sigintIgnored() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("SigIgn:")) {
                    return (Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16) & (1L << 1)) != 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return false;
        }
        return false;
    }

    /** The child's thread dump by {@code jcmd}, to tell a hang from slowness; a note if it cannot be had. */
    private static String threadDump(Process child) {
        try {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(child.pid()), "Thread.print").redirectErrorStream(true).start();
            String dump = new String(jcmd.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            jcmd.waitFor(30, TimeUnit.SECONDS);
            return dump;
        } catch (IOException | InterruptedException e) {
            return "(no thread dump: " + e + ")";
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** A first build, copied to {@code snapshot}: what the output must still hold after an interrupted build. */
    private Path buildAndSnapshot(TestSite site, Wiring wiring) throws IOException {
        assertThat(Cli.run(wiring, site.args("build")).code()).isEqualTo(ExitCode.OK);
        Path snapshot = tmp.resolve("snapshot");
        copyTree(site.out, snapshot);
        return snapshot;
    }

    /** A second build in a child JVM that writes part of a site, marks its staging directory READY and never finishes. */
    private Process startSlowBuild(TestSite site) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SlowBuildMain.class.getName()));
        command.addAll(List.of(site.args("build")));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("child.log").toFile()).start();
    }

    private Path awaitStagingReady(Path out, Process child) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!child.isAlive()) {
                throw new AssertionError("the child build ended early (exit " + child.exitValue() + "):\n"
                        + Files.readString(tmp.resolve("child.log")));
            }
            Optional<Path> ready;
            try (Stream<Path> siblings = Files.list(out.getParent())) {
                ready = siblings.filter(p -> p.getFileName().toString().startsWith("site-out.tmp-"))
                        .filter(p -> Files.exists(p.resolve("READY"))).findFirst();
            }
            if (ready.isPresent()) {
                return ready.get();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the child build never reached its pipeline:\n" + Files.readString(tmp.resolve("child.log")));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
