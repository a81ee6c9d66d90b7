package io.softcifar.ml.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The resident memory of this process (Linux: {@code VmRSS} of {@code /proc/self/status}): what a trainer reports per
 * run and what {@code bench train --concurrent} attributes to its runs.
 */
public final class ProcessMemory {

    private static final Path STATUS = Path.of("/proc/self/status");

    private ProcessMemory() {}

    /** Bytes resident now, or -1 where there is no {@code /proc/self/status} (not Linux) or it cannot be read. */
    public static long residentBytes() {
        try {
            return residentBytes(Files.readString(STATUS, StandardCharsets.US_ASCII));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** {@code VmRSS} of a {@code /proc/<pid>/status} text in bytes, -1 without that line. */
    static long residentBytes(String status) {
        for (String line : status.split("\n", -1)) {
            if (line.startsWith("VmRSS:")) {
                String[] parts = line.substring("VmRSS:".length()).trim().split("\\s+", -1);
                if (parts.length == 2 && parts[1].equals("kB")) {
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        }
        return -1;
    }
}
