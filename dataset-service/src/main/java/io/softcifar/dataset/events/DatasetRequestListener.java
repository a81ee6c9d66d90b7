package io.softcifar.dataset.events;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.softcifar.contracts.events.Correlation;
import io.softcifar.contracts.events.DatasetFailed;
import io.softcifar.contracts.events.DatasetRequested;
import io.softcifar.contracts.events.DatasetStatus;
import io.softcifar.contracts.events.EventEnvelope;
import io.softcifar.contracts.spec.FieldError;
import io.softcifar.contracts.spec.InvalidSpecException;
import io.softcifar.contracts.topics.Topics;
import io.softcifar.dataset.config.DatasetSettings;
import io.softcifar.dataset.service.DatasetService;
import io.softcifar.dataset.service.DatasetView;
import io.softcifar.ml.data.InvalidDataException;
import io.softcifar.service.events.EventPublisher;
import io.softcifar.service.events.ListenerLifecycle;
import io.softcifar.service.events.RejectedEventException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

/**
 * Consumes {@code dataset.requested} (a study asking for its data) and answers on the dataset-state topic with
 * {@code dataset.ready} or {@code dataset.failed}, keyed by the dataset id (by the request id when the request was
 * rejected before it had one). The offset is committed only after the import ends, so a crash mid-import means the
 * request is delivered again and the import runs again; an already built dataset is answered at once.
 */
@ApplicationScoped
public class DatasetRequestListener {

    private static final Logger LOG = Logger.getLogger(DatasetRequestListener.class);

    @Inject
    DatasetService service;

    @Inject
    EventPublisher publisher;

    @Inject
    DatasetSettings settings;

    @Inject
    ListenerLifecycle consumers;

    void start(@Observes @Priority(100) StartupEvent event) {
        consumers.start(consumers
                .consumer(settings.consumerGroup(), Topics.DATASET_REQUESTS, this::handle)
                .onGiveUp(this::giveUp)
                .slots(settings.concurrentImports()));
    }

    void stop(@Observes ShutdownEvent event) {
        consumers.stop(Duration.ofSeconds(5));
    }

    /** True while the consumer polls (readiness). */
    public boolean isConsuming() {
        return consumers.isConsuming();
    }

    void handle(EventEnvelope envelope, ConsumerRecord<String, String> record) throws Exception {
        DatasetRequested request = ListenerLifecycle.expect(envelope, record, DatasetRequested.class);
        DatasetService.Submission submission;
        try {
            submission = service.submit(request.spec(), request.requestId());
        } catch (InvalidSpecException e) {
            reject(envelope, request, e.getMessage(), e.errors().get(0).field(), e);
            return;
        } catch (InvalidDataException e) {
            String message = e.getMessage();
            int colon = message.indexOf(": ");
            reject(envelope, request, message, colon > 0 ? message.substring(0, colon) : null, e);
            return;
        }
        DatasetView outcome = submission.outcome().get(); // the import may take minutes; the poll loop keeps going
        if (!submission.started() && outcome.status() == DatasetStatus.READY) {
            service.republishReady(submission.datasetId(), request.requestId()); // this requester gets its answer too
        }
        LOG.infof("request %s: dataset %s is %s", request.requestId(), submission.datasetId(), outcome.status());
    }

    /**
     * Retries exhausted (the object store or the broker away for longer than the budget): the requester gets
     * dataset.failed with the reason instead of waiting for good; asking again (a study retry) imports again.
     */
    void giveUp(EventEnvelope envelope, ConsumerRecord<String, String> record, String reason) {
        envelope.payloadAs(DatasetRequested.class)
                .ifPresent(request -> publishFailed(envelope, request, reason, null, List.of()));
    }

    private void reject(EventEnvelope envelope, DatasetRequested request, String reason, String field, Exception e) {
        publishFailed(envelope, request, reason, field, e instanceof InvalidSpecException s ? s.errors() : List.of());
        throw new RejectedEventException(reason, e);
    }

    /** dataset.failed keyed by the request id: the request was answered before it had a dataset id. */
    private void publishFailed(
            EventEnvelope envelope, DatasetRequested request, String reason, String field, List<FieldError> errors) {
        Correlation correlation =
                envelope.correlation() != null ? envelope.correlation() : new Correlation(null, null, null);
        publisher.publish(
                Topics.DATASET_STATE,
                request.requestId(),
                EventEnvelope.of(new DatasetFailed(null, request.requestId(), reason, field, errors), correlation));
    }
}
