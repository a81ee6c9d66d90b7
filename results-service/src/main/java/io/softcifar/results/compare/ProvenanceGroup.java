package io.softcifar.results.compare;

import io.softcifar.contracts.Nullable;
import io.softcifar.contracts.events.Provenance;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The runs of a comparison that were trained (or evaluated) in one environment: same code, libraries, device and
 * threads, same dataset manifest. The comparison's {@code provenance} lists one per distinct environment and stage, in
 * the order the runs come; runs whose events carry no provenance (older services) are in none.
 *
 * @param stage                 "training" or "evaluation"
 * @param environment           {@link Provenance#environmentLine()}
 * @param threads               the intra-op threads (the most, when the count changed during the work)
 * @param threadsMin            the fewest, when the count changed during the work; else absent
 * @param runIds                the runs it covers
 * @param configurationSha256   run → SHA-256 of its resolved configuration (training only; each seed differs)
 */
public record ProvenanceGroup(
        String stage,
        String environment,
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
        @Nullable String datasetManifestSha256,
        List<String> runIds,
        Map<String, String> configurationSha256) {

    public static final String TRAINING = "training";
    public static final String EVALUATION = "evaluation";

    /** The groups of the evaluated runs (those in the numbers), training first, then evaluation. */
    static List<ProvenanceGroup> of(List<ComparisonInput.Run> runs) {
        Map<String, Builder> groups = new LinkedHashMap<>();
        for (String stage : List.of(TRAINING, EVALUATION)) {
            for (ComparisonInput.Run r : runs) {
                Provenance p = TRAINING.equals(stage) ? r.training() : r.evaluation();
                if (r.metrics() == null || p == null) {
                    continue;
                }
                groups.computeIfAbsent(
                                stage + "\n" + p.environmentLine() + "\n" + p.datasetManifestSha256(),
                                k -> new Builder(stage, p))
                        .add(r.runId(), p);
            }
        }
        return groups.values().stream().map(Builder::build).toList();
    }

    /** A short description for a footnote: the environment, the dataset manifest's hash prefix. */
    String footnote() {
        return stage + ": " + environment
                + (datasetManifestSha256 == null
                        ? ""
                        : ", dataset manifest sha256 "
                                + datasetManifestSha256.substring(0, Math.min(12, datasetManifestSha256.length())));
    }

    private static final class Builder {
        final String stage;
        final Provenance p;
        final List<String> runIds = new ArrayList<>();
        final Map<String, String> hashes = new LinkedHashMap<>();

        Builder(String stage, Provenance p) {
            this.stage = stage;
            this.p = p;
        }

        void add(String runId, Provenance q) {
            runIds.add(runId);
            if (q.configurationSha256() != null) {
                hashes.put(runId, q.configurationSha256());
            }
        }

        ProvenanceGroup build() {
            return new ProvenanceGroup(
                    stage,
                    p.environmentLine(),
                    p.projectVersion(),
                    p.gitCommit(),
                    p.gitDirty(),
                    p.djlVersion(),
                    p.pytorchVersion(),
                    p.device(),
                    p.deviceName(),
                    p.cudaVersion(),
                    p.threads(),
                    p.threadsMin(),
                    p.datasetManifestSha256(),
                    List.copyOf(runIds),
                    // in run order: Map.copyOf's order changes from one JVM to the next, and the comparison's JSON
                    // must be the same after a restart (StackEndToEndIT compares it byte for byte)
                    java.util.Collections.unmodifiableMap(new LinkedHashMap<>(hashes)));
        }
    }
}
