package io.softcifar.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the bench commands report about the machine they measured on. */
final class BenchMachine {

    private BenchMachine() {}

    /** Cores, CPU model and the JVM's maximum heap, e.g. "8 cores, AMD EPYC 7B13, 4096 MiB JVM heap max". */
    static String describe() {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .orElse(cpu);
        } catch (IOException | RuntimeException ignored) {
            // not Linux: keep the generic name
        }
        return Runtime.getRuntime().availableProcessors() + " cores, " + cpu + ", "
                + (Runtime.getRuntime().maxMemory() >> 20) + " MiB JVM heap max";
    }

    /** The allocator this JVM runs with: its LD_PRELOAD ({@code preload}), or glibc without one. */
    static String allocator(String preload) {
        return preload == null || preload.isBlank() ? "glibc" : preload;
    }

    /** True when /proc/cpuinfo lists avx512_bf16 or amx_bf16. */
    static boolean bf16Accelerated() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("flags"))
                    .findFirst()
                    .map(l -> l.contains(" avx512_bf16") || l.contains(" amx_bf16"))
                    .orElse(false);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
