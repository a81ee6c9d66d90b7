package io.softcifar.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code up --bind 0.0.0.0}: the Host names the services accept are the loopback names and this machine's own. */
class WildcardHostsTest {

    @Test
    void theLoopbackNamesTheHostNameAndEveryIpv4AddressOfThisMachine() throws Exception {
        List<String> hosts = List.of(ServiceWiring.wildcardHosts().split(","));
        assertThat(hosts)
                .startsWith("localhost", "127.0.0.1", "[::1]")
                .contains(InetAddress.getLocalHost().getHostName())
                .doesNotHaveDuplicates();
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                if (a instanceof java.net.Inet4Address) {
                    assertThat(hosts).contains(a.getHostAddress());
                }
            }
        }
    }
}
