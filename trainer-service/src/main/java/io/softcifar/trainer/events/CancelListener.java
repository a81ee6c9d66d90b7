package io.softcifar.trainer.events;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.softcifar.contracts.events.EventEnvelope;
import io.softcifar.contracts.events.TrainingCancelRequested;
import io.softcifar.contracts.topics.Topics;
import io.softcifar.service.events.ListenerLifecycle;
import io.softcifar.trainer.config.TrainerSettings;
import io.softcifar.trainer.service.TrainerService;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

/**
 * Consumes {@code training.cancel_requested} in a consumer group of this replica alone ({@code <prefix>-<uuid>},
 * reading from the latest offset): every replica sees every cancel, and the one where the run trains sets its flag.
 * The run stops after its current step. Every replica also records the request in the bucket ({@code CancelMarker}),
 * so that a run still queued when the cancel came ends as cancelled when its request is consumed, without training.
 *
 * <p>A second, durable consumer (group {@code <prefix>-markers}, shared, from the earliest offset) writes the same
 * marker, so a cancel published while no trainer runs at all is not lost: the first trainer to start records it, and a
 * run that started meanwhile sees the marker at its next epoch.
 */
@ApplicationScoped
public class CancelListener {

    private static final Logger LOG = Logger.getLogger(CancelListener.class);

    @Inject
    TrainerService service;

    @Inject
    TrainerSettings settings;

    @Inject
    ListenerLifecycle consumers;

    void start(@Observes @Priority(90) StartupEvent event) {
        // durable: one group shared by all replicas, from the earliest record, offsets committed. A cancel published
        // while no trainer runs is read by the first one that starts, which writes the run's marker to the bucket,
        // so the run's queued request ends as cancelled and a run already training stops at its next epoch.
        consumers.start(consumers
                .consumer(settings.controlGroupPrefix() + "-markers", Topics.TRAINING_CONTROL, this::remember)
                .autoOffsetReset("earliest")
                .slots(1));
        // broadcast: a group of its own per replica, from now on: every replica sees every cancel at once and
        // stops the run if it trains it here
        consumers.start(consumers
                .consumer(
                        settings.controlGroupPrefix() + "-" + UUID.randomUUID(), Topics.TRAINING_CONTROL, this::handle)
                .autoOffsetReset("latest")
                .slots(1));
    }

    void stop(@Observes ShutdownEvent event) {
        consumers.stop(Duration.ofSeconds(5));
    }

    /** The durable group's handler: the marker in the bucket. */
    void remember(EventEnvelope envelope, ConsumerRecord<String, String> record) {
        // no flag here: this may be an old cancel replayed, and the run now training a later retry; the run compares
        // the marker's time with its request's at every epoch (RunExecutor)
        rememberCancel(envelope, record);
    }

    void handle(EventEnvelope envelope, ConsumerRecord<String, String> record) {
        TrainingCancelRequested cancel = rememberCancel(envelope, record);
        if (cancel == null) {
            return;
        }
        String runId = cancel.runId();
        String reason = cancel.reason() == null ? "cancel requested" : cancel.reason();
        if (service.registry().cancel(runId, reason)) {
            LOG.infof("run %s: cancel requested (%s); stopping after the current step", runId, reason);
        } else {
            LOG.debugf("run %s: not training on this replica; the cancel is remembered for its request", runId);
        }
    }

    /**
     * Writes the cancel's marker to the bucket, for a run that is queued (or training elsewhere and redelivered
     * later); null (logged, not dead-lettered) when the record is not a cancel: every replica sees this topic, and
     * dead-lettering would write one copy per replica.
     */
    private TrainingCancelRequested rememberCancel(EventEnvelope envelope, ConsumerRecord<String, String> record) {
        var cancel = envelope.payloadAs(TrainingCancelRequested.class);
        if (cancel.isEmpty()) {
            LOG.warnf(
                    "ignoring %s on %s (only %s is expected)",
                    envelope.type(), record.topic(), TrainingCancelRequested.TYPE);
            return null;
        }
        service.executor()
                .rememberCancel(
                        cancel.get().runId(), envelope.time(), cancel.get().reason());
        return cancel.get();
    }
}
