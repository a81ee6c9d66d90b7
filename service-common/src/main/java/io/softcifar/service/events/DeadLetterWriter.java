package io.softcifar.service.events;

import static io.softcifar.service.events.EventConsumer.DLQ_ATTEMPTS_HEADER;
import static io.softcifar.service.events.EventConsumer.DLQ_GROUP_HEADER;
import static io.softcifar.service.events.EventConsumer.DLQ_KIND_HEADER;
import static io.softcifar.service.events.EventConsumer.DLQ_OFFSET_HEADER;
import static io.softcifar.service.events.EventConsumer.DLQ_PARTITION_HEADER;
import static io.softcifar.service.events.EventConsumer.DLQ_REASON_HEADER;
import static io.softcifar.service.events.EventConsumer.DLQ_SOURCE_HEADER;
import static io.softcifar.service.events.EventConsumer.DLQ_TOPIC_HEADER;

import io.softcifar.contracts.topics.TopicSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

/**
 * Sends a record to its topic's dead-letter topic with the reason and the original coordinates in headers, trying
 * again (with backoff) while the broker does not take it, and counts {@code softcifar.consumer.dead_letters}.
 */
final class DeadLetterWriter {

    private static final Logger LOG = Logger.getLogger(EventConsumer.class);

    private final ConsumerContext context;
    private final EventPublisher publisher;
    private final AtomicLong written = new AtomicLong();

    DeadLetterWriter(ConsumerContext context, EventPublisher publisher) {
        this.context = context;
        this.publisher = publisher;
    }

    /** Records sent to the dead-letter topic so far. */
    long written() {
        return written.get();
    }

    /**
     * Writes the dead letter: a record whose dead letter is not written must not be committed. False when the
     * consumer closed first.
     */
    boolean write(ConsumerRecord<String, String> record, String reason, String kind, int attempts) {
        String groupId = context.groupId();
        LOG.warnf("%s: %s goes to the dead-letter topic (%s): %s", groupId, source(record), kind, reason);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(DLQ_REASON_HEADER, reason);
        headers.put(DLQ_SOURCE_HEADER, source(record));
        headers.put(DLQ_KIND_HEADER, kind);
        headers.put(DLQ_ATTEMPTS_HEADER, Integer.toString(attempts));
        headers.put(DLQ_GROUP_HEADER, groupId);
        headers.put(DLQ_TOPIC_HEADER, record.topic());
        headers.put(DLQ_PARTITION_HEADER, Integer.toString(record.partition()));
        headers.put(DLQ_OFFSET_HEADER, Long.toString(record.offset()));
        for (int tries = 1; ; tries++) {
            try {
                publisher.publishRaw(
                        record.topic() + TopicSpec.DEAD_LETTER_SUFFIX,
                        record.key(),
                        Objects.requireNonNullElse(record.value(), ""),
                        headers);
                written.incrementAndGet();
                context.count("softcifar.consumer.dead_letters", record.topic(), "kind", kind);
                return true;
            } catch (RuntimeException e) {
                LOG.errorf(
                        "%s: could not write the dead letter for %s (try %d): %s",
                        groupId, source(record), tries, e.getMessage());
                if (!context.isRunning() || !Backoff.pause(context.backoff().after(tries), context.running())) {
                    return false;
                }
            }
        }
    }

    /** {@code topic/partition@offset}, as logs and the dead-letter source header name a record. */
    static String source(ConsumerRecord<?, ?> record) {
        return record.topic() + "/" + record.partition() + "@" + record.offset();
    }
}
