package io.softcifar.cli;

import io.softcifar.ml.nn.Bf16Convolution;
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

    /**
     * True when /proc/cpuinfo lists avx512_bf16 or amx_bf16 and libtorch's bf16 convolution is right here for at least
     * one of the ResNet's convolution geometries ({@link Bf16Convolution#probe}; where it is wrong, that geometry runs on
     * float32 kernels).
     */
    static boolean bf16Accelerated() {
        return bf16Instructions() && Bf16Convolution.probe().nativeUsed();
    }

    /** What the bf16 mode computes with on this machine, for the bench's header. */
    static String bf16Note() {
        if (!bf16Instructions()) {
            return "this CPU has no AVX-512 BF16/AMX: bf16 is emulated here, not accelerated";
        }
        Bf16Convolution.Probe probe = Bf16Convolution.probe();
        if (probe.nativeCorrect()) {
            return "this CPU has AVX-512 BF16/AMX";
        }
        return "this CPU has AVX-512 BF16/AMX, but libtorch's bf16 convolution is wrong on it for " + probe.wrong()
                + " (worst: " + probe.worstCase() + "): "
                + (probe.nativeUsed()
                        ? "those convolutions run on float32 kernels, the others accelerated"
                        : "bf16 runs on float32 kernels here, not accelerated");
    }

    /** True when /proc/cpuinfo lists avx512_bf16 or amx_bf16. */
    static boolean bf16Instructions() {
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
