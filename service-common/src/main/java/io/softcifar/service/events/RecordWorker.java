package io.softcifar.service.events;

import static io.softcifar.service.events.DeadLetterWriter.source;

import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.events.EventEnvelope;
import io.softcifar.contracts.events.JsonDecodingException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * The fate of one record, on a worker thread: decoded and handed to the handler; a retryable failure tried again
 * after a backoff while the partition stays paused; a poison record, or one whose retry budget is spent, dead-lettered
 * (the give-up hook first). Counts {@code softcifar.consumer.retries}.
 */
final class RecordWorker {

    private static final Logger LOG = Logger.getLogger(EventConsumer.class);

    private final ConsumerContext context;
    private final String groupId;
    private final EventConsumer.Handler handler;
    private final EventConsumer.GiveUp giveUp;
    private final DeadLetterWriter deadLetters;
    private final Set<TopicPartition> owned;
    private final AtomicLong retries = new AtomicLong();

    /** {@code owned}: the partitions the consumer holds now (a record whose partition moved is not retried here). */
    RecordWorker(
            ConsumerContext context,
            EventConsumer.Handler handler,
            EventConsumer.GiveUp giveUp,
            DeadLetterWriter deadLetters,
            Set<TopicPartition> owned) {
        this.context = context;
        this.groupId = context.groupId();
        this.handler = handler;
        this.giveUp = giveUp;
        this.deadLetters = deadLetters;
        this.owned = owned;
    }

    /** Tries repeated after a retryable failure so far. */
    long retries() {
        return retries.get();
    }

    /** Handles, retries or dead-letters the record; false when it was left without an outcome (closing, moved). */
    boolean handle(ConsumerRecord<String, String> record) {
        EventEnvelope event;
        try {
            event = EventCodec.decode(record.value());
        } catch (JsonDecodingException e) {
            return deadLetters.write(record, "cannot decode: " + e.getMessage(), EventConsumer.KIND_POISON, 1);
        }
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        for (int attempt = 1; ; attempt++) {
            try {
                handler.handle(event, record);
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (Exception | LinkageError | AssertionError e) {
                // an Error thrown here would otherwise vanish in the executor's Future: no log, no dead letter
                if (!context.isRunning() || Thread.currentThread().isInterrupted()) {
                    LOG.infof(
                            "%s: %s stopped by shutdown (%s); it will be read again",
                            groupId, source(record), e.getMessage());
                    return false;
                }
                Failures.Kind kind = Failures.classify(e);
                String reason = e instanceof RejectedEventException
                        ? e.getMessage()
                        : e.getClass().getSimpleName() + ": " + e.getMessage();
                if (kind == Failures.Kind.POISON) {
                    if (!(e instanceof RejectedEventException)) {
                        LOG.errorf(e, "%s: handling %s from %s failed", groupId, event.type(), source(record));
                    }
                    return deadLetters.write(record, reason, EventConsumer.KIND_POISON, attempt);
                }
                if (attempt >= context.backoff().maxAttempts()) {
                    String exhausted = "retries exhausted after " + attempt + " tries: " + reason;
                    if (giveUp != null) {
                        try {
                            giveUp.onGiveUp(event, record, exhausted);
                        } catch (RuntimeException hookFailure) {
                            LOG.errorf(
                                    "%s: the give-up hook for %s failed: %s",
                                    groupId, source(record), hookFailure.getMessage());
                        }
                    }
                    return deadLetters.write(record, exhausted, EventConsumer.KIND_RETRIES_EXHAUSTED, attempt);
                }
                Duration wait = context.backoff().after(attempt);
                retries.incrementAndGet();
                context.count("softcifar.consumer.retries", record.topic());
                LOG.warnf(
                        "%s: %s failed (try %d of %d), partition paused, again in %d ms: %s",
                        groupId, source(record), attempt, context.backoff().maxAttempts(), wait.toMillis(), reason);
                if (!Backoff.pause(wait, context.running())) {
                    return false;
                }
                if (!owned.contains(partition)) {
                    LOG.infof(
                            "%s: %s moved to another member while waiting to retry; it handles the record",
                            groupId, source(record));
                    return false;
                }
            }
        }
    }
}
