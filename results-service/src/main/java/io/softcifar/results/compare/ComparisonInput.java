package io.softcifar.results.compare;

import io.softcifar.contracts.Nullable;
import io.softcifar.contracts.events.Provenance;
import java.util.List;
import java.util.Map;

/**
 * What a comparison is computed from: a study's configurations in grid order and every one of its runs.
 *
 * @param studyId        the study
 * @param name           its name
 * @param configurations key and label, in grid order
 * @param runs           all runs; {@code metrics} is non-null exactly for runs that finished and were evaluated
 * @param pairs          configurations that differ only in the label mode (soft, hard), for the paired difference
 */
public record ComparisonInput(
        String studyId, String name, List<Config> configurations, List<Run> runs, List<Pair> pairs) {

    public ComparisonInput(String studyId, String name, List<Config> configurations, List<Run> runs) {
        this(studyId, name, configurations, runs, List.of());
    }

    public record Config(String key, String label) {}

    /** A soft-label configuration and its hard-label twin; {@code label} names them without the label mode. */
    public record Pair(String label, String softKey, String hardKey) {}

    /** {@code training}, {@code evaluation}: the provenance of its training.finished and evaluation.completed. */
    public record Run(
            String runId,
            String configKey,
            long seed,
            String status,
            @Nullable String reason,
            @Nullable Map<String, Double> metrics,
            @Nullable Provenance training,
            @Nullable Provenance evaluation) {

        public Run(
                String runId,
                String configKey,
                long seed,
                String status,
                @Nullable String reason,
                @Nullable Map<String, Double> metrics) {
            this(runId, configKey, seed, status, reason, metrics, null, null);
        }
    }
}
