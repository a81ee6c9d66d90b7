package io.softcifar.service.events;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.BooleanSupplier;

/**
 * What the parts of one {@link EventConsumer} share: its group (in logs, headers and metric tags), where its counters
 * go, its retry budget, and whether it still runs (false once {@link EventConsumer#close} began).
 */
record ConsumerContext(String groupId, MeterRegistry registry, Backoff backoff, BooleanSupplier running) {

    boolean isRunning() {
        return running.getAsBoolean();
    }

    /** Adds one to the counter {@code name} tagged with this group, {@code topic} and the extra tag pairs. */
    void count(String name, String topic, String... extraTags) {
        Counter.builder(name)
                .tag("group", groupId)
                .tag("topic", topic)
                .tags(extraTags)
                .register(registry)
                .increment();
    }
}
