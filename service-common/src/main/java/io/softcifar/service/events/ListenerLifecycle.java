package io.softcifar.service.events;

import io.softcifar.contracts.events.Event;
import io.softcifar.contracts.events.EventEnvelope;
import io.softcifar.contracts.events.EventTypes;
import io.softcifar.service.kafka.ConsumerRetrySettings;
import io.softcifar.service.kafka.KafkaSettings;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The consumers of one Kafka listener and their lifecycle, so that every listener (dataset requests, training
 * requests, cancels, checkpoints) builds, starts, reports and stops its {@link EventConsumer}s the same way.
 *
 * <p>A listener injects one ({@code @Inject ListenerLifecycle consumers}; dependent scope, so each listener has its
 * own), builds each consumer with {@link #consumer}, which carries the service's broker and security settings
 * ({@link KafkaSettings}), its retry budget ({@link ConsumerRetrySettings}) and its dead-letter publisher, adds what
 * is its own (give-up hook, slots, offset reset), and {@link #start}s it from its startup observer. Its shutdown
 * observer calls {@link #stop}; health checks ask {@link #isConsuming} and {@link #inProgress}.
 */
@Dependent
public class ListenerLifecycle {

    @Inject
    KafkaSettings kafka;

    @Inject
    ConsumerRetrySettings retry;

    @Inject
    EventPublisher publisher;

    private final List<EventConsumer> consumers = new CopyOnWriteArrayList<>();

    /** For CDI. */
    public ListenerLifecycle() {}

    /** Outside CDI (tools, tests). */
    // Field injection for CDI; outside CDI this constructor sets the same fields (one bean shape in both worlds).
    @SuppressWarnings("UnnecessaryAssignment")
    public ListenerLifecycle(KafkaSettings kafka, ConsumerRetrySettings retry, EventPublisher publisher) {
        this.kafka = kafka;
        this.retry = retry;
        this.publisher = publisher;
    }

    /**
     * A consumer of {@code topic} in group {@code groupId} handing records to {@code handler}, with this service's
     * broker settings, retry budget and dead-letter publisher; not started.
     *
     * @throws IllegalArgumentException naming the property, when the retry budget is out of range
     */
    public EventConsumer.Builder consumer(String groupId, String topic, EventConsumer.Handler handler) {
        return retry.applyTo(EventConsumer.builder())
                .kafka(kafka)
                .groupId(groupId)
                .topics(List.of(topic))
                .handler(handler)
                .deadLetters(publisher);
    }

    /** Builds and starts the consumer; {@link #stop} closes it. */
    public EventConsumer start(EventConsumer.Builder builder) {
        EventConsumer consumer = builder.build().start();
        consumers.add(consumer);
        return consumer;
    }

    /** True once a consumer was started (a listener may decide not to consume, e.g. without a usable device). */
    public boolean started() {
        return !consumers.isEmpty();
    }

    /** True while every started consumer polls, and at least one was started (liveness, readiness). */
    public boolean isConsuming() {
        return started() && consumers.stream().allMatch(EventConsumer::isRunning);
    }

    /** Records being handled right now, over all consumers. */
    public int inProgress() {
        return consumers.stream().mapToInt(EventConsumer::inProgress).sum();
    }

    /**
     * Closes the consumers in the order they were started, each waiting up to {@code grace} for its handlers in
     * progress (then interrupting them); records not finished stay uncommitted and are delivered again.
     */
    public void stop(Duration grace) {
        for (EventConsumer consumer : consumers) {
            consumer.close(grace);
        }
        consumers.clear();
    }

    /**
     * The payload of {@code envelope} as the one type a listener's topic carries; any other type is rejected (the
     * record goes to the dead-letter topic with the reason "expected X on topic, got Y").
     */
    public static <T extends Event> T expect(
            EventEnvelope envelope, ConsumerRecord<String, String> record, Class<T> type) {
        return envelope.payloadAs(type)
                .orElseThrow(() -> new RejectedEventException(
                        "expected " + EventTypes.typeOf(type) + " on " + record.topic() + ", got " + envelope.type()));
    }
}
