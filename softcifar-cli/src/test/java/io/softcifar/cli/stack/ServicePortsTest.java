package io.softcifar.cli.stack;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.softcifar.testsupport.FreePorts;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link LocalStack#requireFreePorts}: what {@code up} says before it starts anything. */
class ServicePortsTest {

    @Test
    void aTakenHttpPortIsNamedWithItsService() throws Exception {
        int port = FreePorts.withCompanion(p -> p + 1000);
        try (ServerSocket taken = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> LocalStack.requireFreePorts(
                            List.of(new LocalStack.ServiceDef("trainer", "trainer-service", port)),
                            LocalStack.LOOPBACK))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("trainer-service HTTP port 127.0.0.1:" + port + " is already in use")
                    .hasMessageContaining("--port-offset");
        }
    }

    @Test
    void freePortsPassAndAnAddressOfAnotherMachineIsNotCalledInUse() {
        int port = FreePorts.withCompanion(p -> p + 1000);
        List<LocalStack.ServiceDef> services = List.of(new LocalStack.ServiceDef("dataset", "dataset-service", port));
        LocalStack.requireFreePorts(services, LocalStack.LOOPBACK); // nothing thrown
        // 192.0.2.1 is TEST-NET-1 (RFC 5737), never an address of this machine
        assertThatThrownBy(() -> LocalStack.requireFreePorts(services, "192.0.2.1"))
                .hasMessageStartingWith("dataset-service HTTP port 192.0.2.1:" + port + ": cannot listen there")
                .hasMessageNotContaining("in use");
    }
}
