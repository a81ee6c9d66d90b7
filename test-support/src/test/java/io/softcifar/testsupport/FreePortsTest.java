package io.softcifar.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FreePortsTest {

    @Test
    void thePortLiesBelowTheKernelsEphemeralRangeAndCanBeBound() throws Exception {
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        int ephemeralStart = Files.isReadable(range)
                ? Integer.parseInt(Files.readAllLines(range).get(0).split("\t")[0])
                : 49_152;
        for (int i = 0; i < 20; i++) {
            int port = FreePorts.one();
            // below the ephemeral range when it leaves room there (Linux's default 32768-60999 does), else anywhere
            assertThat(port)
                    .isBetween(
                            FreePorts.LOWEST,
                            ephemeralStart - 1 - FreePorts.LOWEST >= FreePorts.MIN_ROOM ? ephemeralStart - 1 : 65_535);
            try (ServerSocket s = new ServerSocket(port)) {
                assertThat(s.getLocalPort()).isEqualTo(port);
            }
        }
    }

    @Test
    void aCompanionPortIsFreeToo() throws Exception {
        int port = FreePorts.withCompanion(p -> p + 1000);
        try (ServerSocket http = new ServerSocket(port);
                ServerSocket management = new ServerSocket(port + 1000)) {
            assertThat(management.getLocalPort()).isEqualTo(port + 1000);
        }
    }

    @Test
    void aPortInUseIsNotHandedOut() throws Exception {
        int port = FreePorts.one();
        try (ServerSocket held = new ServerSocket(port)) {
            for (int i = 0; i < 200; i++) {
                assertThat(FreePorts.one()).isNotEqualTo(port);
            }
        }
    }
}
