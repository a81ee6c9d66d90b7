package io.softcifar.results.service;

import io.softcifar.contracts.events.CheckpointPublished;
import io.softcifar.contracts.events.DatasetFailed;
import io.softcifar.contracts.events.DatasetReady;
import io.softcifar.contracts.events.DatasetState;
import io.softcifar.contracts.events.DatasetStatus;
import io.softcifar.contracts.events.EvaluationCompleted;
import io.softcifar.contracts.events.EvaluationFailed;
import io.softcifar.contracts.events.Event;
import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.events.EventEnvelope;
import io.softcifar.contracts.events.Fenced;
import io.softcifar.contracts.events.FencingTokens;
import io.softcifar.contracts.events.RunEvent;
import io.softcifar.contracts.events.RunState;
import io.softcifar.contracts.events.StudySubmitted;
import io.softcifar.contracts.events.TrainingCancelRequested;
import io.softcifar.contracts.events.TrainingCancelled;
import io.softcifar.contracts.events.TrainingFailed;
import io.softcifar.contracts.events.TrainingFinished;
import io.softcifar.contracts.events.TrainingProgress;
import io.softcifar.contracts.events.TrainingRequested;
import io.softcifar.contracts.study.PlannedRun;
import io.softcifar.contracts.study.StudyExpander;
import io.softcifar.contracts.study.StudyRequest;
import io.softcifar.results.service.ResultsView.Change;
import io.softcifar.results.service.ViewModel.CheckpointView;
import io.softcifar.results.service.ViewModel.EvaluationView;
import io.softcifar.results.service.ViewModel.FinishedView;
import io.softcifar.results.service.ViewModel.ProgressPoint;
import io.softcifar.results.service.ViewState.DatasetEntry;
import io.softcifar.results.service.ViewState.RunEntry;
import io.softcifar.results.service.ViewState.StudyEntry;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * Applies the pipeline's events to the {@link ViewState}: a study and its planned runs, datasets, and each run's
 * status (newest by event time), progress, checkpoints and evaluation, with the fencing rule (an event whose token
 * is older than the run's newest is ignored and counted). The ordering and fencing rules are those of
 * {@link ResultsView}'s class comment. Not thread-safe: only used under the view's lock.
 */
final class EventFolder {

    private static final Logger LOG = Logger.getLogger(ResultsView.class);

    private final StudyExpander expander;
    private final ViewState state;

    EventFolder(StudyExpander expander, ViewState state) {
        this.expander = expander;
        this.state = state;
    }

    /** Folds one event into the state; the change for listeners, or null if it changed nothing. */
    Change apply(EventEnvelope e) {
        Event p = e.payload();
        Instant t = e.time();
        if (p instanceof StudySubmitted s) {
            return study(s, e);
        }
        if (p instanceof DatasetReady r) {
            DatasetEntry d = state.datasets.computeIfAbsent(r.datasetId(), DatasetEntry::new);
            d.status = DatasetStatus.READY;
            d.summary = r.summary();
            d.readyAt = t;
            return new Change(DatasetReady.TYPE, null, null, e, null);
        }
        if (p instanceof DatasetFailed f) {
            if (f.datasetId() != null) {
                DatasetEntry d = state.datasets.computeIfAbsent(f.datasetId(), DatasetEntry::new);
                if (d.readyAt == null || d.readyAt.isBefore(t)) {
                    d.status = DatasetStatus.FAILED;
                    d.reason = f.reason();
                }
            }
            state.datasetFailures.put(f.requestId(), f);
            return new Change(DatasetFailed.TYPE, null, null, e, null);
        }
        if (p instanceof DatasetState s) {
            DatasetEntry d = state.datasets.computeIfAbsent(s.datasetId(), DatasetEntry::new);
            if (d.readyAt == null || d.readyAt.isBefore(t)) {
                d.status = s.status();
                d.reason = s.reason();
            }
            return new Change(DatasetState.TYPE, null, null, e, null);
        }
        String runId = runIdOf(p);
        if (runId == null) {
            return null;
        }
        RunEntry run = state.runs.computeIfAbsent(runId, RunEntry::new);
        if (p instanceof Fenced) {
            long token = FencingTokens.tokenOf(p);
            if (FencingTokens.isStale(token, run.fencingToken)) {
                state.fenced.merge(e.type(), 1L, Long::sum);
                LOG.warnf(
                        "run %s: %s %s with fencing token %d ignored: token %d was seen (its publisher had lost"
                                + " the run's lease)",
                        runId, e.type(), e.eventId(), token, run.fencingToken);
                return null;
            }
            run.fencingToken = token;
        }
        if (run.studyId == null && e.correlation().studyId() != null) {
            run.studyId = e.correlation().studyId();
        }
        if (p instanceof TrainingRequested r) {
            if (state.seenRequests.add(e.eventId())) {
                run.attempts++;
            }
            run.spec = r.spec();
            if (run.studyId == null) {
                run.studyId = r.studyId();
            }
            run.requested = true;
            run.status(RunPhase.REQUESTED, t, null);
        } else if (p instanceof TrainingCancelRequested) {
            if (run.phase == RunPhase.PENDING && !run.requested) {
                run.status(RunPhase.CANCELLED, t, "cancelled before its training was requested");
            }
            run.cancelRequestedAt = t;
        } else if (p instanceof RunState s) {
            if (run.status(RunPhase.of(s.status()), t, s.reason())) {
                run.epoch = Math.max(run.epoch, s.epoch());
            }
        } else if (p instanceof TrainingProgress g) {
            run.progress.put(
                    g.epoch(),
                    new ProgressPoint(
                            g.epoch(),
                            g.epochs(),
                            g.trainLoss(),
                            g.trainAccuracy(),
                            g.valLoss(),
                            g.valAccuracy(),
                            g.learningRate(),
                            g.imagesPerSecond(),
                            g.etaSeconds(),
                            t));
            if (run.lastProgressTime == null || !t.isBefore(run.lastProgressTime)) {
                run.lastProgressTime = t;
                run.epoch = g.epoch();
                run.epochs = g.epochs();
                run.eta = g.etaSeconds();
            }
            run.status(RunPhase.RUNNING, t, null);
        } else if (p instanceof TrainingFinished f) {
            run.finished = new FinishedView(
                    f.bestEpoch(),
                    f.bestValLoss(),
                    f.bestValAccuracy(),
                    f.epochsRun(),
                    f.trainSeconds(),
                    f.bestCheckpointKey());
            run.trainingProvenance = f.provenance();
            if (run.status(RunPhase.FINISHED, t, null)) {
                run.epoch = Math.max(run.epoch, f.epochsRun());
                run.eta = 0.0;
            }
        } else if (p instanceof TrainingFailed f) {
            run.status(RunPhase.FAILED, t, f.reason());
        } else if (p instanceof TrainingCancelled c) {
            run.status(RunPhase.CANCELLED, t, c.reason() == null ? "cancelled" : c.reason());
        } else if (p instanceof CheckpointPublished c) {
            run.checkpoints.put(
                    c.kind() + "/" + c.epoch() + "/" + c.key(),
                    new CheckpointView(
                            c.epoch(), c.kind(), c.isFinal(), c.key(), c.sha256(), c.bytes(), t, c.fencingToken()));
        } else if (p instanceof EvaluationCompleted c) {
            if (run.evaluation == null || !t.isBefore(run.evaluation.time())) {
                run.evaluation = new EvaluationView(
                        "COMPLETED", new TreeMap<>(c.metrics()), c.dumpKey(), c.reliability(), null, t);
                run.evaluationProvenance = c.provenance();
            }
        } else if (p instanceof EvaluationFailed f) {
            if (run.evaluation == null || !t.isBefore(run.evaluation.time())) {
                run.evaluation = new EvaluationView("FAILED", null, null, null, f.reason(), t);
            }
        }
        return new Change(e.type(), run.studyId, runId, e, run.studyId == null ? null : state.statusView(run));
    }

    private Change study(StudySubmitted s, EventEnvelope e) {
        if (state.studies.containsKey(s.studyId())) {
            return null; // the same record again (our own publish, then its echo from Kafka)
        }
        StudyEntry study = new StudyEntry(s.studyId(), s.name(), s.definition(), e.time());
        try {
            StudyRequest request = EventCodec.json().treeToValue(s.definition(), StudyRequest.class);
            StudyExpander.Result result = expander.expand(request);
            if (!result.isValid()) {
                LOG.warnf(
                        "study %s: its definition no longer expands (%s); showing its runs without specs",
                        s.studyId(), result.errors());
            } else {
                study.expansion = result.expansion();
            }
        } catch (Exception ex) {
            LOG.warnf("study %s: unreadable definition: %s", s.studyId(), ex.getMessage());
        }
        state.studies.put(s.studyId(), study);
        Map<String, PlannedRun> planned = new LinkedHashMap<>();
        if (study.expansion != null) {
            study.expansion.runs().forEach(r -> planned.put(r.runId(), r));
        }
        for (String runId : s.runIds()) {
            RunEntry run = state.runs.computeIfAbsent(runId, RunEntry::new);
            run.studyId = s.studyId();
            PlannedRun plan = planned.get(runId);
            if (plan != null) {
                run.configKey = plan.configKey();
                run.seed = plan.seed();
                run.planned = plan;
            }
            study.runIds.add(runId);
        }
        return new Change(StudySubmitted.TYPE, s.studyId(), null, e, null);
    }

    private static String runIdOf(Event p) {
        return p instanceof RunEvent r ? r.runId() : null;
    }
}
