package io.softcifar.results.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.softcifar.contracts.Nullable;
import io.softcifar.contracts.events.Provenance;
import io.softcifar.contracts.events.ReliabilityBin;
import io.softcifar.contracts.spec.RunSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The read model the API serves: immutable snapshots of the {@link ResultsView}. */
public final class ViewModel {

    private ViewModel() {}

    /** One line of {@code GET /api/studies}; {@code methods}: the uncertainty methods its grid runs. */
    public record StudySummary(
            String id,
            String name,
            Instant submittedAt,
            @Nullable String datasetId,
            String datasetStatus,
            int runs,
            Map<RunPhase, Integer> runsByStatus,
            int evaluated,
            List<String> methods) {}

    /** {@code GET /api/studies/{id}}. */
    public record StudyDetail(
            String id,
            String name,
            Instant submittedAt,
            @Nullable String datasetId,
            String datasetStatus,
            @Nullable String datasetReason,
            JsonNode definition,
            List<Long> seeds,
            List<ConfigurationView> configurations,
            List<RunStatusView> runs,
            Map<RunPhase, Integer> runsByStatus) {}

    public record ConfigurationView(String key, String label, List<String> runIds) {}

    /** A run's line in a study: status, epoch, ETA; {@code recoveries}: how often the watchdog re-requested it. */
    public record RunStatusView(
            String runId,
            String configKey,
            String label,
            long seed,
            RunPhase status,
            int epoch,
            @Nullable Integer epochs,
            @Nullable Double etaSeconds,
            @Nullable String reason,
            boolean evaluated,
            int attempts,
            @Nullable Instant updatedAt,
            int recoveries) {}

    /**
     * {@code GET /api/runs/{id}}; {@code spec}: as requested; {@code effectiveSpec}: the same with every default filled
     * in (what the trainer runs); {@code recoveries}: the watchdog's re-requests by kind (see {@code Watchdog});
     * {@code provenance}: what trained and what evaluated it.
     */
    public record RunDetail(
            String runId,
            @Nullable String studyId,
            @Nullable String configKey,
            @Nullable String label,
            @Nullable Long seed,
            @Nullable RunSpec spec,
            RunPhase status,
            int epoch,
            @Nullable Integer epochs,
            @Nullable Double etaSeconds,
            @Nullable String reason,
            int attempts,
            @Nullable Instant updatedAt,
            List<ProgressPoint> progress,
            List<CheckpointView> checkpoints,
            @Nullable FinishedView finished,
            @Nullable EvaluationView evaluation,
            Map<String, Integer> recoveries,
            @Nullable RunSpec effectiveSpec,
            ProvenanceView provenance) {}

    /**
     * The provenance the trainer put on training.finished and the evaluator on evaluation.completed (each null until
     * that event, or when it came from a service older than provenance).
     */
    public record ProvenanceView(
            @Nullable Provenance training, @Nullable Provenance evaluation) {}

    /** {@code trainAccuracy}: null when the trainer published a version-1 progress event (before it existed). */
    public record ProgressPoint(
            int epoch,
            int epochs,
            double trainLoss,
            @Nullable Double trainAccuracy,
            double valLoss,
            double valAccuracy,
            double learningRate,
            double imagesPerSecond,
            double etaSeconds,
            Instant time) {}

    /** {@code fencingToken}: the trainer lease's token the checkpoint event carried (null: none). */
    public record CheckpointView(
            int epoch,
            String kind,
            boolean isFinal,
            String key,
            String sha256,
            long bytes,
            Instant time,
            @Nullable Long fencingToken) {}

    public record FinishedView(
            int bestEpoch,
            double bestValLoss,
            double bestValAccuracy,
            int epochsRun,
            double trainSeconds,
            String bestCheckpointKey) {}

    /** COMPLETED with metrics, or FAILED with the reason. */
    public record EvaluationView(
            String status,
            @Nullable Map<String, Double> metrics,
            @Nullable String dumpKey,
            @Nullable List<ReliabilityBin> reliability,
            @Nullable String reason,
            Instant time) {}
}
