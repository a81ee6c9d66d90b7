package io.softcifar.trainer.events;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.softcifar.contracts.events.EventEnvelope;
import io.softcifar.contracts.events.TrainingCancelRequested;
import io.softcifar.contracts.topics.Topics;
import io.softcifar.service.events.EventConsumer;
import io.softcifar.service.events.EventPublisher;
import io.softcifar.service.kafka.ConsumerRetrySettings;
import io.softcifar.service.kafka.KafkaSettings;
import io.softcifar.trainer.config.TrainerSettings;
import io.softcifar.trainer.service.TrainerService;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
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
    EventPublisher publisher;

    @Inject
    KafkaSettings kafka;

    @Inject
    ConsumerRetrySettings retry;

    @Inject
    TrainerSettings settings;

    private EventConsumer consumer;
    private EventConsumer durable;

    void start(@Observes @Priority(90) StartupEvent event) {
        // durable: one group shared by all replicas, from the earliest record, offsets committed. A cancel published
        // while no trainer runs is read by the first one that starts, which writes the run's marker to the bucket,
        // so the run's queued request ends as cancelled and a run already training stops at its next epoch.
        durable = retry.applyTo(EventConsumer.builder())
                .kafka(kafka)
                .groupId(settings.controlGroupPrefix() + "-markers")
                .topics(List.of(Topics.TRAINING_CONTROL))
                .handler(this::remember)
                .deadLetters(publisher)
                .autoOffsetReset("earliest")
                .slots(1)
                .build()
                .start();
        // broadcast: a group of its own per replica, from now on: every replica sees every cancel at once and
        // stops the run if it trains it here
        consumer = retry.applyTo(EventConsumer.builder())
                .kafka(kafka)
                .groupId(settings.controlGroupPrefix() + "-" + UUID.randomUUID())
                .topics(List.of(Topics.TRAINING_CONTROL))
                .handler(this::handle)
                .deadLetters(publisher)
                .autoOffsetReset("latest")
                .slots(1)
                .build()
                .start();
    }

    void stop(@Observes ShutdownEvent event) {
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(5));
        }
        if (durable != null) {
            durable.close(Duration.ofSeconds(5));
        }
    }

    /** The durable group's handler: the marker in the bucket. */
    void remember(EventEnvelope envelope, ConsumerRecord<String, String> record) {
        var cancel = envelope.payloadAs(TrainingCancelRequested.class);
        if (cancel.isEmpty()) {
            LOG.warnf(
                    "ignoring %s on %s (only %s is expected)",
                    envelope.type(), record.topic(), TrainingCancelRequested.TYPE);
            return;
        }
        String runId = cancel.get().runId();
        // no flag here: this may be an old cancel replayed, and the run now training a later retry; the run compares
        // the marker's time with its request's at every epoch (RunExecutor)
        service.executor().rememberCancel(runId, envelope.time(), cancel.get().reason());
    }

    void handle(EventEnvelope envelope, ConsumerRecord<String, String> record) {
        var cancel = envelope.payloadAs(TrainingCancelRequested.class);
        if (cancel.isEmpty()) {
            // every replica sees this record: dead-lettering it would write one copy per replica
            LOG.warnf(
                    "ignoring %s on %s (only %s is expected)",
                    envelope.type(), record.topic(), TrainingCancelRequested.TYPE);
            return;
        }
        String runId = cancel.get().runId();
        String reason = cancel.get().reason() == null
                ? "cancel requested"
                : cancel.get().reason();
        // remembered in the bucket first, for a run that is queued (or training elsewhere and redelivered later)
        service.executor().rememberCancel(runId, envelope.time(), cancel.get().reason());
        if (service.registry().cancel(runId, reason)) {
            LOG.infof("run %s: cancel requested (%s); stopping after the current step", runId, reason);
        } else {
            LOG.debugf("run %s: not training on this replica; the cancel is remembered for its request", runId);
        }
    }
}
