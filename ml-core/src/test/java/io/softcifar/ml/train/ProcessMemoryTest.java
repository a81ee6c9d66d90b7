package io.softcifar.ml.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProcessMemoryTest {

    @Test
    void readsVmRssInKilobytesAsBytes() {
        String status = "Name:\tjava\nVmPeak:\t 9000000 kB\nVmHWM:\t  700000 kB\nVmRSS:\t  654321 kB\nThreads:\t42\n";
        assertThat(ProcessMemory.residentBytes(status)).isEqualTo(654_321L * 1024);
    }

    @Test
    void withoutAVmRssLineItIsUnknown() {
        assertThat(ProcessMemory.residentBytes("Name:\tkthreadd\nState:\tS (sleeping)\n"))
                .isEqualTo(-1);
    }

    /** This JVM's resident set as {@code ps} reports it (an independent reader of the kernel's figure). */
    @Test
    void thisProcessAgreesWithPs() throws Exception {
        long ours = ProcessMemory.residentBytes();
        Process ps = new ProcessBuilder(
                        "ps",
                        "-o",
                        "rss=",
                        "-p",
                        Long.toString(ProcessHandle.current().pid()))
                .redirectErrorStream(true)
                .start();
        String out = new String(ps.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        assertThat(ps.waitFor()).isZero();
        long psBytes = Long.parseLong(out) * 1024;
        // two reads a moment apart of a live JVM: equal within a few percent, not to the byte
        assertThat((double) ours).isPositive().isCloseTo(psBytes, org.assertj.core.data.Percentage.withPercentage(5));
    }
}
