package io.softcifar.results.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.softcifar.contracts.events.CheckpointPublished;
import io.softcifar.contracts.events.Correlation;
import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.events.EventEnvelope;
import io.softcifar.contracts.events.TrainingCancelRequested;
import io.softcifar.contracts.events.TrainingRequested;
import io.softcifar.contracts.spec.RunSpec;
import io.softcifar.contracts.topics.Topics;
import io.softcifar.results.events.ViewFollower;
import io.softcifar.service.events.EventPublisher;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * What the results service publishes about one run, and applies to its own view at once: the training request, a
 * cancel, a retry of the run or of its evaluation, and a watchdog's recovery (counted per kind in
 * {@code softcifar.results.recoveries}). {@link StudyService} does the same for whole studies through it.
 */
public final class RunControl {

    private static final Logger LOG = Logger.getLogger(StudyService.class);

    /** The Kafka header that marks a record published by a recovery; its value is the kind. */
    public static final String RECOVERY_HEADER = ViewFollower.RECOVERY_HEADER;

    private final EventPublisher publisher;
    private final ResultsView view;
    private final MeterRegistry registry;

    RunControl(EventPublisher publisher, ResultsView view, MeterRegistry registry) {
        this.publisher = publisher;
        this.view = view;
        this.registry = registry;
        for (String kind : List.of(
                ResultsView.RECOVERY_HEARTBEAT,
                ResultsView.RECOVERY_EVALUATION,
                ResultsView.RECOVERY_PENDING,
                ResultsView.RECOVERY_EVALUATION_RETRY)) {
            recoveries(kind); // present at 0 from the start
        }
    }

    /** Publishes the training request of a run. */
    void request(String studyId, String runId, RunSpec spec) {
        EventEnvelope request = EventEnvelope.of(
                new TrainingRequested(runId, studyId, spec), Correlation.ofRun(studyId, runId, spec.datasetId()));
        publisher.publish(Topics.TRAINING_REQUESTS, runId, request);
        view.apply(request);
    }

    private Counter recoveries(String kind) {
        return Counter.builder("softcifar.results.recoveries")
                .tag("kind", kind)
                .description("runs re-requested or re-evaluated by the watchdog (or a retry of an evaluation)")
                .register(registry);
    }

    /**
     * Recovers one stuck run: publishes its training request again, or its final best checkpoint (the evaluator
     * evaluates it unless the run has metrics), with a {@value #RECOVERY_HEADER} header; logs, counts and records it.
     */
    public void recover(ResultsView.Stuck stuck) {
        EventEnvelope event;
        String topic;
        if (stuck.checkpoint() != null) {
            ViewModel.CheckpointView c = stuck.checkpoint();
            // with the checkpoint's own fencing token: the evaluator would take an untokened copy for a stale one
            event = EventEnvelope.of(
                    new CheckpointPublished(
                            stuck.runId(),
                            c.epoch(),
                            c.kind(),
                            c.isFinal(),
                            c.key(),
                            c.sha256(),
                            c.bytes(),
                            c.fencingToken()),
                    Correlation.ofRun(stuck.studyId(), stuck.runId(), stuck.datasetId()));
            topic = Topics.CHECKPOINTS;
        } else {
            event = EventEnvelope.of(
                    new TrainingRequested(stuck.runId(), stuck.studyId(), stuck.spec()),
                    Correlation.ofRun(
                            stuck.studyId(), stuck.runId(), stuck.spec().datasetId()));
            topic = Topics.TRAINING_REQUESTS;
        }
        publisher.publishRaw(topic, stuck.runId(), EventCodec.encode(event), Map.of(RECOVERY_HEADER, stuck.kind()));
        view.apply(event);
        view.recovered(event.eventId(), stuck.runId(), stuck.kind(), event.time());
        recoveries(stuck.kind()).increment();
        LOG.warnf(
                "recovery %s of run %s (study %s): %s; published %s %s",
                stuck.kind(), stuck.runId(), stuck.studyId(), stuck.why(), event.type(), event.eventId());
    }

    /** Evaluates a run again whose evaluation failed; false if it has no failed evaluation. */
    public boolean retryEvaluation(String runId) {
        Optional<ResultsView.Stuck> failed = view.failedEvaluation(runId);
        failed.ifPresent(this::recover);
        return failed.isPresent();
    }

    /** Requests a FAILED or CANCELLED run again; false if it is in another phase or has no spec. */
    public boolean retryRun(String runId) {
        Optional<ViewModel.RunDetail> run = view.run(runId);
        if (run.isEmpty() || !run.get().status().isRetryable() || run.get().spec() == null) {
            return false;
        }
        request(run.get().studyId(), runId, run.get().spec());
        return true;
    }

    /** Asks the trainer to stop a run. */
    public void cancel(String runId, String reason) {
        RunSpec spec = view.run(runId).map(r -> r.spec()).orElse(null);
        String studyId = view.run(runId).map(r -> r.studyId()).orElse(null);
        EventEnvelope cancel = EventEnvelope.of(
                new TrainingCancelRequested(runId, reason),
                Correlation.ofRun(studyId, runId, spec == null ? null : spec.datasetId()));
        publisher.publish(Topics.TRAINING_CONTROL, runId, cancel);
        view.apply(cancel);
    }

    /** Asks the trainer to stop every run of the study that has not ended; returns them. */
    public List<String> cancelStudy(String studyId, String reason) {
        List<String> live = view.liveRuns(studyId);
        live.forEach(id -> cancel(id, reason));
        return live;
    }
}
