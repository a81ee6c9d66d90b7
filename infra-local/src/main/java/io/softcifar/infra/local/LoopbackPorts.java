package io.softcifar.infra.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;

/**
 * Ports on the loopback interface for the embedded servers.
 *
 * <p>Everything binds to 127.0.0.1 only: the embedded servers have fixed, well-known credentials and must never be
 * reachable from another machine.
 */
final class LoopbackPorts {

    static final String HOST = "127.0.0.1";

    private LoopbackPorts() {}

    /** {@link #HOST} as an address, built from its bytes: no name lookup can turn it into another address. */
    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress(HOST, new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a 4-byte address is always valid", e);
        }
    }

    /**
     * A port that was free a moment ago. The kernel hands out ephemeral ports in a random order, so the window in
     * which another process could take it before the server binds it is small; it is still a window, which is why
     * fixed ports are checked with {@link #requireFree} and give a clear message when taken.
     */
    static int pickFree() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(loopback(), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new InfrastructureException(
                    "No free port on " + HOST + ": " + InfrastructureException.rootMessage(e), e);
        }
    }

    /** Fails with a message naming {@code what} when {@code port} is already bound on the loopback interface. */
    static void requireFree(int port, String what) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(loopback(), port));
        } catch (IOException e) {
            throw new InfrastructureException(
                    what + " port " + HOST + ":" + port
                            + " is already in use (is another broker or `softcifar up` running?): "
                            + InfrastructureException.rootMessage(e),
                    e);
        }
    }

    static void requireValid(int port, String what) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(what + " port must be 0 (pick a free one) or 1-65535, got " + port);
        }
    }
}
