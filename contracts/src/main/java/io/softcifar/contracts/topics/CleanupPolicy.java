package io.softcifar.contracts.topics;

import java.util.Locale;

/** Kafka's {@code cleanup.policy}: streams of happenings are deleted by age; state is compacted to the latest per key. */
public enum CleanupPolicy {
    DELETE,
    COMPACT;

    /** The value of {@code cleanup.policy}: "delete" or "compact". */
    public String kafkaValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
