package io.softcifar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The peer options both bench commands share, and the allocator name both report. */
class PeerOptionsTest {

    @Command(name = "probe")
    static final class Probe implements Runnable {
        @Mixin
        PeerOptions peer;

        @Override
        public void run() {}
    }

    private static PeerOptions parse(String... args) {
        Probe probe = new Probe();
        new CommandLine(probe).parseArgs(args);
        return probe.peer;
    }

    @Test
    void withoutOptionsThePeerRunsWithTheDefaultPython() {
        PeerOptions peer = parse();
        assertThat(peer.initialError()).isNull();
        assertThat(peer.python()).isEqualTo(PeerScript.defaultPython());
    }

    @Test
    void noPeerIsReportedAsTheReasonAndPythonIsTaken() {
        PeerOptions peer = parse("--no-peer", "--python", "/opt/py/bin/python3");
        assertThat(peer.initialError()).isEqualTo("not run (--no-peer)");
        assertThat(peer.python()).isEqualTo("/opt/py/bin/python3");
    }

    @Test
    void theAllocatorIsGlibcWithoutAPreload() {
        assertThat(BenchMachine.allocator(null)).isEqualTo("glibc");
        assertThat(BenchMachine.allocator(" ")).isEqualTo("glibc");
        assertThat(BenchMachine.allocator("/usr/lib/libtcmalloc.so")).isEqualTo("/usr/lib/libtcmalloc.so");
    }
}
