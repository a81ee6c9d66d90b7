package io.softcifar.results.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.softcifar.contracts.Nullable;
import io.softcifar.contracts.dataset.DatasetSummary;
import io.softcifar.contracts.events.DatasetFailed;
import io.softcifar.contracts.events.DatasetStatus;
import io.softcifar.contracts.events.EventEnvelope;
import io.softcifar.contracts.events.FencingTokens;
import io.softcifar.contracts.spec.DatasetSpec;
import io.softcifar.contracts.spec.RunSpec;
import io.softcifar.contracts.study.StudyExpander;
import io.softcifar.results.compare.Comparison;
import io.softcifar.results.compare.ComparisonInput;
import io.softcifar.results.service.ViewModel.CheckpointView;
import io.softcifar.results.service.ViewModel.RunDetail;
import io.softcifar.results.service.ViewModel.RunStatusView;
import io.softcifar.results.service.ViewModel.StudyDetail;
import io.softcifar.results.service.ViewModel.StudySummary;
import io.softcifar.results.service.ViewState.RunEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
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
 * <p>Jobs. This class is the thread-safe face and the listener hub; the state is {@link ViewState}, folded by
 * {@link EventFolder}; {@link ViewQueries} builds the REST read models, {@link ComparisonInputs} a study's comparison
 * input, and {@link RunPlanner} decides which runs to request, retry, cancel or recover (the watchdog).
 *
 * <p>Thread-safe: every method locks the view; listeners are called under the lock and must return quickly.
 */
public final class ResultsView {

    private static final Logger LOG = Logger.getLogger(ResultsView.class);

    /** What changed, for listeners (the SSE stream, the dataset coordinator). */
    public record Change(
            String type,
            @Nullable String studyId,
            @Nullable String runId,
            EventEnvelope event,
            @Nullable RunStatusView run) {}

    /** A study waiting for its dataset: by id, or by a spec whose dataset id is not known yet. */
    public record PendingStudy(
            String studyId,
            Instant submittedAt,
            @Nullable String datasetId,
            @Nullable DatasetSpec datasetSpec) {}

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
    public record Stuck(
            String kind,
            @Nullable String studyId,
            String runId,
            @Nullable RunSpec spec,
            @Nullable CheckpointView checkpoint,
            @Nullable String datasetId,
            String why) {}

    public record DatasetView(
            String id,
            DatasetStatus status,
            @Nullable DatasetSummary summary,
            @Nullable Instant readyAt,
            @Nullable String reason) {}

    private final ViewState state = new ViewState();
    private final EventFolder folder;
    private final ViewQueries queries = new ViewQueries(state);
    private final ComparisonInputs comparisons = new ComparisonInputs(state);
    private final RunPlanner planner = new RunPlanner(state);
    private final List<Consumer<Change>> listeners = new CopyOnWriteArrayList<>();

    public ResultsView(StudyExpander expander) {
        this.folder = new EventFolder(expander, state);
    }

    public void addListener(Consumer<Change> listener) {
        listeners.add(listener);
    }

    public void removeListener(Consumer<Change> listener) {
        listeners.remove(listener);
    }

    /** Folds one event in; unknown or irrelevant events are ignored. */
    public void apply(EventEnvelope e) {
        Change change;
        synchronized (this) {
            change = folder.apply(e);
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

    // ---- studies, runs, datasets (ViewQueries) -------------------------------------------------------------------

    /** Stale lease-holder events ignored so far (see the class comment), by event type. */
    public synchronized long fenced(String type) {
        return state.fenced.getOrDefault(type, 0L);
    }

    public synchronized boolean hasStudy(String studyId) {
        return state.studies.containsKey(studyId);
    }

    public synchronized Optional<JsonNode> definition(String studyId) {
        return Optional.ofNullable(state.studies.get(studyId)).map(s -> s.definition);
    }

    public synchronized int studyCount() {
        return state.studies.size();
    }

    /** Runs of all studies in a phase (the metrics gauges). */
    public synchronized int countRuns(RunPhase phase) {
        return queries.countRuns(phase);
    }

    public synchronized List<StudySummary> studies() {
        return queries.studies();
    }

    public synchronized Optional<StudyDetail> study(String studyId) {
        return queries.study(studyId);
    }

    public synchronized Optional<RunDetail> run(String runId) {
        return queries.run(runId);
    }

    public synchronized Optional<RunPhase> phase(String runId) {
        RunEntry r = state.runs.get(runId);
        return r == null || (r.studyId == null && !r.requested) ? Optional.empty() : Optional.of(r.phase);
    }

    public synchronized Optional<DatasetView> dataset(String datasetId) {
        return queries.dataset(datasetId);
    }

    /** Ready datasets, newest first. */
    public synchronized List<DatasetView> readyDatasets() {
        return queries.readyDatasets();
    }

    public synchronized Optional<DatasetFailed> datasetFailure(String requestId) {
        return Optional.ofNullable(state.datasetFailures.get(requestId));
    }

    // ---- comparison (ComparisonInputs) ---------------------------------------------------------------------------

    /** The input of the comparison: configurations in grid order, every run with its metrics if evaluated. */
    public synchronized Optional<ComparisonInput> comparisonInput(String studyId) {
        return comparisons.comparisonInput(studyId);
    }

    public synchronized Optional<Comparison> comparison(String studyId) {
        return comparisonInput(studyId).map(Comparison::of);
    }

    // ---- requests, retries, cancels and the watchdog (RunPlanner) ------------------------------------------------

    /** Studies that wait for their dataset: no run requested yet, not given up. */
    public synchronized List<PendingStudy> pendingStudies() {
        return planner.pendingStudies();
    }

    /** The runs to request once the study's dataset is {@code datasetId}: PENDING ones, with their specs. */
    public synchronized Map<String, RunSpec> runsToRequest(String studyId, String datasetId) {
        return planner.runsToRequest(studyId, datasetId);
    }

    /** Marks that this instance published the study's training requests (they reach the view through Kafka). */
    public synchronized void markRunsRequested(String studyId, String datasetId) {
        planner.markRunsRequested(studyId, datasetId);
    }

    /** The study's runs to retry: failed or cancelled, with the spec to request again. */
    public synchronized Map<String, RunSpec> retryable(String studyId) {
        return planner.retryable(studyId);
    }

    /** Runs of the study that have not ended (cancel targets). */
    public synchronized List<String> liveRuns(String studyId) {
        return planner.liveRuns(studyId);
    }

    /** What the watchdog should recover now; a run recovered {@code maxRecoveries} times in a kind is left alone. */
    public synchronized List<Stuck> stuck(
            Instant now,
            Duration heartbeatTimeout,
            Duration evaluationTimeout,
            Duration pendingGrace,
            int maxRecoveries) {
        return planner.stuck(now, heartbeatTimeout, evaluationTimeout, pendingGrace, maxRecoveries);
    }

    /** The run's final best checkpoint and the dataset id, if its evaluation failed (a retry evaluates again). */
    public synchronized Optional<Stuck> failedEvaluation(String runId) {
        return planner.failedEvaluation(runId);
    }

    /** Runs of the study whose evaluation failed (a study retry evaluates them again). */
    public synchronized List<String> failedEvaluations(String studyId) {
        return planner.failedEvaluations(studyId);
    }

    /**
     * Records a recovery (the watchdog's own publish, or its record read back from Kafka: the same event id counts
     * once); true if it was new.
     */
    public synchronized boolean recovered(String eventId, String runId, String kind, Instant time) {
        return planner.recovered(eventId, runId, kind, time);
    }

    /** Recoveries of every run, by kind (the status JSON and tests). */
    public synchronized Map<String, Integer> recoveriesByKind() {
        return planner.recoveriesByKind();
    }
}
