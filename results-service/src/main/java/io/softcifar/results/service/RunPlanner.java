package io.softcifar.results.service;

import static io.softcifar.results.service.ResultsView.RECOVERY_EVALUATION;
import static io.softcifar.results.service.ResultsView.RECOVERY_EVALUATION_RETRY;
import static io.softcifar.results.service.ResultsView.RECOVERY_HEARTBEAT;
import static io.softcifar.results.service.ResultsView.RECOVERY_PENDING;
import static io.softcifar.results.service.ViewState.newest;

import io.softcifar.contracts.events.DatasetStatus;
import io.softcifar.contracts.spec.RunSpec;
import io.softcifar.results.service.ResultsView.PendingStudy;
import io.softcifar.results.service.ResultsView.Stuck;
import io.softcifar.results.service.ViewModel.CheckpointView;
import io.softcifar.results.service.ViewState.RunEntry;
import io.softcifar.results.service.ViewState.StudyEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which runs of the {@link ResultsView} to request, retry, cancel or recover: a study's runs to request once its
 * dataset is there, failed runs to retry, live runs to cancel, and the watchdog's stuck runs (silent trainer, missing
 * evaluation, unpublished request) with the recoveries already made. Not thread-safe: only used under the view's lock.
 */
final class RunPlanner {

    private final ViewState state;

    RunPlanner(ViewState state) {
        this.state = state;
    }

    /** Studies that wait for their dataset: no run requested yet, not given up. */
    List<PendingStudy> pendingStudies() {
        List<PendingStudy> out = new ArrayList<>();
        for (StudyEntry s : state.studies.values()) {
            if (s.expansion == null
                    || s.runsRequested
                    || s.runIds.stream().anyMatch(id -> state.runs.get(id).requested)) {
                continue;
            }
            out.add(new PendingStudy(s.id, s.submittedAt, s.expansion.datasetId(), s.expansion.datasetSpec()));
        }
        return out;
    }

    /** The runs to request once the study's dataset is {@code datasetId}: PENDING ones, with their specs. */
    Map<String, RunSpec> runsToRequest(String studyId, String datasetId) {
        Map<String, RunSpec> out = new LinkedHashMap<>();
        StudyEntry s = state.studies.get(studyId);
        if (s == null || s.expansion == null) {
            return out;
        }
        for (String id : s.runIds) {
            RunEntry r = state.runs.get(id);
            if (r.phase == RunPhase.PENDING && r.planned != null) {
                out.put(id, r.planned.specFor(datasetId));
            }
        }
        return out;
    }

    /** Marks that this instance published the study's training requests (they reach the view through Kafka). */
    void markRunsRequested(String studyId, String datasetId) {
        StudyEntry s = state.studies.get(studyId);
        if (s != null) {
            s.runsRequested = true;
            s.resolvedDatasetId = datasetId;
        }
    }

    /** The study's runs to retry: failed or cancelled, with the spec to request again. */
    Map<String, RunSpec> retryable(String studyId) {
        Map<String, RunSpec> out = new LinkedHashMap<>();
        StudyEntry s = state.studies.get(studyId);
        if (s == null) {
            return out;
        }
        for (String id : s.runIds) {
            RunEntry r = state.runs.get(id);
            if (r.phase.isRetryable()) {
                RunSpec spec = state.specToRequest(s, r);
                if (spec != null) {
                    out.put(id, spec);
                }
            }
        }
        return out;
    }

    /** Runs of the study that have not ended (cancel targets). */
    List<String> liveRuns(String studyId) {
        StudyEntry s = state.studies.get(studyId);
        if (s == null) {
            return List.of();
        }
        return s.runIds.stream()
                .filter(id -> !state.runs.get(id).phase.isTerminal())
                .toList();
    }

    /** What the watchdog should recover now; a run recovered {@code maxRecoveries} times in a kind is left alone. */
    List<Stuck> stuck(
            Instant now,
            Duration heartbeatTimeout,
            Duration evaluationTimeout,
            Duration pendingGrace,
            int maxRecoveries) {
        List<Stuck> out = new ArrayList<>();
        for (StudyEntry s : state.studies.values()) {
            String datasetId = state.datasetIdOf(s);
            boolean datasetThere = datasetId != null
                    && (state.datasets.get(datasetId) == null
                            ? (s.expansion != null && s.expansion.datasetId() != null)
                                    || s.runIds.stream().anyMatch(id -> state.runs.get(id).requested)
                            : state.datasets.get(datasetId).status == DatasetStatus.READY);
            boolean pendingDue = !s.submittedAt.plus(pendingGrace).isAfter(now);
            for (String id : s.runIds) {
                RunEntry r = state.runs.get(id);
                if (r.phase == RunPhase.RUNNING && r.recoveries(RECOVERY_HEARTBEAT) < maxRecoveries) {
                    Instant last = newest(newest(r.statusTime, r.lastProgressTime), r.lastRecoveryAt);
                    RunSpec spec = state.specToRequest(s, r);
                    if (spec != null
                            && last != null
                            && !last.plus(heartbeatTimeout).isAfter(now)) {
                        out.add(new Stuck(
                                RECOVERY_HEARTBEAT,
                                s.id,
                                id,
                                spec,
                                null,
                                spec.datasetId(),
                                "RUNNING, no progress or status since " + last));
                    }
                } else if (r.phase == RunPhase.FINISHED
                        && r.evaluation == null
                        && r.recoveries(RECOVERY_EVALUATION) < maxRecoveries) {
                    CheckpointView best = r.finalBest();
                    if (best != null) {
                        Instant last = newest(newest(r.statusTime, best.time()), r.lastRecoveryAt);
                        if (!last.plus(evaluationTimeout).isAfter(now)) {
                            out.add(new Stuck(
                                    RECOVERY_EVALUATION,
                                    s.id,
                                    id,
                                    null,
                                    best,
                                    r.spec != null ? r.spec.datasetId() : datasetId,
                                    "FINISHED, no evaluation since " + last));
                        }
                    }
                } else if (r.phase == RunPhase.PENDING
                        && r.planned != null
                        && datasetThere
                        && pendingDue
                        && r.recoveries(RECOVERY_PENDING) < maxRecoveries) {
                    out.add(new Stuck(
                            RECOVERY_PENDING,
                            s.id,
                            id,
                            r.planned.specFor(datasetId),
                            null,
                            datasetId,
                            "PENDING since " + s.submittedAt + " although dataset " + datasetId + " is there"));
                }
            }
        }
        return out;
    }

    /** The run's final best checkpoint and the dataset id, if its evaluation failed (a retry evaluates again). */
    Optional<Stuck> failedEvaluation(String runId) {
        RunEntry r = state.runs.get(runId);
        if (r == null
                || r.phase != RunPhase.FINISHED
                || r.evaluation == null
                || !"FAILED".equals(r.evaluation.status())
                || r.finalBest() == null) {
            return Optional.empty();
        }
        StudyEntry s = r.studyId == null ? null : state.studies.get(r.studyId);
        String datasetId = r.spec != null ? r.spec.datasetId() : s == null ? null : state.datasetIdOf(s);
        return Optional.of(new Stuck(
                RECOVERY_EVALUATION_RETRY,
                r.studyId,
                runId,
                null,
                r.finalBest(),
                datasetId,
                "evaluation failed: " + r.evaluation.reason()));
    }

    /** Runs of the study whose evaluation failed (a study retry evaluates them again). */
    List<String> failedEvaluations(String studyId) {
        StudyEntry s = state.studies.get(studyId);
        return s == null
                ? List.of()
                : s.runIds.stream()
                        .filter(id -> failedEvaluation(id).isPresent())
                        .toList();
    }

    /**
     * Records a recovery (the watchdog's own publish, or its record read back from Kafka: the same event id counts
     * once); true if it was new.
     */
    boolean recovered(String eventId, String runId, String kind, Instant time) {
        if (!state.seenRecoveries.add(eventId)) {
            return false;
        }
        RunEntry r = state.runs.computeIfAbsent(runId, RunEntry::new);
        r.recoveries.merge(kind, 1, Integer::sum);
        r.lastRecoveryAt = newest(r.lastRecoveryAt, time);
        return true;
    }

    /** Recoveries of every run, by kind (the status JSON and tests). */
    Map<String, Integer> recoveriesByKind() {
        Map<String, Integer> m = new TreeMap<>();
        state.runs.values().forEach(r -> r.recoveries.forEach((k, v) -> m.merge(k, v, Integer::sum)));
        return m;
    }
}
