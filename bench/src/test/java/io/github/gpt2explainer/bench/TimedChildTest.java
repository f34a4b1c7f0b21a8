package io.github.gpt2explainer.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TimedChildTest {

    @Test
    void readsCpuTimeAndPeakFromGnuTimesReport() {
        String report = "\tCommand being timed: \"java -jar x\"\n\tUser time (seconds): 312.45\n"
                + "\tSystem time (seconds): 20.05\n\tPercent of CPU this job got: 150%\n"
                + "\tMaximum resident set size (kbytes): 3712345\n";
        assertThat(TimedChild.cpuSeconds(report)).isEqualTo(332.5, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(TimedChild.peakRssKiB(report)).isEqualTo(3_712_345L);
        assertThat(TimedChild.cpuSeconds("no figures")).isEqualTo(-1);
        assertThat(ChildMonitor.parseVmHwm(List.of("Name:\tjava", "VmPeak:\t 999 kB", "VmHWM:\t  123456 kB")))
                .isEqualTo(123_456L);
    }

    @Test
    void measuresAChildThatEnds() {
        TimedChild.Result r = TimedChild.run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"), Map.of("X", "1"),
                Path.of("."), 30);
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.timedOut()).isFalse();
        assertThat(r.stdout()).isEqualTo("out\n");
        assertThat(r.stderrTail(1)).isEqualTo("err");
        assertThat(r.peakRssKiB()).isPositive();
        assertThat(r.cpuSeconds()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void stopsAChildAndItsDescendantsAtTheTimeLimit() throws InterruptedException {
        // The shell starts a grandchild that would outlive it; the limit must stop both.
        TimedChild.Result r = TimedChild.run(List.of("sh", "-c", "sleep 61 & echo $! ; wait"), Map.of(), Path.of("."), 2);
        assertThat(r.timedOut()).isTrue();
        assertThat(r.exitCode()).isEqualTo(-1);
        long grandchild = Long.parseLong(r.stdout().strip());
        assertThat(goneWithin(grandchild, 10_000)).isTrue();
    }

    /** Whether the process has ended (or is a zombie waiting to be reaped) within the time. */
    private static boolean goneWithin(long pid, long ms) throws InterruptedException {
        long deadline = System.currentTimeMillis() + ms;
        while (System.currentTimeMillis() < deadline) {
            java.nio.file.Path stat = java.nio.file.Path.of("/proc/" + pid + "/stat");
            try {
                String text = java.nio.file.Files.readString(stat);
                if (text.substring(text.lastIndexOf(')') + 2).startsWith("Z")) {
                    return true;
                }
            } catch (java.io.IOException e) {
                return true; // no such process
            }
            Thread.sleep(100);
        }
        return false;
    }
}
