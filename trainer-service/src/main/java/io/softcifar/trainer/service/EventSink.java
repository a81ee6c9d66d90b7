package io.softcifar.trainer.service;

import io.softcifar.contracts.events.EventEnvelope;

/** Where a run's events go: Kafka in the service ({@code EventPublisher}), a plain producer in plain tests. */
@FunctionalInterface
public interface EventSink {

    /** Publishes {@code event} to {@code topic} under {@code key}; returns only once the broker has it. */
    void publish(String topic, String key, EventEnvelope event);
}
