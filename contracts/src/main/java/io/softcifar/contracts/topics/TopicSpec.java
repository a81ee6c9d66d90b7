package io.softcifar.contracts.topics;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One Kafka topic: how to create it and what travels on it.
 *
 * @param name          topic name
 * @param partitions    partition count (the parallelism of its consumers)
 * @param replication   replication factor; 1 for a single broker, raise it per deployment with {@link #withReplication}
 * @param cleanupPolicy delete (a stream of happenings) or compact (state: the latest record per key)
 * @param retentionMs   how long records are kept; -1 (forever) for compacted topics
 * @param key           what the record key is, and why
 * @param eventTypes    the envelope types carried
 * @param producers     who writes it
 * @param consumers     who reads it (each of those topics has a dead-letter topic)
 */
public record TopicSpec(
        String name,
        int partitions,
        int replication,
        CleanupPolicy cleanupPolicy,
        long retentionMs,
        String key,
        List<String> eventTypes,
        Set<Service> producers,
        Set<Service> consumers) {

    public static final String DEAD_LETTER_SUFFIX = ".dlq";
    public static final long RETENTION_FOREVER = -1;

    /** Kafka's legal topic characters; '.' is used as the separator (so '_' is avoided: Kafka treats the two alike). */
    private static final Pattern NAME = Pattern.compile("[a-z0-9.-]{1,249}");

    public TopicSpec {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("topic name: lower-case letters, digits, '.' and '-' only, got " + name);
        }
        if (partitions < 1 || replication < 1) {
            throw new IllegalArgumentException(name + ": partitions and replication must be >= 1");
        }
        if (cleanupPolicy == CleanupPolicy.COMPACT && retentionMs != RETENTION_FOREVER) {
            throw new IllegalArgumentException(name + ": a compacted topic keeps its state forever (retentionMs -1)");
        }
        if (cleanupPolicy == CleanupPolicy.DELETE && retentionMs <= 0) {
            throw new IllegalArgumentException(name + ": a deleting topic needs a retention > 0");
        }
        eventTypes = List.copyOf(eventTypes);
        producers = Set.copyOf(producers);
        consumers = Set.copyOf(consumers);
    }

    public boolean isCompacted() {
        return cleanupPolicy == CleanupPolicy.COMPACT;
    }

    public boolean isDeadLetter() {
        return name.endsWith(DEAD_LETTER_SUFFIX);
    }

    /** The topic configs to create it with ({@code cleanup.policy}, {@code retention.ms}). */
    public Map<String, String> kafkaConfig() {
        return Map.of("cleanup.policy", cleanupPolicy.kafkaValue(), "retention.ms", Long.toString(retentionMs));
    }

    public TopicSpec withReplication(int factor) {
        return new TopicSpec(
                name, partitions, factor, cleanupPolicy, retentionMs, key, eventTypes, producers, consumers);
    }
}
