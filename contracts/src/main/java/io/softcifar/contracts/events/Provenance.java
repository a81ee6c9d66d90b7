package io.softcifar.contracts.events;

import io.softcifar.contracts.Nullable;
import io.softcifar.contracts.spec.RunSpec;
import io.softcifar.contracts.util.Sha256;

/**
 * What produced a result: the code, the libraries, the machine, the settings and the data. The trainer attaches one
 * to {@code training.finished}, the evaluator its own to {@code evaluation.completed} (its versions and device may
 * differ from the trainer's). The host name is deliberately not recorded: it can identify a person's machine, and
 * nothing in a result depends on it.
 *
 * @param projectVersion        the service's Maven version, e.g. 0.1.0-SNAPSHOT
 * @param gitCommit             full hash of the commit the service was built from, "unknown" when built without
 *                              {@code .git} (a source tarball)
 * @param gitDirty              whether the build's work tree had uncommitted changes; null when unknown
 * @param djlVersion            DJL's version, e.g. 0.33.0
 * @param pytorchVersion        the PyTorch engine's version, e.g. 2.5.1
 * @param device                "cpu" or "gpu" (the device the work ran on)
 * @param deviceName            the CPU model (from /proc/cpuinfo on Linux, else the architecture) or the GPU's name
 * @param cudaVersion           the CUDA version of a GPU run (e.g. "12.4"), null on CPU
 * @param threads               the intra-op threads PyTorch used; the most, when the count changed during the work
 * @param threadsMin            the fewest intra-op threads used, when the count changed during the work (an evaluation
 *                              sharing the machine with a trainer takes the cores the trainer leaves idle, batch by
 *                              batch: docs/operations.md, "Sharing the cores"); absent when it stayed at
 *                              {@code threads}
 * @param javaVersion           the JVM's version, e.g. 17.0.13
 * @param os                    operating system name, version and architecture
 * @param configuration         the full resolved configuration (the run spec with every default filled in); null in
 *                              the evaluator's provenance, whose run's configuration is the trainer's
 * @param configurationSha256   {@link #sha256Of(RunSpec)} of {@code configuration}; null with it
 * @param datasetManifestSha256 SHA-256 of the dataset manifest's bytes as read from the object store
 */
public record Provenance(
        String projectVersion,
        String gitCommit,
        @Nullable Boolean gitDirty,
        String djlVersion,
        String pytorchVersion,
        String device,
        String deviceName,
        @Nullable String cudaVersion,
        int threads,
        @Nullable Integer threadsMin,
        String javaVersion,
        String os,
        @Nullable RunSpec configuration,
        @Nullable String configurationSha256,
        @Nullable String datasetManifestSha256) {

    public static final String UNKNOWN = "unknown";
    public static final String DEVICE_CPU = "cpu";
    public static final String DEVICE_GPU = "gpu";

    /**
     * The configuration hash: SHA-256 (lower-case hex) of the UTF-8 bytes of the configuration's canonical JSON
     * ({@link EventCodec#toCanonicalJson}: object keys sorted, no whitespace, null fields left out).
     */
    public static String sha256Of(RunSpec configuration) {
        return Sha256.hex(EventCodec.toCanonicalJson(configuration));
    }

    /** This provenance with the run's resolved configuration and its hash. */
    public Provenance withConfiguration(RunSpec resolved) {
        return with(resolved, sha256Of(resolved), datasetManifestSha256);
    }

    /** This provenance with the SHA-256 of the dataset manifest bytes that were read. */
    public Provenance withDatasetManifest(byte[] manifestBytes) {
        return with(configuration, configurationSha256, Sha256.hex(manifestBytes));
    }

    /**
     * This provenance with the intra-op threads the work used: {@code min} to {@code max}; {@link #threadsMin()} is set
     * only when they differ.
     */
    public Provenance withThreads(int min, int max) {
        return with(max, min == max ? null : min, configuration, configurationSha256, datasetManifestSha256);
    }

    private Provenance with(RunSpec configuration, String configurationSha256, String datasetManifestSha256) {
        return with(threads, threadsMin, configuration, configurationSha256, datasetManifestSha256);
    }

    private Provenance with(
            int threads,
            Integer threadsMin,
            RunSpec configuration,
            String configurationSha256,
            String datasetManifestSha256) {
        return new Provenance(
                projectVersion,
                gitCommit,
                gitDirty,
                djlVersion,
                pytorchVersion,
                device,
                deviceName,
                cudaVersion,
                threads,
                threadsMin,
                javaVersion,
                os,
                configuration,
                configurationSha256,
                datasetManifestSha256);
    }

    /** The thread count as shown: {@code 2}, or the range {@code 1-2} when it changed during the work. */
    public static String threadCount(@Nullable Integer threadsMin, int threads) {
        return (threadsMin == null ? "" : threadsMin + "-") + threads;
    }

    /**
     * One line naming the software and the machine (not the configuration or data), e.g. {@code 0.1.0 (git
     * 1a2b3c4d5e6f), DJL 0.33.0, PyTorch 2.5.1, cpu Intel(R) Xeon(R) Gold 6230, 2 threads} ({@code 1-2 threads} when
     * the count changed during the work); equal lines mean the same environment.
     */
    public String environmentLine() {
        String commit = gitCommit == null || UNKNOWN.equals(gitCommit)
                ? UNKNOWN
                : gitCommit.substring(0, Math.min(12, gitCommit.length()))
                        + (Boolean.TRUE.equals(gitDirty) ? "-dirty" : "");
        return projectVersion + " (git " + commit + "), DJL " + djlVersion + ", PyTorch " + pytorchVersion + ", "
                + device + " " + deviceName + (cudaVersion == null ? "" : ", CUDA " + cudaVersion) + ", "
                + threadCount(threadsMin, threads) + (threads == 1 ? " thread" : " threads");
    }
}
