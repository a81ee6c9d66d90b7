package io.softcifar.results.events;

import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.events.EventEnvelope;
import io.softcifar.contracts.events.JsonDecodingException;
import io.softcifar.contracts.topics.Topics;
import io.softcifar.results.service.ResultsView;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Feeds a {@link ResultsView} from Kafka: every partition of the topics in {@link #TOPICS}, assigned manually (no
 * consumer group, nothing committed) and read from the beginning, then followed. Each instance of the service thus
 * sees every event, so any number of replicas serve the same reads, and a restart rebuilds the same state.
 *
 * <p>{@link #caughtUp()} completes once the end offsets seen at start have been read: the view then holds everything
 * that happened before the start (readiness waits for it; nothing is published on the strength of a half-read view).
 */
public final class ViewFollower implements AutoCloseable {

    /** The topics the view is folded from: the compacted state topics and the retained streams. */
    public static final List<String> TOPICS = List.of(
            Topics.STUDIES,
            Topics.DATASET_STATE,
            Topics.TRAINING_REQUESTS,
            Topics.TRAINING_CONTROL,
            Topics.TRAINING_STATE,
            Topics.TRAINING_PROGRESS,
            Topics.CHECKPOINTS,
            Topics.EVALUATION_RESULTS);

    private static final Logger LOG = Logger.getLogger(ViewFollower.class);

    /** The header of a record the watchdog published (value: the recovery's kind); same as StudyService's. */
    public static final String RECOVERY_HEADER = "softcifar-recovery";

    private final Map<String, Object> clientProperties;
    private final ResultsView view;
    private final CompletableFuture<Void> caughtUp = new CompletableFuture<>();
    private final Thread thread;
    private volatile KafkaConsumer<String, String> consumer;
    private volatile boolean running = true;
    // One thread (the follower) writes them, others read: AtomicLong makes the increments atomic anyway.
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong startAttempts = new AtomicLong();

    public ViewFollower(String bootstrapServers, ResultsView view, String name) {
        this(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), view, name);
    }

    /** {@code clientProperties}: bootstrap servers and security settings (KafkaSettings.clientProperties()). */
    public ViewFollower(Map<String, Object> clientProperties, ResultsView view, String name) {
        this.clientProperties = Map.copyOf(clientProperties);
        this.view = view;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    public ViewFollower start() {
        thread.start();
        return this;
    }

    /** Completes when every event that existed at start has been applied. */
    public CompletableFuture<Void> caughtUp() {
        return caughtUp;
    }

    public boolean isRunning() {
        return running && thread.isAlive();
    }

    /** Events applied so far. */
    public long applied() {
        return applied.get();
    }

    private void run() {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        try (KafkaConsumer<String, String> c =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer = c;
            Map<TopicPartition, Long> end = startWhenKafkaAnswers(c);
            while (running) {
                ConsumerRecords<String, String> records;
                try {
                    records = c.poll(Duration.ofMillis(200));
                } catch (RetriableException e) {
                    LOG.warnf("the view's poll failed (%s); polling again", e.getMessage());
                    continue;
                }
                for (ConsumerRecord<String, String> record : records) {
                    if (record.value() == null) {
                        continue; // a tombstone
                    }
                    try {
                        EventEnvelope event = EventCodec.decode(record.value());
                        view.apply(event);
                        Header recovery = record.headers().lastHeader(RECOVERY_HEADER);
                        if (recovery != null && event.correlation().runId() != null) {
                            view.recovered(
                                    event.eventId(),
                                    event.correlation().runId(),
                                    new String(recovery.value(), StandardCharsets.UTF_8),
                                    event.time());
                        }
                        applied.incrementAndGet();
                    } catch (JsonDecodingException e) {
                        LOG.warnf(
                                "skipping %s-%d@%d: %s",
                                record.topic(), record.partition(), record.offset(), e.getMessage());
                    } catch (RuntimeException e) {
                        LOG.errorf(e, "applying %s-%d@%d failed", record.topic(), record.partition(), record.offset());
                    }
                }
                if (!caughtUp.isDone()) {
                    end.entrySet().removeIf(e -> c.position(e.getKey()) >= e.getValue());
                    if (end.isEmpty()) {
                        LOG.infof("view rebuilt from %d events of %d topics", applied.get(), TOPICS.size());
                        caughtUp.complete(null);
                    }
                }
            }
        } catch (WakeupException e) {
            // close()
        } catch (RuntimeException e) {
            LOG.errorf(e, "the view stopped following Kafka: %s", e.getMessage());
            caughtUp.completeExceptionally(e);
        } finally {
            running = false;
        }
    }

    /**
     * Assigns every partition from the beginning and returns the end offsets of now. Kafka unreachable or the topics
     * not there yet is not fatal: it tries again with backoff (0.5 s doubling to 30 s) until it works or the follower
     * is closed; meanwhile {@link #caughtUp()} stays incomplete, so readiness says DOWN instead of the view dying.
     */
    private Map<TopicPartition, Long> startWhenKafkaAnswers(KafkaConsumer<String, String> c) {
        long backoff = 500;
        while (true) {
            try {
                List<TopicPartition> partitions = partitions(c);
                c.assign(partitions);
                c.seekToBeginning(partitions);
                return new HashMap<>(c.endOffsets(partitions, Duration.ofSeconds(30)));
            } catch (WakeupException e) {
                throw e;
            } catch (RuntimeException e) {
                if (!running) {
                    throw e;
                }
                startAttempts.incrementAndGet();
                LOG.warnf("the view cannot read Kafka yet (%s); trying again in %d ms", e.getMessage(), backoff);
                try {
                    TimeUnit.MILLISECONDS.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", interrupted);
                }
                backoff = Math.min(30_000, backoff * 2);
            }
        }
    }

    /** Failed tries to start reading (Kafka away at start); a metric for tests and dashboards. */
    public long startAttempts() {
        return startAttempts.get();
    }

    /** Every partition of {@link #TOPICS}; waits (up to a minute) for topics another service has yet to create. */
    private static List<TopicPartition> partitions(KafkaConsumer<String, String> c) {
        Instant deadline = Instant.now().plusSeconds(60);
        List<TopicPartition> all = new ArrayList<>();
        for (String topic : TOPICS) {
            List<PartitionInfo> infos = List.of();
            while (infos.isEmpty()) {
                infos = c.partitionsFor(topic, Duration.ofSeconds(10));
                if (infos == null) {
                    infos = List.of();
                }
                if (infos.isEmpty()) {
                    if (Instant.now().isAfter(deadline)) {
                        throw new IllegalStateException("topic " + topic + " does not exist (create the topics: "
                                + "softcifar.kafka.create-topics=true, or the deployment's topic resources)");
                    }
                    sleep();
                }
            }
            infos.forEach(i -> all.add(new TopicPartition(i.topic(), i.partition())));
        }
        return all;
    }

    private static void sleep() {
        try {
            TimeUnit.MILLISECONDS.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        running = false;
        KafkaConsumer<String, String> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
