package io.softcifar.service.events;

import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.events.EventDecodingException;
import io.softcifar.contracts.events.EventEnvelope;
import io.softcifar.contracts.topics.TopicSpec;
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
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
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
 * partition is paused. A record that cannot be decoded, or that the handler rejects ({@link RejectedEventException})
 * or fails on unexpectedly, goes to the topic's dead-letter topic with the reason in headers, and the consumer moves on.
 */
public final class EventConsumer implements AutoCloseable {

    /** Processes one event. Runs on a worker thread; may take hours. */
    @FunctionalInterface
    public interface Handler {
        void handle(EventEnvelope event, ConsumerRecord<String, String> record) throws Exception;
    }

    public static final String DLQ_REASON_HEADER = "softcifar-dlq-reason";
    public static final String DLQ_SOURCE_HEADER = "softcifar-dlq-source";

    private static final Logger LOG = Logger.getLogger(EventConsumer.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final String groupId;
    private final List<String> topics;
    private final Handler handler;
    private final EventPublisher deadLetters;
    private final int slots;
    private final KafkaConsumer<String, String> consumer;
    private final ExecutorService workers;
    private final Thread pollThread;
    private final ConcurrentLinkedQueue<ConsumerRecord<String, String>> done = new ConcurrentLinkedQueue<>();
    private final Set<TopicPartition> busy = new HashSet<>();
    private final AtomicInteger inProgress = new AtomicInteger();
    private volatile boolean running = true;

    private EventConsumer(Builder b) {
        this.groupId = b.groupId;
        this.topics = List.copyOf(b.topics);
        this.handler = b.handler;
        this.deadLetters = b.deadLetters;
        this.slots = b.slots;
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
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    // a partition whose record is still being handled here stays paused
                    consumer.pause(partitions.stream().filter(busy::contains).toList());
                }
            });
            while (running) {
                commitDone();
                adjustPauses();
                ConsumerRecords<String, String> records = consumer.poll(POLL);
                for (TopicPartition partition : records.partitions()) {
                    dispatch(partition, records.records(partition));
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
            try {
                handleOne(record);
            } finally {
                inProgress.decrementAndGet();
                done.add(record); // the poll thread commits it within one poll interval
            }
        });
    }

    private void handleOne(ConsumerRecord<String, String> record) {
        EventEnvelope event;
        try {
            event = EventCodec.decode(record.value());
        } catch (EventDecodingException e) {
            deadLetter(record, "cannot decode: " + e.getMessage());
            return;
        }
        try {
            handler.handle(event, record);
        } catch (RejectedEventException e) {
            deadLetter(record, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception | LinkageError | AssertionError e) {
            // an Error thrown here would otherwise vanish in the executor's Future: no log, no dead letter
            LOG.errorf(e, "%s: handling %s from %s failed", groupId, event.type(), source(record));
            deadLetter(record, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private void deadLetter(ConsumerRecord<String, String> record, String reason) {
        LOG.warnf("%s: %s goes to the dead-letter topic: %s", groupId, source(record), reason);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(DLQ_REASON_HEADER, reason);
        headers.put(DLQ_SOURCE_HEADER, source(record));
        try {
            deadLetters.publishRaw(record.topic() + TopicSpec.DEAD_LETTER_SUFFIX, record.key(),
                    Objects.requireNonNullElse(record.value(), ""), headers);
        } catch (RuntimeException e) {
            LOG.errorf("%s: could not write the dead letter for %s: %s", groupId, source(record), e.getMessage());
        }
    }

    private static String source(ConsumerRecord<?, ?> record) {
        return record.topic() + "/" + record.partition() + "@" + record.offset();
    }

    private void commitDone() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        ConsumerRecord<String, String> record;
        while ((record = done.poll()) != null) {
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            offsets.put(partition, new OffsetAndMetadata(record.offset() + 1));
            busy.remove(partition);
        }
        if (offsets.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(offsets);
        } catch (KafkaException e) {
            // the partition moved to another member meanwhile: it will see the record again; handlers are idempotent
            LOG.warnf("%s: commit of %s failed (%s); the records may be delivered again", groupId, offsets.keySet(),
                    e.getMessage());
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
        private EventPublisher deadLetters;
        private int slots = 1;
        private String autoOffsetReset = "earliest";
        private final Map<String, Object> extra = new HashMap<>();

        public Builder bootstrapServers(String v) { this.bootstrapServers = v; return this; }
        public Builder groupId(String v) { this.groupId = v; return this; }
        public Builder topics(List<String> v) { this.topics = v; return this; }
        public Builder handler(Handler v) { this.handler = v; return this; }
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
