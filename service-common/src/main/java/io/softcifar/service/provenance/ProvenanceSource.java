package io.softcifar.service.provenance;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.cuda.CudaUtils;
import io.softcifar.contracts.events.Provenance;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Collects the {@link Provenance} of work done in this JVM: the build (project version and git commit, from
 * {@value #GIT_PROPERTIES}, written by the git-commit-id plugin), DJL and PyTorch versions and intra-op threads (from
 * DJL's public API), the device (CPU model from {@code /proc/cpuinfo}, else the architecture; a GPU's name from the
 * NVIDIA driver's {@code /proc/driver/nvidia/gpus}, CUDA version from DJL), Java and OS. No host name: it can name a
 * person's machine and no result depends on it.
 */
public final class ProvenanceSource {

    /** Written at build time by the git-commit-id plugin (see the root pom). */
    public static final String GIT_PROPERTIES = "META-INF/softcifar/git.properties";

    private static final String PYTORCH = "PyTorch";

    private ProvenanceSource() {}

    /**
     * The provenance of work on {@code device}, without configuration or dataset (add them with
     * {@link Provenance#withConfiguration} and {@link Provenance#withDatasetManifest}). Loads the PyTorch engine.
     */
    public static Provenance current(Device device) {
        Engine engine = Engine.getEngine(PYTORCH);
        Build build = build(resource(GIT_PROPERTIES), applicationVersion());
        boolean gpu = device != null && device.isGpu();
        String deviceName = gpu
                ? gpuName(device.getDeviceId(), Path.of("/proc/driver/nvidia/gpus"))
                : cpuName(Path.of("/proc/cpuinfo"));
        String cuda = gpu ? cudaVersion(CudaUtils.getCudaVersion()) : null;
        return new Provenance(
                build.projectVersion(),
                build.gitCommit(),
                build.gitDirty(),
                Engine.getDjlVersion(),
                engine.getVersion(),
                gpu ? Provenance.DEVICE_GPU : Provenance.DEVICE_CPU,
                deviceName,
                cuda,
                JniUtils.getNumThreads(),
                null,
                System.getProperty("java.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"),
                null,
                null,
                null);
    }

    /** The build: project version and commit. */
    public record Build(String projectVersion, String gitCommit, Boolean gitDirty) {}

    /**
     * The build described by the plugin's properties ({@code git.build.version}, {@code git.commit.id.full},
     * {@code git.dirty}); what is missing (no file: built without .git) is {@link Provenance#UNKNOWN}, the project
     * version then falling back to {@code fallbackVersion}.
     */
    public static Build build(Optional<Properties> git, Optional<String> fallbackVersion) {
        Properties p = git.orElseGet(Properties::new);
        String version = blankToNull(p.getProperty("git.build.version"));
        String commit = blankToNull(p.getProperty("git.commit.id.full"));
        String dirty = blankToNull(p.getProperty("git.dirty"));
        return new Build(
                version != null ? version : fallbackVersion.orElse(Provenance.UNKNOWN),
                commit != null ? commit : Provenance.UNKNOWN,
                dirty == null ? null : Boolean.valueOf(dirty));
    }

    /**
     * The CPU model: the first {@code model name} line of Linux's {@code /proc/cpuinfo} text (x86), else its
     * {@code Model} line (some ARM boards), else empty.
     */
    public static Optional<String> cpuModel(String cpuinfo) {
        Optional<String> model = field(cpuinfo, "model name");
        return model.isPresent() ? model : field(cpuinfo, "Model");
    }

    /** The CPU model from {@code cpuinfo} if readable, else the JVM's {@code os.arch}. */
    static String cpuName(Path cpuinfo) {
        try {
            if (Files.isReadable(cpuinfo)) {
                Optional<String> model = cpuModel(Files.readString(cpuinfo, StandardCharsets.UTF_8));
                if (model.isPresent()) {
                    return model.get();
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // not Linux, or a sandbox: the architecture is all there is
        }
        return System.getProperty("os.arch");
    }

    /**
     * The GPU's name from the NVIDIA driver ({@code <dir>/<pci-id>/information}, line {@code Model:}; the devices
     * sorted by PCI id, which is CUDA's default order), else "CUDA device i".
     */
    static String gpuName(int index, Path driverDir) {
        try (var dirs = Files.list(driverDir)) {
            Optional<Path> dir = dirs.sorted().skip(Math.max(index, 0)).findFirst();
            if (dir.isPresent()) {
                Optional<String> model = field(Files.readString(dir.get().resolve("information")), "Model");
                if (model.isPresent()) {
                    return model.get();
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // no NVIDIA driver information (a container without /proc/driver): the index says which device
        }
        return "CUDA device " + index;
    }

    /** CUDA's integer version (1000 × major + 10 × minor, e.g. 12040) as "12.4"; null when there is none. */
    public static String cudaVersion(int version) {
        return version <= 0 ? null : (version / 1000) + "." + (version % 1000) / 10;
    }

    /** The value of the first {@code name : value} line of {@code text} whose name is {@code name}. */
    static Optional<String> field(String text, String name) {
        for (String line : text.split("\\R", -1)) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().equals(name)) {
                String value = line.substring(colon + 1).strip();
                if (!value.isEmpty()) {
                    return Optional.of(value);
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<Properties> resource(String name) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try (InputStream in =
                (loader != null ? loader : ProvenanceSource.class.getClassLoader()).getResourceAsStream(name)) {
            if (in == null) {
                return Optional.empty();
            }
            Properties p = new Properties();
            p.load(in);
            return Optional.of(p);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + name, e);
        }
    }

    private static Optional<String> applicationVersion() {
        try {
            return ConfigProvider.getConfig().getOptionalValue("quarkus.application.version", String.class);
        } catch (IllegalStateException e) {
            return Optional.empty(); // no MicroProfile Config in this JVM (a plain test)
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
