package io.softcifar.trainer.service;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * Training requests that the trainer group has not completed yet, over all replicas: for every partition of the
 * requests topic, its end offset minus the group's committed offset (or minus its first offset where the group has
 * committed nothing). A request counts until its run ends, so this is the queued runs plus the runs training now;
 * queued alone is this minus the sum of the replicas' active runs. Read with Kafka's Admin API, at most every
 * {@link #MAX_AGE}; NaN while the broker cannot be asked.
 */
public final class RequestBacklog implements AutoCloseable {

    static final Duration MAX_AGE = Duration.ofSeconds(5);
    private static final Logger LOG = Logger.getLogger(RequestBacklog.class);
    private static final long TIMEOUT_MS = 3_000;

    private final Admin admin;
    private final String group;
    private final String topic;
    private double last = Double.NaN;
    private long readAt;

    public RequestBacklog(String bootstrapServers, String group, String topic) {
        this(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), group, topic);
    }

    /** {@code clientProperties}: bootstrap servers and security settings (KafkaSettings.clientProperties()). */
    public RequestBacklog(Map<String, Object> clientProperties, String group, String topic) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT_MS);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT_MS);
        this.admin = Admin.create(props);
        this.group = group;
        this.topic = topic;
    }

    /** The backlog, read again when the last reading is older than {@link #MAX_AGE}. */
    public synchronized double get() {
        if (readAt != 0 && System.nanoTime() - readAt < MAX_AGE.toNanos()) {
            return last;
        }
        try {
            last = read();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.debugf("backlog of %s not readable: %s", topic, e.getMessage());
            last = Double.NaN;
        }
        readAt = System.nanoTime();
        return last;
    }

    private double read() throws Exception {
        List<TopicPartition> partitions = admin
                .describeTopics(List.of(topic))
                .allTopicNames()
                .get(TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .get(topic)
                .partitions()
                .stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .toList();
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = offsets(partitions, OffsetSpec.latest());
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts =
                offsets(partitions, OffsetSpec.earliest());
        long backlog = 0;
        for (TopicPartition p : partitions) {
            OffsetAndMetadata done = committed.get(p);
            long from = done != null ? done.offset() : starts.get(p).offset();
            backlog += Math.max(0, ends.get(p).offset() - from);
        }
        return backlog;
    }

    private Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> offsets(
            List<TopicPartition> partitions, OffsetSpec spec) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(p -> request.put(p, spec));
        return admin.listOffsets(request).all().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(2));
    }
}
