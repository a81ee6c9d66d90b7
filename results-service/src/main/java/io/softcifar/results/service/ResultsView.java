package io.softcifar.results.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.softcifar.contracts.Nullable;
import io.softcifar.contracts.dataset.DatasetSummary;
import io.softcifar.contracts.events.CheckpointPublished;
import io.softcifar.contracts.events.DatasetFailed;
import io.softcifar.contracts.events.DatasetReady;
import io.softcifar.contracts.events.DatasetState;
import io.softcifar.contracts.events.DatasetStatus;
import io.softcifar.contracts.events.EvaluationCompleted;
import io.softcifar.contracts.events.Provenance;
import io.softcifar.contracts.events.EvaluationFailed;
import io.softcifar.contracts.events.Event;
import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.events.EventEnvelope;
import io.softcifar.contracts.events.Fenced;
import io.softcifar.contracts.events.FencingTokens;
import io.softcifar.contracts.events.RunState;
import io.softcifar.contracts.events.StudySubmitted;
import io.softcifar.contracts.events.TrainingCancelRequested;
import io.softcifar.contracts.events.TrainingCancelled;
import io.softcifar.contracts.events.TrainingFailed;
import io.softcifar.contracts.events.TrainingFinished;
import io.softcifar.contracts.events.TrainingProgress;
import io.softcifar.contracts.events.TrainingRequested;
import io.softcifar.contracts.spec.DatasetSpec;
import io.softcifar.contracts.spec.RunSpec;
import io.softcifar.results.compare.Comparison;
import io.softcifar.results.compare.ComparisonInput;
import io.softcifar.results.service.ViewModel.CheckpointView;
import io.softcifar.results.service.ViewModel.ConfigurationView;
import io.softcifar.results.service.ViewModel.EvaluationView;
import io.softcifar.results.service.ViewModel.FinishedView;
import io.softcifar.results.service.ViewModel.ProgressPoint;
import io.softcifar.results.service.ViewModel.RunDetail;
import io.softcifar.results.service.ViewModel.RunStatusView;
import io.softcifar.results.service.ViewModel.StudyDetail;
import io.softcifar.results.service.ViewModel.StudySummary;
import io.softcifar.contracts.study.Configuration;
import io.softcifar.contracts.study.Expansion;
import io.softcifar.contracts.study.PlannedRun;
import io.softcifar.contracts.study.StudyExpander;
import io.softcifar.contracts.study.StudyRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jboss.logging.Logger;

/**
 * Everything the results service knows, folded from the events of the pipeline's topics: studies (studies topic),
 * datasets (dataset-state), run requests (training requests and control), run status (training-state), progress,
 * checkpoints and evaluations. Plain Java: the Kafka side is {@code ViewFollower}, which feeds {@link #apply} from the
 * beginning of every topic, so a fresh view rebuilt from Kafka equals one that saw the events live.
 *
 * <p>Order. Records of different topics arrive in no global order while the topics are replayed, so a run's status
 * is set by the newest event by event time ({@link EventEnvelope#time()}), not by arrival: a retried run whose old
 * {@code training.failed} is read after its new {@code training.requested} stays REQUESTED. Events of a run that
 * arrive before its study are kept and joined when the study arrives. Applying the same event twice changes nothing.
 *
 * <p>Fencing. The trainer stamps its events of a run (progress, state, checkpoints, the terminal events) with its
 * lease's fencing token; an event whose token is older than the newest seen for its run comes from a replica that
 * lost the run's lease (paused, cut off) and is ignored ({@link FencingTokens#isStale}; no token counts as 0), and
 * counted ({@link #fenced}). Without this rule, such an event, being the newest by time, would win. A run's events of
 * one topic share a partition, so a replay sees them in the live order; across topics it may not, so a rebuilt view
 * can keep a stale event that the live one dropped when no newer-token event preceded it on its own topic.
 *
 * <p>Thread-safe: every method locks the view; listeners are called under the lock and must return quickly.
 */
public final class ResultsView {

    private static final Logger LOG = Logger.getLogger(ResultsView.class);

    /** What changed, for listeners (the SSE stream, the dataset coordinator). */
    public record Change(String type, @Nullable String studyId, @Nullable String runId, EventEnvelope event,
            @Nullable RunStatusView run) {}

    private final StudyExpander expander;
    private final Map<String, StudyEntry> studies = new LinkedHashMap<>();
    private final Map<String, RunEntry> runs = new LinkedHashMap<>();
    private final Map<String, DatasetEntry> datasets = new LinkedHashMap<>();
    /** dataset-failed events by request id (a study's dataset request id is its study id). */
    private final Map<String, DatasetFailed> datasetFailures = new LinkedHashMap<>();
    private final Set<String> seenRequests = new HashSet<>();
    private final Set<String> seenRecoveries = new HashSet<>();
    /** Stale lease-holder events ignored, by event type. */
    private final Map<String, Long> fenced = new TreeMap<>();
    private final List<java.util.function.Consumer<Change>> listeners = new CopyOnWriteArrayList<>();

    public ResultsView(StudyExpander expander) {
        this.expander = expander;
    }

    public void addListener(java.util.function.Consumer<Change> listener) {
        listeners.add(listener);
    }

    public void removeListener(java.util.function.Consumer<Change> listener) {
        listeners.remove(listener);
    }

    /** Folds one event in; unknown or irrelevant events are ignored. */
    public void apply(EventEnvelope e) {
        Change change;
        synchronized (this) {
            change = applyLocked(e);
        }
        if (change != null) {
            for (var l : listeners) {
                try {
                    l.accept(change);
                } catch (RuntimeException ex) {
                    LOG.warnf("view listener failed on %s: %s", e.type(), ex.getMessage());
                }
            }
        }
    }

    private Change applyLocked(EventEnvelope e) {
        Event p = e.payload();
        Instant t = e.time();
        if (p instanceof StudySubmitted s) {
            return study(s, e);
        }
        if (p instanceof DatasetReady r) {
            DatasetEntry d = datasets.computeIfAbsent(r.datasetId(), DatasetEntry::new);
            d.status = DatasetStatus.READY;
            d.summary = r.summary();
            d.readyAt = t;
            return new Change(DatasetReady.TYPE, null, null, e, null);
        }
        if (p instanceof DatasetFailed f) {
            if (f.datasetId() != null) {
                DatasetEntry d = datasets.computeIfAbsent(f.datasetId(), DatasetEntry::new);
                if (d.readyAt == null || d.readyAt.isBefore(t)) {
                    d.status = DatasetStatus.FAILED;
                    d.reason = f.reason();
                }
            }
            datasetFailures.put(f.requestId(), f);
            return new Change(DatasetFailed.TYPE, null, null, e, null);
        }
        if (p instanceof DatasetState s) {
            DatasetEntry d = datasets.computeIfAbsent(s.datasetId(), DatasetEntry::new);
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
        RunEntry run = runs.computeIfAbsent(runId, RunEntry::new);
        if (p instanceof Fenced) {
            long token = FencingTokens.tokenOf(p);
            if (FencingTokens.isStale(token, run.fencingToken)) {
                fenced.merge(e.type(), 1L, Long::sum);
                LOG.warnf("run %s: %s %s with fencing token %d ignored: token %d was seen (its publisher had lost"
                        + " the run's lease)", runId, e.type(), e.eventId(), token, run.fencingToken);
                return null;
            }
            run.fencingToken = token;
        }
        if (run.studyId == null && e.correlation().studyId() != null) {
            run.studyId = e.correlation().studyId();
        }
        if (p instanceof TrainingRequested r) {
            if (seenRequests.add(e.eventId())) {
                run.attempts++;
            }
            run.spec = r.spec();
            if (run.studyId == null) {
                run.studyId = r.studyId();
            }
            run.requested = true;
            run.status(RunPhase.REQUESTED, t, null);
        } else if (p instanceof TrainingCancelRequested c) {
            if (run.phase == RunPhase.PENDING && !run.requested) {
                run.status(RunPhase.CANCELLED, t, "cancelled before its training was requested");
            }
            run.cancelRequestedAt = t;
        } else if (p instanceof RunState s) {
            if (run.status(RunPhase.of(s.status()), t, s.reason())) {
                run.epoch = Math.max(run.epoch, s.epoch());
            }
        } else if (p instanceof TrainingProgress g) {
            run.progress.put(g.epoch(), new ProgressPoint(g.epoch(), g.epochs(), g.trainLoss(),
                    g.trainAccuracy(), g.valLoss(), g.valAccuracy(), g.learningRate(), g.imagesPerSecond(), g.etaSeconds(), t));
            if (run.lastProgressTime == null || !t.isBefore(run.lastProgressTime)) {
                run.lastProgressTime = t;
                run.epoch = g.epoch();
                run.epochs = g.epochs();
                run.eta = g.etaSeconds();
            }
            run.status(RunPhase.RUNNING, t, null);
        } else if (p instanceof TrainingFinished f) {
            run.finished = new FinishedView(f.bestEpoch(), f.bestValLoss(), f.bestValAccuracy(), f.epochsRun(),
                    f.trainSeconds(), f.bestCheckpointKey());
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
            run.checkpoints.put(c.kind() + "/" + c.epoch() + "/" + c.key(), new CheckpointView(c.epoch(), c.kind(),
                    c.isFinal(), c.key(), c.sha256(), c.bytes(), t, c.fencingToken()));
        } else if (p instanceof EvaluationCompleted c) {
            if (run.evaluation == null || !t.isBefore(run.evaluation.time())) {
                run.evaluation = new EvaluationView("COMPLETED", new TreeMap<>(c.metrics()), c.dumpKey(),
                        c.reliability(), null, t);
                run.evaluationProvenance = c.provenance();
            }
        } else if (p instanceof EvaluationFailed f) {
            if (run.evaluation == null || !t.isBefore(run.evaluation.time())) {
                run.evaluation = new EvaluationView("FAILED", null, null, null, f.reason(), t);
            }
        }
        return new Change(e.type(), run.studyId, runId, e, run.studyId == null ? null : statusView(run));
    }

    private Change study(StudySubmitted s, EventEnvelope e) {
        if (studies.containsKey(s.studyId())) {
            return null; // the same record again (our own publish, then its echo from Kafka)
        }
        StudyEntry study = new StudyEntry(s.studyId(), s.name(), s.definition(), e.time());
        try {
            StudyRequest request = EventCodec.json().treeToValue(s.definition(), StudyRequest.class);
            StudyExpander.Result result = expander.expand(request);
            if (!result.isValid()) {
                LOG.warnf("study %s: its definition no longer expands (%s); showing its runs without specs",
                        s.studyId(), result.errors());
            } else {
                study.expansion = result.expansion();
            }
        } catch (Exception ex) {
            LOG.warnf("study %s: unreadable definition: %s", s.studyId(), ex.getMessage());
        }
        studies.put(s.studyId(), study);
        Map<String, PlannedRun> planned = new LinkedHashMap<>();
        if (study.expansion != null) {
            study.expansion.runs().forEach(r -> planned.put(r.runId(), r));
        }
        for (String runId : s.runIds()) {
            RunEntry run = runs.computeIfAbsent(runId, RunEntry::new);
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
        if (p instanceof TrainingRequested r) {
            return r.runId();
        } else if (p instanceof TrainingCancelRequested c) {
            return c.runId();
        } else if (p instanceof RunState s) {
            return s.runId();
        } else if (p instanceof TrainingProgress g) {
            return g.runId();
        } else if (p instanceof TrainingFinished f) {
            return f.runId();
        } else if (p instanceof TrainingFailed f) {
            return f.runId();
        } else if (p instanceof TrainingCancelled c) {
            return c.runId();
        } else if (p instanceof CheckpointPublished c) {
            return c.runId();
        } else if (p instanceof EvaluationCompleted c) {
            return c.runId();
        } else if (p instanceof EvaluationFailed f) {
            return f.runId();
        }
        return null;
    }

    // ---- queries -------------------------------------------------------------------------------------------------

    /** Stale lease-holder events ignored so far (see the class comment), by event type. */
    public synchronized long fenced(String type) {
        return fenced.getOrDefault(type, 0L);
    }

    public synchronized boolean hasStudy(String studyId) {
        return studies.containsKey(studyId);
    }

    public synchronized Optional<JsonNode> definition(String studyId) {
        return Optional.ofNullable(studies.get(studyId)).map(s -> s.definition);
    }

    public synchronized int studyCount() {
        return studies.size();
    }

    /** Runs of all studies in a phase (the metrics gauges). */
    public synchronized int countRuns(RunPhase phase) {
        int n = 0;
        for (StudyEntry s : studies.values()) {
            for (String id : s.runIds) {
                if (runs.get(id).phase == phase) {
                    n++;
                }
            }
        }
        return n;
    }

    public synchronized List<StudySummary> studies() {
        List<StudySummary> list = new ArrayList<>();
        for (StudyEntry s : studies.values()) {
            List<RunEntry> rs = s.runIds.stream().map(runs::get).toList();
            list.add(new StudySummary(s.id, s.name, s.submittedAt, datasetIdOf(s), datasetStatusOf(s), rs.size(),
                    byPhase(rs), (int) rs.stream().filter(RunEntry::isEvaluated).count(),
                    s.expansion == null ? List.of() : s.expansion.configurations().stream()
                            .map(c -> c.spec().method()).distinct().toList()));
        }
        list.sort(Comparator.comparing(StudySummary::submittedAt).reversed());
        return list;
    }

    public synchronized Optional<StudyDetail> study(String studyId) {
        StudyEntry s = studies.get(studyId);
        if (s == null) {
            return Optional.empty();
        }
        List<RunEntry> rs = s.runIds.stream().map(runs::get).toList();
        List<ConfigurationView> configurations = new ArrayList<>();
        if (s.expansion != null) {
            for (Configuration c : s.expansion.configurations()) {
                configurations.add(new ConfigurationView(c.key(), c.label(), rs.stream()
                        .filter(r -> c.key().equals(r.configKey)).map(r -> r.runId).toList()));
            }
        }
        return Optional.of(new StudyDetail(s.id, s.name, s.submittedAt, datasetIdOf(s), datasetStatusOf(s),
                datasetReasonOf(s), s.definition, s.expansion == null ? List.of() : s.expansion.seeds(),
                configurations, rs.stream().map(this::statusView).toList(), byPhase(rs)));
    }

    public synchronized Optional<RunDetail> run(String runId) {
        RunEntry r = runs.get(runId);
        if (r == null || r.studyId == null && !r.requested) {
            return Optional.empty();
        }
        StudyEntry s = r.studyId == null ? null : studies.get(r.studyId);
        RunSpec spec = r.spec != null ? r.spec
                : r.planned != null ? r.planned.specFor(s == null || datasetIdOf(s) == null
                        ? StudyExpander.DATASET_PLACEHOLDER : datasetIdOf(s)) : null;
        return Optional.of(new RunDetail(r.runId, r.studyId, r.configKey, labelOf(r), r.seed, spec, r.phase,
                r.epoch, r.epochs, r.eta, r.reason, r.attempts, r.statusTime,
                List.copyOf(r.progress.values()), List.copyOf(r.checkpoints.values()), r.finished, r.evaluation,
                java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(r.recoveries)),
                spec == null ? null : spec.withDefaults(),
                new ViewModel.ProvenanceView(r.trainingProvenance,
                        r.isEvaluated() ? r.evaluationProvenance : null)));
    }

    /** The input of the comparison: configurations in grid order, every run with its metrics if evaluated. */
    public synchronized Optional<ComparisonInput> comparisonInput(String studyId) {
        StudyEntry s = studies.get(studyId);
        if (s == null) {
            return Optional.empty();
        }
        List<ComparisonInput.Config> configs = new ArrayList<>();
        if (s.expansion != null) {
            s.expansion.configurations().forEach(c -> configs.add(new ComparisonInput.Config(c.key(), c.label())));
        }
        List<ComparisonInput.Run> rs = new ArrayList<>();
        for (String id : s.runIds) {
            RunEntry r = runs.get(id);
            String reason = r.reason;
            if (r.phase == RunPhase.FINISHED && r.evaluation != null && "FAILED".equals(r.evaluation.status())) {
                reason = "evaluation failed: " + r.evaluation.reason();
            } else if (r.phase == RunPhase.FINISHED && r.evaluation == null) {
                reason = "finished, not evaluated yet";
            }
            rs.add(new ComparisonInput.Run(r.runId, r.configKey == null ? "unknown" : r.configKey,
                    r.seed == null ? -1 : r.seed, r.phase.name(), reason,
                    r.isEvaluated() ? r.evaluation.metrics() : null, r.trainingProvenance,
                    r.isEvaluated() ? r.evaluationProvenance : null));
        }
        return Optional.of(new ComparisonInput(s.id, s.name, configs, rs, softHardPairs(s)));
    }

    /** Configurations of the study that differ only in the label mode: each soft one with its hard twin. */
    private static List<ComparisonInput.Pair> softHardPairs(StudyEntry s) {
        List<ComparisonInput.Pair> pairs = new ArrayList<>();
        if (s.expansion == null) {
            return pairs;
        }
        Map<String, Configuration> byKey = new java.util.HashMap<>();
        s.expansion.configurations().forEach(c -> byKey.put(c.key(), c));
        for (Configuration c : s.expansion.configurations()) {
            if (RunSpec.LABELS_SOFT.equals(c.spec().labelMode())) {
                String hardKey = c.spec().toBuilder().labelMode(RunSpec.LABELS_HARD).build().configurationKey();
                Configuration hard = byKey.get(hardKey);
                if (hard != null) {
                    pairs.add(new ComparisonInput.Pair(withoutLabelMode(c.label()), c.key(), hard.key()));
                }
            }
        }
        return pairs;
    }

    /** "sngp, soft, mixup" → "sngp, mixup" (labels are comma-separated parts, see StudyExpander). */
    private static String withoutLabelMode(String label) {
        List<String> parts = new ArrayList<>(List.of(label.split(",\\s*")));
        parts.remove(RunSpec.LABELS_SOFT);
        return String.join(", ", parts);
    }

    public synchronized Optional<Comparison> comparison(String studyId) {
        return comparisonInput(studyId).map(Comparison::of);
    }

    /** The study's runs to retry: failed or cancelled, with the spec to request again. */
    public synchronized Map<String, RunSpec> retryable(String studyId) {
        Map<String, RunSpec> out = new LinkedHashMap<>();
        StudyEntry s = studies.get(studyId);
        if (s == null) {
            return out;
        }
        for (String id : s.runIds) {
            RunEntry r = runs.get(id);
            if (r.phase.isRetryable()) {
                RunSpec spec = specToRequest(s, r);
                if (spec != null) {
                    out.put(id, spec);
                }
            }
        }
        return out;
    }

    /** Runs of the study that have not ended (cancel targets). */
    public synchronized List<String> liveRuns(String studyId) {
        StudyEntry s = studies.get(studyId);
        if (s == null) {
            return List.of();
        }
        return s.runIds.stream().filter(id -> !runs.get(id).phase.isTerminal()).toList();
    }

    public synchronized Optional<RunPhase> phase(String runId) {
        RunEntry r = runs.get(runId);
        return r == null || r.studyId == null && !r.requested ? Optional.empty() : Optional.of(r.phase);
    }

    /** Studies that wait for their dataset: no run requested yet, not given up. */
    public synchronized List<PendingStudy> pendingStudies() {
        List<PendingStudy> out = new ArrayList<>();
        for (StudyEntry s : studies.values()) {
            if (s.expansion == null || s.runsRequested || s.runIds.stream().anyMatch(id -> runs.get(id).requested)) {
                continue;
            }
            out.add(new PendingStudy(s.id, s.submittedAt, s.expansion.datasetId(), s.expansion.datasetSpec()));
        }
        return out;
    }

    /** A study waiting for its dataset: by id, or by a spec whose dataset id is not known yet. */
    public record PendingStudy(String studyId, Instant submittedAt, @Nullable String datasetId,
            @Nullable DatasetSpec datasetSpec) {}

    /** The runs to request once the study's dataset is {@code datasetId}: PENDING ones, with their specs. */
    public synchronized Map<String, RunSpec> runsToRequest(String studyId, String datasetId) {
        Map<String, RunSpec> out = new LinkedHashMap<>();
        StudyEntry s = studies.get(studyId);
        if (s == null || s.expansion == null) {
            return out;
        }
        for (String id : s.runIds) {
            RunEntry r = runs.get(id);
            if (r.phase == RunPhase.PENDING && r.planned != null) {
                out.put(id, r.planned.specFor(datasetId));
            }
        }
        return out;
    }

    /** Marks that this instance published the study's training requests (they reach the view through Kafka). */
    public synchronized void markRunsRequested(String studyId, String datasetId) {
        StudyEntry s = studies.get(studyId);
        if (s != null) {
            s.runsRequested = true;
            s.resolvedDatasetId = datasetId;
        }
    }

    // ---- the watchdog ------------------------------------------------------------------------------------------------

    /** A RUNNING run whose trainer has been silent for the heartbeat timeout: its training is requested again. */
    public static final String RECOVERY_HEARTBEAT = "heartbeat";
    /** A FINISHED run with no evaluation after the evaluation timeout: its final best checkpoint is published again. */
    public static final String RECOVERY_EVALUATION = "evaluation";
    /** A PENDING run of a study whose dataset is there (its request was never published): it is requested. */
    public static final String RECOVERY_PENDING = "pending";
    /** A FINISHED run whose evaluation failed, retried by hand: its final best checkpoint is published again. */
    public static final String RECOVERY_EVALUATION_RETRY = "evaluation-retry";

    /**
     * Something the watchdog should recover: a run to request again ({@code spec}) or a checkpoint to publish again
     * ({@code checkpoint}, with the dataset id the evaluator needs).
     */
    public record Stuck(String kind, @Nullable String studyId, String runId, @Nullable RunSpec spec,
            @Nullable CheckpointView checkpoint, @Nullable String datasetId, String why) {}

    /** What the watchdog should recover now; a run recovered {@code maxRecoveries} times in a kind is left alone. */
    public synchronized List<Stuck> stuck(Instant now, java.time.Duration heartbeatTimeout,
            java.time.Duration evaluationTimeout, java.time.Duration pendingGrace, int maxRecoveries) {
        List<Stuck> out = new ArrayList<>();
        for (StudyEntry s : studies.values()) {
            String datasetId = datasetIdOf(s);
            boolean datasetThere = datasetId != null && (datasets.get(datasetId) == null
                    ? s.expansion != null && s.expansion.datasetId() != null || s.runIds.stream()
                            .anyMatch(id -> runs.get(id).requested)
                    : datasets.get(datasetId).status == DatasetStatus.READY);
            boolean pendingDue = !s.submittedAt.plus(pendingGrace).isAfter(now);
            for (String id : s.runIds) {
                RunEntry r = runs.get(id);
                if (r.phase == RunPhase.RUNNING && r.recoveries(RECOVERY_HEARTBEAT) < maxRecoveries) {
                    Instant last = newest(newest(r.statusTime, r.lastProgressTime), r.lastRecoveryAt);
                    RunSpec spec = specToRequest(s, r);
                    if (spec != null && last != null && !last.plus(heartbeatTimeout).isAfter(now)) {
                        out.add(new Stuck(RECOVERY_HEARTBEAT, s.id, id, spec, null, spec.datasetId(),
                                "RUNNING, no progress or status since " + last));
                    }
                } else if (r.phase == RunPhase.FINISHED && r.evaluation == null
                        && r.recoveries(RECOVERY_EVALUATION) < maxRecoveries) {
                    CheckpointView best = r.finalBest();
                    if (best != null) {
                        Instant last = newest(newest(r.statusTime, best.time()), r.lastRecoveryAt);
                        if (!last.plus(evaluationTimeout).isAfter(now)) {
                            out.add(new Stuck(RECOVERY_EVALUATION, s.id, id, null, best,
                                    r.spec != null ? r.spec.datasetId() : datasetId,
                                    "FINISHED, no evaluation since " + last));
                        }
                    }
                } else if (r.phase == RunPhase.PENDING && r.planned != null && datasetThere && pendingDue
                        && r.recoveries(RECOVERY_PENDING) < maxRecoveries) {
                    out.add(new Stuck(RECOVERY_PENDING, s.id, id, r.planned.specFor(datasetId), null, datasetId,
                            "PENDING since " + s.submittedAt + " although dataset " + datasetId + " is there"));
                }
            }
        }
        return out;
    }

    /** The run's final best checkpoint and the dataset id, if its evaluation failed (a retry evaluates again). */
    public synchronized Optional<Stuck> failedEvaluation(String runId) {
        RunEntry r = runs.get(runId);
        if (r == null || r.phase != RunPhase.FINISHED || r.evaluation == null
                || !"FAILED".equals(r.evaluation.status()) || r.finalBest() == null) {
            return Optional.empty();
        }
        StudyEntry s = r.studyId == null ? null : studies.get(r.studyId);
        String datasetId = r.spec != null ? r.spec.datasetId() : s == null ? null : datasetIdOf(s);
        return Optional.of(new Stuck(RECOVERY_EVALUATION_RETRY, r.studyId, runId, null, r.finalBest(), datasetId,
                "evaluation failed: " + r.evaluation.reason()));
    }

    /** Runs of the study whose evaluation failed (a study retry evaluates them again). */
    public synchronized List<String> failedEvaluations(String studyId) {
        StudyEntry s = studies.get(studyId);
        return s == null ? List.of() : s.runIds.stream().filter(id -> failedEvaluation(id).isPresent()).toList();
    }

    /**
     * Records a recovery (the watchdog's own publish, or its record read back from Kafka: the same event id counts
     * once); true if it was new.
     */
    public synchronized boolean recovered(String eventId, String runId, String kind, Instant time) {
        if (!seenRecoveries.add(eventId)) {
            return false;
        }
        RunEntry r = runs.computeIfAbsent(runId, RunEntry::new);
        r.recoveries.merge(kind, 1, Integer::sum);
        r.lastRecoveryAt = newest(r.lastRecoveryAt, time);
        return true;
    }

    /** Recoveries of every run, by kind (the status JSON and tests). */
    public synchronized Map<String, Integer> recoveriesByKind() {
        Map<String, Integer> m = new TreeMap<>();
        runs.values().forEach(r -> r.recoveries.forEach((k, v) -> m.merge(k, v, Integer::sum)));
        return m;
    }

    private static Instant newest(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
    }

    public synchronized Optional<DatasetView> dataset(String datasetId) {
        DatasetEntry d = datasets.get(datasetId);
        return d == null ? Optional.empty() : Optional.of(new DatasetView(d.id, d.status, d.summary, d.readyAt,
                d.reason));
    }

    /** Ready datasets, newest first. */
    public synchronized List<DatasetView> readyDatasets() {
        return datasets.values().stream().filter(d -> d.status == DatasetStatus.READY)
                .sorted(Comparator.comparing((DatasetEntry d) -> d.readyAt).reversed())
                .map(d -> new DatasetView(d.id, d.status, d.summary, d.readyAt, d.reason)).toList();
    }

    public synchronized Optional<DatasetFailed> datasetFailure(String requestId) {
        return Optional.ofNullable(datasetFailures.get(requestId));
    }

    public record DatasetView(String id, DatasetStatus status, @Nullable DatasetSummary summary,
            @Nullable Instant readyAt, @Nullable String reason) {}

    // ---- helpers -------------------------------------------------------------------------------------------------

    private RunSpec specToRequest(StudyEntry s, RunEntry r) {
        if (r.spec != null) {
            return r.spec;
        }
        String datasetId = datasetIdOf(s);
        return r.planned == null || datasetId == null ? null : r.planned.specFor(datasetId);
    }

    private String datasetIdOf(StudyEntry s) {
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

    private String datasetStatusOf(StudyEntry s) {
        String id = datasetIdOf(s);
        if (id != null) {
            DatasetEntry d = datasets.get(id);
            return d == null ? (s.runIds.stream().anyMatch(r -> runs.get(r).requested) ? "READY" : "UNKNOWN")
                    : d.status.name();
        }
        return datasetFailures.containsKey(s.id) ? "FAILED" : "REQUESTED";
    }

    private String datasetReasonOf(StudyEntry s) {
        DatasetFailed f = datasetFailures.get(s.id);
        if (datasetIdOf(s) == null && f != null) {
            return f.reason();
        }
        String id = datasetIdOf(s);
        DatasetEntry d = id == null ? null : datasets.get(id);
        return d == null ? null : d.reason;
    }

    private String labelOf(RunEntry r) {
        StudyEntry s = r.studyId == null ? null : studies.get(r.studyId);
        if (s == null || s.expansion == null || r.configKey == null) {
            return null;
        }
        return s.expansion.configurations().stream().filter(c -> c.key().equals(r.configKey)).map(Configuration::label)
                .findFirst().orElse(null);
    }

    private RunStatusView statusView(RunEntry r) {
        return new RunStatusView(r.runId, r.configKey, labelOf(r), r.seed == null ? -1 : r.seed, r.phase, r.epoch,
                r.epochs, r.phase.isTerminal() ? null : r.eta, r.reason, r.isEvaluated(), r.attempts, r.statusTime,
                r.recoveries.values().stream().mapToInt(Integer::intValue).sum());
    }

    private static Map<RunPhase, Integer> byPhase(List<RunEntry> rs) {
        Map<RunPhase, Integer> m = new EnumMap<>(RunPhase.class);
        for (RunEntry r : rs) {
            m.merge(r.phase, 1, Integer::sum);
        }
        return m;
    }

    private static final class StudyEntry {
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

    private static final class RunEntry {
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
                if (c.isFinal() && CheckpointPublished.KIND_BEST.equals(c.kind())
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

    private static final class DatasetEntry {
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
