package io.softcifar.service.events;

import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.events.EventDecodingException;
import io.softcifar.contracts.events.EventEnvelope;
import io.softcifar.contracts.topics.TopicSpec;
import io.softcifar.service.kafka.KafkaSettings;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * A consumer-group member that hands each event to a handler on a worker thread and keeps polling while the handler
 * runs, however long (a training run takes hours).
 *
 * <p><b>Why this shape.</b> A Kafka consumer that stops calling {@code poll()} for longer than
 * {@code max.poll.interval.ms} is thrown out of its group and its partitions move to another member, which then
 * re-runs the same work: a rebalance storm. Here the polling thread never blocks on work: while a record of a
 * partition is being handled, that partition is <em>paused</em>, so {@code poll()} keeps the membership alive and
 * returns nothing for it. When the handler ends, the record's offset is committed and the partition resumed.
 * Delivery is at-least-once: a member that dies mid-record leaves the offset uncommitted, and the record is
 * delivered again (to it after restart, or to another member), so handlers must be idempotent.
 *
 * <p>At most {@code slots} records are in progress at once (one per partition); when all slots are busy every
 * partition is paused.
 *
 * <p><b>Failures</b> are sorted by {@link Failures#classify}. A <em>retryable</em> one (the broker or the object store
 * down, a timeout) is tried again on the same worker with capped exponential backoff while the partition stays paused
 * and the offset uncommitted; only when the retry budget ({@link Builder#retry}) is spent does the record go to the
 * dead-letter topic, with reason {@code retries exhausted}. A <em>poison</em> record (cannot be decoded, rejected by the
 * handler with {@link RejectedEventException}, an unexpected error) goes there at once. The dead letter carries the
 * reason and the original coordinates in headers ({@code ./softcifar dlq} lists and replays them). Writing the dead
 * letter is itself retried until it succeeds: a record is never committed without being either handled or
 * dead-lettered. A record whose handling was cut short by {@link #close} or by losing its partition is not committed
 * and is read again (seek back). Counters: {@code softcifar.consumer.retries} and
 * {@code softcifar.consumer.dead_letters} (tags group, topic, and for dead letters kind = poison | retries-exhausted).
 */
public final class EventConsumer implements AutoCloseable {

    /** Processes one event. Runs on a worker thread; may take hours. */
    @FunctionalInterface
    public interface Handler {
        void handle(EventEnvelope event, ConsumerRecord<String, String> record) throws Exception;
    }

    /**
     * Called once when a record's retry budget is spent, before it goes to the dead-letter topic: the place for a
     * service to publish its domain's failure event (training.failed, …), so that whoever waits is told.
     */
    @FunctionalInterface
    public interface GiveUp {
        void onGiveUp(EventEnvelope event, ConsumerRecord<String, String> record, String reason);
    }

    public static final String DLQ_REASON_HEADER = "softcifar-dlq-reason";
    public static final String DLQ_SOURCE_HEADER = "softcifar-dlq-source";
    /** {@code poison} or {@code retries-exhausted}. */
    public static final String DLQ_KIND_HEADER = "softcifar-dlq-kind";
    public static final String DLQ_ATTEMPTS_HEADER = "softcifar-dlq-attempts";
    public static final String DLQ_GROUP_HEADER = "softcifar-dlq-group";
    public static final String DLQ_TOPIC_HEADER = "softcifar-dlq-topic";
    public static final String DLQ_PARTITION_HEADER = "softcifar-dlq-partition";
    public static final String DLQ_OFFSET_HEADER = "softcifar-dlq-offset";
    public static final String KIND_POISON = "poison";
    public static final String KIND_RETRIES_EXHAUSTED = "retries-exhausted";

    private static final Logger LOG = Logger.getLogger(EventConsumer.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(10);

    private final String groupId;
    private final List<String> topics;
    private final Handler handler;
    private final GiveUp giveUp;
    private final EventPublisher deadLetters;
    private final int slots;
    private final KafkaConsumer<String, String> consumer;
    private final ExecutorService workers;
    private final Thread pollThread;
    private final ConcurrentLinkedQueue<ConsumerRecord<String, String>> done = new ConcurrentLinkedQueue<>();
    /** Records whose handling stopped without an outcome: read again from their offset. */
    private final ConcurrentLinkedQueue<ConsumerRecord<String, String>> abandoned = new ConcurrentLinkedQueue<>();
    private final Set<TopicPartition> busy = new HashSet<>();
    /** Partitions this member owns now; a worker retrying a record of a partition that moved stops retrying. */
    private final Set<TopicPartition> owned = ConcurrentHashMap.newKeySet();
    private final Map<TopicPartition, OffsetAndMetadata> unconfirmed = new HashMap<>();
    /** Offsets of records handled here whose partition was not assigned when they were to be committed. */
    private final Map<TopicPartition, OffsetAndMetadata> homeless = new HashMap<>();
    private final AtomicInteger inProgress = new AtomicInteger();
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final MeterRegistry registry;
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private volatile boolean running = true;

    private EventConsumer(Builder b) {
        this.groupId = b.groupId;
        this.topics = List.copyOf(b.topics);
        this.handler = b.handler;
        this.giveUp = b.giveUp;
        this.deadLetters = b.deadLetters;
        this.slots = b.slots;
        this.maxAttempts = b.maxAttempts;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.registry = b.registry != null ? b.registry : Metrics.globalRegistry;
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, b.groupId);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, b.groupId + "-" + ProcessHandle.current().pid());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, b.autoOffsetReset);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
        props.putAll(b.extra);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
        this.workers = Executors.newFixedThreadPool(slots, r -> {
            Thread t = new Thread(r, b.groupId + "-worker");
            t.setDaemon(true);
            return t;
        });
        this.pollThread = new Thread(this::run, b.groupId + "-poll");
        this.pollThread.setDaemon(true);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts polling on its own thread. */
    public EventConsumer start() {
        pollThread.start();
        return this;
    }

    /** Records being handled right now. */
    public int inProgress() {
        return inProgress.get();
    }

    /** Tries repeated after a retryable failure so far. */
    public long retries() {
        return retries.get();
    }

    /** Records sent to the dead-letter topic so far. */
    public long deadLettered() {
        return deadLettered.get();
    }

    /** True while the poll thread runs; a health check can report it. */
    public boolean isRunning() {
        return running && pollThread.isAlive();
    }

    private void run() {
        try {
            consumer.subscribe(topics, new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    commitDone();
                    owned.removeAll(partitions);
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    owned.removeAll(partitions);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    owned.addAll(partitions);
                    commitHomeless(partitions);
                    // a partition whose record is still being handled here stays paused
                    consumer.pause(partitions.stream().filter(busy::contains).toList());
                }
            });
            while (running) {
                try {
                    commitDone();
                    seekBackAbandoned();
                    adjustPauses();
                    ConsumerRecords<String, String> records = consumer.poll(POLL);
                    for (TopicPartition partition : records.partitions()) {
                        dispatch(partition, records.records(partition));
                    }
                } catch (RetriableException e) {
                    // the broker is away for a moment: the consumer must outlive it, not stop polling for good
                    LOG.warnf("%s: %s; polling again", groupId, e.getMessage());
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop
        } catch (RuntimeException e) {
            LOG.errorf(e, "consumer %s stopped: %s", groupId, e.getMessage());
        } finally {
            running = false;
            try {
                commitDone();
            } catch (RuntimeException e) {
                LOG.debugf("final commit of %s failed: %s", groupId, e.getMessage());
            }
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void dispatch(TopicPartition partition, List<ConsumerRecord<String, String>> records) {
        if (busy.contains(partition) || busy.size() >= slots) {
            consumer.seek(partition, records.get(0).offset()); // fetched too early: read again later
            return;
        }
        ConsumerRecord<String, String> record = records.get(0);
        if (records.size() > 1) {
            consumer.seek(partition, records.get(1).offset());
        }
        busy.add(partition);
        consumer.pause(List.of(partition));
        inProgress.incrementAndGet();
        workers.submit(() -> {
            boolean settled = true; // an Error other than the ones caught below: as before, the record is committed
            try {
                settled = handleOne(record);
            } finally {
                inProgress.decrementAndGet();
                // the poll thread commits it, or reads it again, within one poll interval
                (settled ? done : abandoned).add(record);
            }
        });
    }

    /** Handles, retries or dead-letters the record; false when it was left without an outcome (closing, moved). */
    private boolean handleOne(ConsumerRecord<String, String> record) {
        EventEnvelope event;
        try {
            event = EventCodec.decode(record.value());
        } catch (EventDecodingException e) {
            return deadLetter(record, "cannot decode: " + e.getMessage(), KIND_POISON, 1);
        }
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        for (int attempt = 1;; attempt++) {
            try {
                handler.handle(event, record);
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (Exception | LinkageError | AssertionError e) {
                // an Error thrown here would otherwise vanish in the executor's Future: no log, no dead letter
                if (!running || Thread.currentThread().isInterrupted()) {
                    LOG.infof("%s: %s stopped by shutdown (%s); it will be read again", groupId, source(record),
                            e.getMessage());
                    return false;
                }
                Failures.Kind kind = Failures.classify(e);
                String reason = e instanceof RejectedEventException ? e.getMessage()
                        : e.getClass().getSimpleName() + ": " + e.getMessage();
                if (kind == Failures.Kind.POISON) {
                    if (!(e instanceof RejectedEventException)) {
                        LOG.errorf(e, "%s: handling %s from %s failed", groupId, event.type(), source(record));
                    }
                    return deadLetter(record, reason, KIND_POISON, attempt);
                }
                if (attempt >= maxAttempts) {
                    String exhausted = "retries exhausted after " + attempt + " tries: " + reason;
                    if (giveUp != null) {
                        try {
                            giveUp.onGiveUp(event, record, exhausted);
                        } catch (RuntimeException hookFailure) {
                            LOG.errorf("%s: the give-up hook for %s failed: %s", groupId, source(record),
                                    hookFailure.getMessage());
                        }
                    }
                    return deadLetter(record, exhausted, KIND_RETRIES_EXHAUSTED, attempt);
                }
                Duration wait = backoff(attempt);
                retries.incrementAndGet();
                counter("softcifar.consumer.retries", record.topic()).increment();
                LOG.warnf("%s: %s failed (try %d of %d), partition paused, again in %d ms: %s", groupId,
                        source(record), attempt, maxAttempts, wait.toMillis(), reason);
                if (!pause(wait)) {
                    return false;
                }
                if (!owned.contains(partition)) {
                    LOG.infof("%s: %s moved to another member while waiting to retry; it handles the record",
                            groupId, source(record));
                    return false;
                }
            }
        }
    }

    /** initial × 2^(attempt-1), capped. */
    Duration backoff(int failedAttempts) {
        long millis = initialBackoff.toMillis();
        for (int i = 1; i < failedAttempts && millis < maxBackoff.toMillis(); i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
    }

    /** Waits, or returns false at once when the consumer is closing. */
    private boolean pause(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            while (running && System.nanoTime() < deadline) {
                Thread.sleep(Math.max(1, Math.min(100, (deadline - System.nanoTime()) / 1_000_000)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return running;
    }

    /**
     * Writes the dead letter, trying again (with backoff) while the broker does not take it: a record whose dead
     * letter is not written must not be committed. False when the consumer closed first.
     */
    private boolean deadLetter(ConsumerRecord<String, String> record, String reason, String kind, int attempts) {
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
        for (int tries = 1;; tries++) {
            try {
                deadLetters.publishRaw(record.topic() + TopicSpec.DEAD_LETTER_SUFFIX, record.key(),
                        Objects.requireNonNullElse(record.value(), ""), headers);
                deadLettered.incrementAndGet();
                Counter.builder("softcifar.consumer.dead_letters").tag("group", groupId).tag("topic", record.topic())
                        .tag("kind", kind).register(registry).increment();
                return true;
            } catch (RuntimeException e) {
                LOG.errorf("%s: could not write the dead letter for %s (try %d): %s", groupId, source(record), tries,
                        e.getMessage());
                if (!running || !pause(backoff(tries))) {
                    return false;
                }
            }
        }
    }

    private Counter counter(String name, String topic) {
        return Counter.builder(name).tag("group", groupId).tag("topic", topic).register(registry);
    }

    private static String source(ConsumerRecord<?, ?> record) {
        return record.topic() + "/" + record.partition() + "@" + record.offset();
    }

    private void commitDone() {
        ConsumerRecord<String, String> record;
        while ((record = done.poll()) != null) {
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            unconfirmed.merge(partition, new OffsetAndMetadata(record.offset() + 1),
                    (a, b) -> a.offset() >= b.offset() ? a : b);
            busy.remove(partition);
            if (consumer.assignment().contains(partition)) {
                // a partition handles one record at a time, so the next one to read is the one after it, even if
                // the partition was lost and assigned again while the handler ran (its position then came from the
                // committed offset, before this record)
                consumer.seek(partition, record.offset() + 1);
            }
        }
        if (unconfirmed.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(unconfirmed);
        Set<TopicPartition> assignment = consumer.assignment();
        unconfirmed.forEach((partition, offset) -> {
            if (!assignment.contains(partition)) {
                homeless.merge(partition, offset, (a, b) -> a.offset() >= b.offset() ? a : b);
            }
        });
        offsets.keySet().retainAll(assignment);
        unconfirmed.clear();
        if (offsets.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(offsets, COMMIT_TIMEOUT);
        } catch (RetriableException e) {
            // the broker is away: keep the offsets and commit them at the next turn of the loop
            LOG.warnf("%s: commit of %s failed (%s); trying again", groupId, offsets.keySet(), e.getMessage());
            offsets.forEach(unconfirmed::putIfAbsent);
        } catch (KafkaException e) {
            // the group moved on (rebalance, or the coordinator came back with a new generation): if a partition
            // comes back here its offset is committed then (commitHomeless); if it went to another member, that
            // member sees the record again, and handlers are idempotent
            LOG.warnf("%s: commit of %s failed (%s); kept for when the partitions come back", groupId,
                    offsets.keySet(), e.getMessage());
            offsets.forEach((partition, offset) -> homeless.merge(partition, offset,
                    (a, b) -> a.offset() >= b.offset() ? a : b));
        }
    }

    /**
     * A partition that comes back to this member (typically after the broker or the group coordinator was away, when
     * the member's partitions are "lost" rather than revoked) may carry records this member handled but could not
     * commit. If nobody committed further meanwhile, those offsets are committed now and the position set after them,
     * so the records are not handled a second time. A commit that fails here only means a redelivery, as before.
     */
    private void commitHomeless(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> ours = new HashMap<>();
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata offset = homeless.remove(partition);
            if (offset != null) {
                ours.put(partition, offset);
            }
        }
        if (ours.isEmpty()) {
            return;
        }
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(ours.keySet(), COMMIT_TIMEOUT);
            ours.entrySet().removeIf(e -> {
                OffsetAndMetadata theirs = committed.get(e.getKey());
                return theirs != null && theirs.offset() >= e.getValue().offset();
            });
            if (!ours.isEmpty()) {
                consumer.commitSync(ours, COMMIT_TIMEOUT);
                ours.forEach((partition, offset) -> consumer.seek(partition, offset.offset()));
                LOG.infof("%s: committed %s, handled here before the partitions came back", groupId, ours);
            }
        } catch (KafkaException e) {
            LOG.warnf("%s: late commit of %s failed (%s); the records may be delivered again", groupId, ours.keySet(),
                    e.getMessage());
        }
    }

    /** Reads abandoned records again: their partition is free, and its position goes back to the record. */
    private void seekBackAbandoned() {
        ConsumerRecord<String, String> record;
        while ((record = abandoned.poll()) != null) {
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            busy.remove(partition);
            if (consumer.assignment().contains(partition)) {
                consumer.seek(partition, record.offset());
            }
        }
    }

    private void adjustPauses() {
        Set<TopicPartition> assigned = consumer.assignment();
        if (busy.size() >= slots) {
            consumer.pause(assigned);
            return;
        }
        List<TopicPartition> idle = assigned.stream().filter(p -> !busy.contains(p)).toList();
        consumer.resume(idle);
    }

    /** Stops polling, waits up to {@code grace} for handlers in progress, then interrupts them. */
    public void close(Duration grace) {
        running = false;
        consumer.wakeup();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                workers.shutdownNow();
            }
            pollThread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    /** Settings of a consumer; {@code bootstrapServers}, {@code groupId}, {@code topics} and {@code handler} are required. */
    public static final class Builder {
        private String bootstrapServers;
        private String groupId;
        private List<String> topics = List.of();
        private Handler handler;
        private GiveUp giveUp;
        private EventPublisher deadLetters;
        private int slots = 1;
        private String autoOffsetReset = "earliest";
        private int maxAttempts = 12;
        private Duration initialBackoff = Duration.ofSeconds(1);
        private Duration maxBackoff = Duration.ofSeconds(60);
        private MeterRegistry registry;
        private final Map<String, Object> extra = new HashMap<>();

        /**
         * The retry budget for retryable failures: {@code maxAttempts} tries in all, waiting {@code initialBackoff},
         * twice that, … at most {@code maxBackoff} between tries. Default 12 tries, 1 s doubling to 60 s: about
         * 6 minutes (1+2+4+8+16+32+60·5 s) before a record goes to the dead-letter topic.
         */
        public Builder retry(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("retry maxAttempts: must be >= 1, got " + maxAttempts);
            }
            if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException("retry backoff: need 0 <= initial <= max, got " + initialBackoff
                        + " and " + maxBackoff);
            }
            this.maxAttempts = maxAttempts;
            this.initialBackoff = initialBackoff;
            this.maxBackoff = maxBackoff;
            return this;
        }

        /** Where the retry and dead-letter counters go (default: Micrometer's global registry, which Quarkus feeds). */
        public Builder meterRegistry(MeterRegistry v) { this.registry = v; return this; }

        public Builder bootstrapServers(String v) { this.bootstrapServers = v; return this; }

        /** Bootstrap servers and security settings (SASL, TLS) of {@code settings}. */
        public Builder kafka(KafkaSettings settings) {
            Map<String, Object> props = new HashMap<>(settings.clientProperties());
            this.bootstrapServers = (String) props.remove(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG);
            this.extra.putAll(props);
            return this;
        }
        public Builder groupId(String v) { this.groupId = v; return this; }
        public Builder topics(List<String> v) { this.topics = v; return this; }
        public Builder handler(Handler v) { this.handler = v; return this; }
        /** Optional: told when a record's retry budget is spent, before it is dead-lettered. */
        public Builder onGiveUp(GiveUp v) { this.giveUp = v; return this; }
        public Builder deadLetters(EventPublisher v) { this.deadLetters = v; return this; }
        public Builder slots(int v) { this.slots = v; return this; }
        public Builder autoOffsetReset(String v) { this.autoOffsetReset = v; return this; }
        public Builder property(String key, Object value) { this.extra.put(key, value); return this; }

        public EventConsumer build() {
            Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            Objects.requireNonNull(groupId, "groupId");
            Objects.requireNonNull(handler, "handler");
            Objects.requireNonNull(deadLetters, "deadLetters");
            if (topics.isEmpty()) {
                throw new IllegalArgumentException("topics: at least one");
            }
            if (slots < 1) {
                throw new IllegalArgumentException("slots: must be >= 1, got " + slots);
            }
            return new EventConsumer(this);
        }
    }
}
