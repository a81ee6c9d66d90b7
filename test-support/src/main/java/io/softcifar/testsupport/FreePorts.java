package io.softcifar.testsupport;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Scanner;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntUnaryOperator;

/**
 * Ports for servers a test starts in another process (or later in this one), chosen below the kernel's ephemeral
 * range.
 *
 * <p>A port from {@code new ServerSocket(0)} is an ephemeral one: once the probe closes it, the kernel may hand it to
 * any outgoing connection of the test (a Kafka client, an S3 request) as its local port before the server that was
 * meant to bind it has started, and the server then fails with "Address already in use". Ports below the ephemeral
 * range are never given out that way; the probe here still checks each one is free now (the wildcard address, which
 * also catches a loopback-only holder).
 */
public final class FreePorts {

    /** The lowest port handed out: above the registered well-known services most machines run. */
    static final int LOWEST = 20_000;

    /** The fewest ports between {@link #LOWEST} and the ephemeral range worth choosing from. */
    static final int MIN_ROOM = 2_000;

    private static final Path RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

    /** {@link #highest()}, read once: the kernel's range does not change while the tests run. */
    private static final int HIGHEST = highest();

    private FreePorts() {}

    /** A free port below the ephemeral range. */
    public static int one() {
        for (int attempt = 0; attempt < 500; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, HIGHEST + 1);
            if (free(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port in " + LOWEST + ".." + HIGHEST + " in 500 attempts");
    }

    /**
     * A free port {@code p} below the ephemeral range whose companion {@code companion(p)} is free and below it too,
     * e.g. a Quarkus service's HTTP port whose management port ({@code p + 1000}) must be free as well.
     */
    public static int withCompanion(IntUnaryOperator companion) {
        for (int attempt = 0; attempt < 500; attempt++) {
            int port = one();
            int other = companion.applyAsInt(port);
            if (other != port && other >= 1024 && other <= HIGHEST && free(other)) {
                return port;
            }
        }
        throw new IllegalStateException(
                "no free port with a free companion below " + (HIGHEST + 1) + " in 500 attempts");
    }

    /**
     * The highest port handed out: the one below the ephemeral range, or 65535 on a machine whose ephemeral range leaves
     * fewer than {@link #MIN_ROOM} ports above {@link #LOWEST} (there the old race is back, and nothing better exists).
     */
    private static int highest() {
        int below = ephemeralStart() - 1;
        return below - LOWEST >= MIN_ROOM ? below : 65_535;
    }

    /** The first port of the ephemeral range (Linux: its procfs file; elsewhere the IANA default 49152). */
    private static int ephemeralStart() {
        try {
            if (Files.isReadable(RANGE)) {
                // a Scanner, not Files.readString: JDK 17 reads procfs files of reported size 0 as one byte
                try (Scanner range = new Scanner(RANGE, StandardCharsets.US_ASCII)) {
                    return range.nextInt();
                }
            }
        } catch (IOException | RuntimeException unreadable) {
            // fall through to the default
        }
        return 49_152;
    }

    private static boolean free(int port) {
        try (ServerSocket probe = new ServerSocket(port)) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }
}
