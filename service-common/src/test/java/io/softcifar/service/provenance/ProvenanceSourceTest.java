package io.softcifar.service.provenance;

import static org.assertj.core.api.Assertions.assertThat;

import io.softcifar.contracts.events.Provenance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parsing half of {@link ProvenanceSource}, on sample text copied from real machines' files. */
class ProvenanceSourceTest {

    /** The first two processors of a 2-core x86 VM's /proc/cpuinfo (abridged: flags cut). */
    static final String X86 = """
            processor\t: 0
            vendor_id\t: GenuineIntel
            cpu family\t: 6
            model\t\t: 85
            model name\t: Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz
            stepping\t: 7
            cpu MHz\t\t: 2095.078
            flags\t\t: fpu vme de pse tsc msr pae mce

            processor\t: 1
            vendor_id\t: GenuineIntel
            model name\t: Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz
            """;

    /** A Raspberry Pi 4's /proc/cpuinfo: no "model name", a "Model" line at the end. */
    static final String ARM = """
            processor\t: 0
            BogoMIPS\t: 108.00
            Features\t: fp asimd evtstrm crc32 cpuid
            CPU implementer\t: 0x41
            CPU part\t: 0xd08

            Hardware\t: BCM2835
            Revision\t: d03114
            Model\t\t: Raspberry Pi 4 Model B Rev 1.4
            """;

    @Test
    void theCpuModelIsTheFirstModelNameLine() {
        assertThat(ProvenanceSource.cpuModel(X86)).contains("Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz");
        // "model" (the number 85) is another field, not a prefix match
        assertThat(ProvenanceSource.cpuModel("model\t\t: 85\n")).isEmpty();
    }

    @Test
    void withoutModelNameTheModelLineNamesTheBoard() {
        assertThat(ProvenanceSource.cpuModel(ARM)).contains("Raspberry Pi 4 Model B Rev 1.4");
        assertThat(ProvenanceSource.cpuModel("processor\t: 0\r\nBogoMIPS\t: 1\r\n"))
                .isEmpty();
        assertThat(ProvenanceSource.cpuModel("")).isEmpty();
    }

    @Test
    void anUnreadableCpuinfoGivesTheArchitecture(@TempDir Path dir) throws IOException {
        assertThat(ProvenanceSource.cpuName(dir.resolve("missing"))).isEqualTo(System.getProperty("os.arch"));
        Path file = Files.writeString(dir.resolve("cpuinfo"), X86);
        assertThat(ProvenanceSource.cpuName(file)).isEqualTo("Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz");
    }

    @Test
    void theGpuNameComesFromTheDriversInformationFileInPciOrder(@TempDir Path dir) throws IOException {
        // /proc/driver/nvidia/gpus/<pci id>/information as the 550 driver writes it (abridged)
        Files.createDirectories(dir.resolve("0000:3b:00.0"));
        Files.writeString(
                dir.resolve("0000:3b:00.0/information"),
                "Model: \t\t NVIDIA A100-SXM4-40GB\nIRQ:   \t\t 180\nGPU UUID: \t GPU-1\n");
        Files.createDirectories(dir.resolve("0000:86:00.0"));
        Files.writeString(dir.resolve("0000:86:00.0/information"), "Model: \t\t Tesla V100-PCIE-16GB\n");

        assertThat(ProvenanceSource.gpuName(0, dir)).isEqualTo("NVIDIA A100-SXM4-40GB");
        assertThat(ProvenanceSource.gpuName(1, dir)).isEqualTo("Tesla V100-PCIE-16GB");
        assertThat(ProvenanceSource.gpuName(2, dir)).isEqualTo("CUDA device 2");
        assertThat(ProvenanceSource.gpuName(0, dir.resolve("none"))).isEqualTo("CUDA device 0");
    }

    @Test
    void cudaVersionsAreMajorDotMinor() {
        assertThat(ProvenanceSource.cudaVersion(12040)).isEqualTo("12.4");
        assertThat(ProvenanceSource.cudaVersion(11080)).isEqualTo("11.8");
        assertThat(ProvenanceSource.cudaVersion(0)).isNull();
    }

    @Test
    void theBuildComesFromThePluginsPropertiesOrIsUnknown() {
        Properties p = new Properties();
        p.setProperty("git.build.version", "0.1.0-SNAPSHOT");
        p.setProperty("git.commit.id.full", "9c5e61a8b29d5d0ad832435b0562316ece42a208");
        p.setProperty("git.dirty", "true");

        assertThat(ProvenanceSource.build(Optional.of(p), Optional.of("ignored")))
                .isEqualTo(
                        new ProvenanceSource.Build("0.1.0-SNAPSHOT", "9c5e61a8b29d5d0ad832435b0562316ece42a208", true));
        assertThat(ProvenanceSource.build(Optional.empty(), Optional.of("0.1.0")))
                .isEqualTo(new ProvenanceSource.Build("0.1.0", Provenance.UNKNOWN, null));
        assertThat(ProvenanceSource.build(Optional.empty(), Optional.empty()))
                .isEqualTo(new ProvenanceSource.Build(Provenance.UNKNOWN, Provenance.UNKNOWN, null));
    }
}
