package io.softcifar.results.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.softcifar.contracts.events.Correlation;
import io.softcifar.contracts.events.DatasetFailed;
import io.softcifar.contracts.events.DatasetReady;
import io.softcifar.contracts.events.DatasetRequested;
import io.softcifar.contracts.events.DatasetStatus;
import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.events.EventEnvelope;
import io.softcifar.contracts.events.StudySubmitted;
import io.softcifar.contracts.spec.FieldError;
import io.softcifar.contracts.spec.RunSpec;
import io.softcifar.contracts.study.Expansion;
import io.softcifar.contracts.study.StudyExpander;
import io.softcifar.contracts.study.StudyRequest;
import io.softcifar.contracts.topics.Topics;
import io.softcifar.results.config.ResultsSettings;
import io.softcifar.results.events.ViewFollower;
import io.softcifar.service.events.EventPublisher;
import io.softcifar.service.kafka.KafkaSettings;
import io.softcifar.service.lifecycle.DaemonThreads;
import io.softcifar.service.rest.NotReadyException;
import io.softcifar.storage.ObjectStore;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The study workflow: submit (validate, publish the study, request its dataset or its runs), retry, cancel, and
 * starting a waiting study's runs once its dataset is ready. Owns this instance's {@link ResultsView} and the
 * {@link ViewFollower} that rebuilds it from Kafka on start.
 *
 * <p><b>Waiting for a dataset.</b> A study that names a {@code datasetId} whose dataset is ready is requested at
 * once. A study that gives a dataset <em>spec</em> sends {@code dataset.requested} (request id = study id) and
 * waits: the dataset service answers with {@code dataset.ready} on the dataset-state topic, keyed by the
 * content-addressed dataset id, which the results service cannot compute (it hashes the input files). The study's
 * dataset is therefore the first ready dataset, announced after the study was submitted, whose manifest's spec has
 * the same canonical JSON ({@code DatasetSpec.canonicalJson()}, source locations left out) as the study's. A
 * {@code dataset.failed} with the study id as request id marks the study's dataset FAILED (retry asks again).
 *
 * <p><b>After a restart</b> the view is rebuilt first; then every study with no run requested yet is checked
 * against the ready datasets, so a dataset that became ready while no instance was up still starts the study.
 * Several replicas may do this at the same moment and publish the same training requests twice; the trainer
 * ignores a request for a run it is training or has ended, so the duplicate costs nothing.
 *
 * <p>Parts: {@link StudyValidator} checks a request before anything is published; {@link DatasetMatcher} finds a
 * waiting study's ready dataset; {@link RunControl} publishes what concerns one run (its request, a cancel, a retry,
 * a recovery).
 */
@ApplicationScoped
public class StudyService {

    private static final Logger LOG = Logger.getLogger(StudyService.class);

    @Inject
    EventPublisher publisher;

    @Inject
    KafkaSettings kafka;

    @Inject
    ResultsSettings settings;

    @Inject
    ObjectStore store;

    @Inject
    MeterRegistry registry;

    /** The object store (read-only use: dataset manifests, a run's artifacts). */
    public ObjectStore store() {
        return store;
    }

    private ResultsView view;
    private StudyExpander expander;
    private ViewFollower follower;
    private StudyValidator validator;
    private DatasetMatcher datasets;
    private RunControl runs;
    private final ExecutorService coordinator =
            Executors.newSingleThreadExecutor(DaemonThreads.named("results-dataset-coordinator"));

    // The thenRun stage below is fire-and-forget: its action only hands work to the coordinator.
    @SuppressWarnings("FutureReturnValueIgnored")
    void start(@Observes @Priority(200) StartupEvent event) {
        expander = new StudyExpander(settings.maxRuns());
        view = new ResultsView(expander);
        validator = new StudyValidator(expander, view, store);
        datasets = new DatasetMatcher(view, store);
        runs = new RunControl(publisher, view, registry);
        view.addListener(change -> {
            if (follower != null
                    && follower.caughtUp().isDone()
                    && (change.type().equals(DatasetReady.TYPE) || change.type().equals(DatasetFailed.TYPE))) {
                coordinator.execute(this::startWaitingStudies);
            }
        });
        follower = new ViewFollower(kafka.clientProperties(), view, "results-view").start();
        follower.caughtUp().thenRun(() -> coordinator.execute(this::startWaitingStudies));
    }

    void stop(@Observes ShutdownEvent event) {
        if (follower != null) {
            follower.close();
        }
        coordinator.shutdownNow();
    }

    public ResultsView view() {
        return view;
    }

    public ViewFollower follower() {
        return follower;
    }

    /** Cancelling, retrying and recovering single runs. */
    public RunControl runs() {
        return runs;
    }

    /** The outcome of a submission: the study, and whether it was created now (or existed with this definition). */
    public record Submitted(String studyId, boolean created) {}

    /**
     * Validates the whole request as {@link #submit} does and returns its expansion, publishing nothing (the dry run
     * of {@code POST /api/studies?dryRun=true}).
     *
     * @throws StudyValidationException with every problem (400)
     */
    public Expansion plan(StudyRequest request) {
        awaitView();
        return validator.validated(request);
    }

    /**
     * Validates the whole request, then publishes the study and its dataset or training requests.
     *
     * @throws StudyValidationException with every problem (400), or 409 if the id is taken by another definition
     */
    public Submitted submit(StudyRequest request) {
        awaitView();
        Expansion expansion = validator.validated(request);
        JsonNode definition = EventCodec.json().valueToTree(request);
        Optional<JsonNode> existing = view.definition(expansion.studyId());
        if (existing.isPresent()) {
            if (EventCodec.toCanonicalJson(existing.get()).equals(EventCodec.toCanonicalJson(definition))) {
                return new Submitted(expansion.studyId(), false);
            }
            throw new StudyValidationException(
                    409,
                    List.of(new FieldError(
                            "id",
                            "study '" + expansion.studyId()
                                    + "' exists with another definition; choose another id (or leave id out)")));
        }
        List<String> runIds = expansion.runs().stream().map(r -> r.runId()).toList();
        EventEnvelope study = EventEnvelope.of(
                new StudySubmitted(expansion.studyId(), expansion.name(), definition, runIds),
                new Correlation(expansion.studyId(), null, expansion.datasetId()));
        publisher.publish(Topics.STUDIES, expansion.studyId(), study);
        view.apply(study);
        if (expansion.datasetSpec() != null) {
            EventEnvelope ask = EventEnvelope.of(
                    new DatasetRequested(expansion.studyId(), expansion.datasetSpec()),
                    new Correlation(expansion.studyId(), null, null));
            publisher.publish(Topics.DATASET_REQUESTS, expansion.studyId(), ask);
            LOG.infof(
                    "study %s: %d runs wait for their dataset (request %s)",
                    expansion.studyId(), runIds.size(), expansion.studyId());
        } else if (view.dataset(expansion.datasetId())
                .map(d -> d.status() == DatasetStatus.IMPORTING)
                .orElse(false)) {
            LOG.infof(
                    "study %s: %d runs wait for dataset %s (importing)",
                    expansion.studyId(), runIds.size(), expansion.datasetId());
        } else {
            requestRuns(expansion.studyId(), expansion.datasetId());
        }
        return new Submitted(expansion.studyId(), true);
    }

    /** Publishes a training request for every PENDING run of the study. */
    private synchronized void requestRuns(String studyId, String datasetId) {
        Map<String, RunSpec> toRequest = view.runsToRequest(studyId, datasetId);
        view.markRunsRequested(studyId, datasetId);
        for (Map.Entry<String, RunSpec> e : toRequest.entrySet()) {
            runs.request(studyId, e.getKey(), e.getValue());
        }
        LOG.infof("study %s: requested %d runs on dataset %s", studyId, toRequest.size(), datasetId);
    }

    /** Starts every waiting study whose dataset is ready now. Runs on the coordinator thread. */
    void startWaitingStudies() {
        try {
            for (ResultsView.PendingStudy study : view.pendingStudies()) {
                datasets.readyDatasetOf(study).ifPresent(datasetId -> requestRuns(study.studyId(), datasetId));
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "starting waiting studies failed: %s", e.getMessage());
        }
    }

    /**
     * Re-publishes the failed or cancelled runs of a study (same run ids), the final checkpoints of runs whose
     * evaluation failed; asks again for a failed dataset. Returns the runs retried.
     */
    public List<String> retry(String studyId) {
        awaitView();
        Map<String, RunSpec> retried = view.retryable(studyId);
        for (Map.Entry<String, RunSpec> e : retried.entrySet()) {
            runs.request(studyId, e.getKey(), e.getValue());
        }
        List<String> evaluations = view.failedEvaluations(studyId);
        evaluations.forEach(runs::retryEvaluation);
        if (!evaluations.isEmpty()) {
            List<String> all = new ArrayList<>(retried.keySet());
            all.addAll(evaluations);
            LOG.infof("study %s: retried %d runs and %d evaluations", studyId, retried.size(), evaluations.size());
            return all;
        }
        if (retried.isEmpty()
                && view.datasetFailure(studyId).isPresent()
                && view.pendingStudies().stream().anyMatch(p -> p.studyId().equals(studyId))) {
            ResultsView.PendingStudy p = view.pendingStudies().stream()
                    .filter(s -> s.studyId().equals(studyId))
                    .findFirst()
                    .orElseThrow();
            if (p.datasetSpec() != null) {
                publisher.publish(
                        Topics.DATASET_REQUESTS,
                        studyId,
                        EventEnvelope.of(
                                new DatasetRequested(studyId, p.datasetSpec()), new Correlation(studyId, null, null)));
            }
        }
        LOG.infof("study %s: retried %d runs", studyId, retried.size());
        return List.copyOf(retried.keySet());
    }

    private void awaitView() {
        try {
            follower.caughtUp().get(settings.rebuildTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new NotReadyException(
                    "the results view is not rebuilt from Kafka yet (" + e.getMessage() + "); try again in a moment",
                    e);
        }
    }
}
