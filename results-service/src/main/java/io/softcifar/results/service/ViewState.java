package io.softcifar.results.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.softcifar.contracts.dataset.DatasetSummary;
import io.softcifar.contracts.events.CheckpointPublished;
import io.softcifar.contracts.events.DatasetFailed;
import io.softcifar.contracts.events.DatasetStatus;
import io.softcifar.contracts.events.Provenance;
import io.softcifar.contracts.spec.RunSpec;
import io.softcifar.contracts.study.Configuration;
import io.softcifar.contracts.study.Expansion;
import io.softcifar.contracts.study.PlannedRun;
import io.softcifar.results.service.ViewModel.CheckpointView;
import io.softcifar.results.service.ViewModel.EvaluationView;
import io.softcifar.results.service.ViewModel.FinishedView;
import io.softcifar.results.service.ViewModel.ProgressPoint;
import io.softcifar.results.service.ViewModel.RunStatusView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The state of the {@link ResultsView}: studies, runs and datasets as folded so far ({@link EventFolder} writes it,
 * {@link ViewQueries} and {@link RecoveryPlanner} read it), and the lookups they share. Not thread-safe: only used
 * under the view's lock.
 */
final class ViewState {

    final Map<String, StudyEntry> studies = new LinkedHashMap<>();
    final Map<String, RunEntry> runs = new LinkedHashMap<>();
    final Map<String, DatasetEntry> datasets = new LinkedHashMap<>();
    /** dataset-failed events by request id (a study's dataset request id is its study id). */
    final Map<String, DatasetFailed> datasetFailures = new LinkedHashMap<>();

    final Set<String> seenRequests = new HashSet<>();
    final Set<String> seenRecoveries = new HashSet<>();
    /** Stale lease-holder events ignored, by event type. */
    final Map<String, Long> fenced = new TreeMap<>();

    /** The study's dataset id: named by its definition, resolved when requested, or on a requested run's spec. */
    String datasetIdOf(StudyEntry s) {
        if (s.expansion != null && s.expansion.datasetId() != null) {
            return s.expansion.datasetId();
        }
        if (s.resolvedDatasetId != null) {
            return s.resolvedDatasetId;
        }
        for (String id : s.runIds) {
            RunEntry r = runs.get(id);
            if (r.spec != null && r.spec.datasetId() != null) {
                return r.spec.datasetId();
            }
        }
        return null;
    }

    /** The spec to request the run with (again): the requested one, else the planned one on the study's dataset. */
    RunSpec specToRequest(StudyEntry s, RunEntry r) {
        if (r.spec != null) {
            return r.spec;
        }
        String datasetId = datasetIdOf(s);
        return r.planned == null || datasetId == null ? null : r.planned.specFor(datasetId);
    }

    String labelOf(RunEntry r) {
        StudyEntry s = r.studyId == null ? null : studies.get(r.studyId);
        if (s == null || s.expansion == null || r.configKey == null) {
            return null;
        }
        return s.expansion.configurations().stream()
                .filter(c -> c.key().equals(r.configKey))
                .map(Configuration::label)
                .findFirst()
                .orElse(null);
    }

    RunStatusView statusView(RunEntry r) {
        return new RunStatusView(
                r.runId,
                r.configKey,
                labelOf(r),
                r.seed == null ? -1 : r.seed,
                r.phase,
                r.epoch,
                r.epochs,
                r.phase.isTerminal() ? null : r.eta,
                r.reason,
                r.isEvaluated(),
                r.attempts,
                r.statusTime,
                r.recoveries.values().stream().mapToInt(Integer::intValue).sum());
    }

    static Instant newest(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
    }

    static final class StudyEntry {
        final String id;
        final String name;
        final JsonNode definition;
        final Instant submittedAt;
        final List<String> runIds = new ArrayList<>();
        Expansion expansion;
        boolean runsRequested;
        String resolvedDatasetId;

        StudyEntry(String id, String name, JsonNode definition, Instant submittedAt) {
            this.id = id;
            this.name = name;
            this.definition = definition;
            this.submittedAt = submittedAt;
        }
    }

    static final class RunEntry {
        final String runId;
        String studyId;
        String configKey;
        Long seed;
        PlannedRun planned;
        RunSpec spec;
        boolean requested;
        int attempts;
        RunPhase phase = RunPhase.PENDING;
        Instant statusTime;
        String reason;
        int epoch;
        Integer epochs;
        Double eta;
        Instant lastProgressTime;
        Instant cancelRequestedAt;
        /** The newest fencing token seen on the run's lease-holder events (0: none, or none stamped). */
        long fencingToken;

        final Map<Integer, ProgressPoint> progress = new TreeMap<>();
        final Map<String, CheckpointView> checkpoints = new LinkedHashMap<>();
        FinishedView finished;
        EvaluationView evaluation;
        Provenance trainingProvenance;
        Provenance evaluationProvenance;
        /** The watchdog's recoveries of this run by kind, and the time of the newest. */
        final Map<String, Integer> recoveries = new TreeMap<>();

        Instant lastRecoveryAt;

        RunEntry(String runId) {
            this.runId = runId;
        }

        /** Sets the status if {@code time} is not older than the current one; true if it did. */
        boolean status(RunPhase next, Instant time, String why) {
            if (statusTime != null && time.isBefore(statusTime)) {
                return false;
            }
            // an event of the same instant never moves a run back out of a terminal status
            if (statusTime != null && time.equals(statusTime) && phase.isTerminal() && !next.isTerminal()) {
                return false;
            }
            phase = next;
            statusTime = time;
            reason = why;
            return true;
        }

        int recoveries(String kind) {
            return recoveries.getOrDefault(kind, 0);
        }

        /** The newest final checkpoint of kind best (what the evaluator evaluates). */
        CheckpointView finalBest() {
            CheckpointView best = null;
            for (CheckpointView c : checkpoints.values()) {
                if (c.isFinal()
                        && CheckpointPublished.KIND_BEST.equals(c.kind())
                        && (best == null || !c.time().isBefore(best.time()))) {
                    best = c;
                }
            }
            return best;
        }

        boolean isEvaluated() {
            return phase == RunPhase.FINISHED && evaluation != null && "COMPLETED".equals(evaluation.status());
        }
    }

    static final class DatasetEntry {
        final String id;
        DatasetStatus status;
        DatasetSummary summary;
        Instant readyAt;
        String reason;

        DatasetEntry(String id) {
            this.id = id;
        }
    }
}
