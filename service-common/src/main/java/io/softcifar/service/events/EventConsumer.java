package io.softcifar.service.events;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.softcifar.contracts.events.EventEnvelope;
import io.softcifar.service.kafka.KafkaSettings;
import io.softcifar.service.lifecycle.DaemonThreads;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
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
 *
 * <p>This class is the poll loop and the hand-over to workers; {@link RecordWorker} decides a record's fate (retry
 * policy in {@link Backoff}), {@link DeadLetterWriter} writes dead letters, {@link PartitionLedger} keeps the busy
 * partitions and the offsets to commit.
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

    private final String groupId;
    private final List<String> topics;
    private final KafkaConsumer<String, String> consumer;
    private final ExecutorService workers;
    private final Thread pollThread;
    private final PartitionLedger ledger;
    private final DeadLetterWriter deadLetters;
    private final RecordWorker worker;
    private final AtomicInteger inProgress = new AtomicInteger();
    private volatile boolean running = true;

    private EventConsumer(Builder b) {
        this.groupId = b.groupId;
        this.topics = List.copyOf(b.topics);
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, b.groupId);
        props.put(
                ConsumerConfig.CLIENT_ID_CONFIG,
                b.groupId + "-" + ProcessHandle.current().pid());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, b.autoOffsetReset);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
        props.putAll(b.extra);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
        this.workers = Executors.newFixedThreadPool(b.slots, DaemonThreads.named(b.groupId + "-worker"));
        this.pollThread = new Thread(this::run, b.groupId + "-poll");
        this.pollThread.setDaemon(true);
        this.ledger = new PartitionLedger(consumer, b.groupId, b.slots);
        MeterRegistry registry = b.registry != null ? b.registry : Metrics.globalRegistry;
        Backoff backoff = new Backoff(b.maxAttempts, b.initialBackoff, b.maxBackoff);
        ConsumerContext context = new ConsumerContext(b.groupId, registry, backoff, () -> running);
        this.deadLetters = new DeadLetterWriter(context, b.deadLetters);
        this.worker = new RecordWorker(context, b.handler, b.giveUp, deadLetters, ledger.owned());
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
        return worker.retries();
    }

    /** Records sent to the dead-letter topic so far. */
    public long deadLettered() {
        return deadLetters.written();
    }

    /** True while the poll thread runs; a health check can report it. */
    public boolean isRunning() {
        return running && pollThread.isAlive();
    }

    private void run() {
        try {
            consumer.subscribe(topics, ledger);
            while (running) {
                try {
                    ledger.commitDone();
                    ledger.seekBackAbandoned();
                    ledger.adjustPauses();
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
                ledger.commitDone();
            } catch (RuntimeException e) {
                LOG.debugf("final commit of %s failed: %s", groupId, e.getMessage());
            }
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void dispatch(TopicPartition partition, List<ConsumerRecord<String, String>> records) {
        if (!ledger.canStart(partition)) {
            consumer.seek(partition, records.get(0).offset()); // fetched too early: read again later
            return;
        }
        ConsumerRecord<String, String> record = records.get(0);
        if (records.size() > 1) {
            consumer.seek(partition, records.get(1).offset());
        }
        ledger.started(partition);
        inProgress.incrementAndGet();
        // execute, not submit: an unexpected Throwable reaches the thread's handler instead of a Future nobody reads
        workers.execute(() -> {
            boolean settled = true; // an Error other than the ones caught below: as before, the record is committed
            try {
                settled = worker.handle(record);
            } finally {
                inProgress.decrementAndGet();
                ledger.finished(record, settled);
            }
        });
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
                throw new IllegalArgumentException(
                        "retry backoff: need 0 <= initial <= max, got " + initialBackoff + " and " + maxBackoff);
            }
            this.maxAttempts = maxAttempts;
            this.initialBackoff = initialBackoff;
            this.maxBackoff = maxBackoff;
            return this;
        }

        /** Where the retry and dead-letter counters go (default: Micrometer's global registry, which Quarkus feeds). */
        public Builder meterRegistry(MeterRegistry v) {
            this.registry = v;
            return this;
        }

        public Builder bootstrapServers(String v) {
            this.bootstrapServers = v;
            return this;
        }

        /** Bootstrap servers and security settings (SASL, TLS) of {@code settings}. */
        public Builder kafka(KafkaSettings settings) {
            Map<String, Object> props = new HashMap<>(settings.clientProperties());
            this.bootstrapServers = (String) props.remove(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG);
            this.extra.putAll(props);
            return this;
        }

        public Builder groupId(String v) {
            this.groupId = v;
            return this;
        }

        public Builder topics(List<String> v) {
            this.topics = v;
            return this;
        }

        public Builder handler(Handler v) {
            this.handler = v;
            return this;
        }
        /** Optional: told when a record's retry budget is spent, before it is dead-lettered. */
        public Builder onGiveUp(GiveUp v) {
            this.giveUp = v;
            return this;
        }

        public Builder deadLetters(EventPublisher v) {
            this.deadLetters = v;
            return this;
        }

        public Builder slots(int v) {
            this.slots = v;
            return this;
        }

        public Builder autoOffsetReset(String v) {
            this.autoOffsetReset = v;
            return this;
        }

        public Builder property(String key, Object value) {
            this.extra.put(key, value);
            return this;
        }

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
