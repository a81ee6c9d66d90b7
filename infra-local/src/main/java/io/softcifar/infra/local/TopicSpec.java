package io.softcifar.infra.local;

import java.util.Map;
import java.util.Objects;

/**
 * A topic to create: its name, partition count and topic-level configs ({@code cleanup.policy}, {@code retention.ms},
 * …). The replication factor is always 1: every broker this module starts is a single node.
 */
public record TopicSpec(String name, int partitions, Map<String, String> configs) {

    public TopicSpec {
        Objects.requireNonNull(name, "topic name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("Topic name must not be blank");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("Topic '" + name + "' needs at least 1 partition, got " + partitions);
        }
        configs = Map.copyOf(configs == null ? Map.of() : configs);
    }

    public static TopicSpec of(String name, int partitions) {
        return new TopicSpec(name, partitions, Map.of());
    }

    /** A log-compacted topic: the broker keeps the latest record per key (state topics, "latest status" views). */
    public static TopicSpec compacted(String name, int partitions) {
        return new TopicSpec(name, partitions, Map.of("cleanup.policy", "compact"));
    }
}
