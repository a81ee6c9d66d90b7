package io.softcifar.service.events;

import static io.softcifar.service.events.DeadLetterWriter.source;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.events.EventEnvelope;
import io.softcifar.contracts.events.JsonDecodingException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
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

    private final String groupId;
    private final EventConsumer.Handler handler;
    private final EventConsumer.GiveUp giveUp;
    private final DeadLetterWriter deadLetters;
    private final Backoff backoff;
    private final Set<TopicPartition> owned;
    private final BooleanSupplier running;
    private final MeterRegistry registry;
    private final AtomicLong retries = new AtomicLong();

    RecordWorker(
            String groupId,
            EventConsumer.Handler handler,
            EventConsumer.GiveUp giveUp,
            DeadLetterWriter deadLetters,
            Backoff backoff,
            Set<TopicPartition> owned,
            BooleanSupplier running,
            MeterRegistry registry) {
        this.groupId = groupId;
        this.handler = handler;
        this.giveUp = giveUp;
        this.deadLetters = deadLetters;
        this.backoff = backoff;
        this.owned = owned;
        this.running = running;
        this.registry = registry;
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
                if (!running.getAsBoolean() || Thread.currentThread().isInterrupted()) {
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
                if (attempt >= backoff.maxAttempts()) {
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
                Duration wait = backoff.after(attempt);
                retries.incrementAndGet();
                Counter.builder("softcifar.consumer.retries")
                        .tag("group", groupId)
                        .tag("topic", record.topic())
                        .register(registry)
                        .increment();
                LOG.warnf(
                        "%s: %s failed (try %d of %d), partition paused, again in %d ms: %s",
                        groupId, source(record), attempt, backoff.maxAttempts(), wait.toMillis(), reason);
                if (!Backoff.pause(wait, running)) {
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
