package io.softcifar.service.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.softcifar.contracts.events.DatasetRequested;
import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.events.EventEnvelope;
import io.softcifar.contracts.events.TrainingCancelRequested;
import io.softcifar.contracts.topics.CleanupPolicy;
import io.softcifar.contracts.topics.TopicSpec;
import io.softcifar.service.kafka.TopicInitializer;
import io.softcifar.storage.ObjectStoreException;
import io.softcifar.testsupport.TestInfrastructure;
import io.softcifar.testsupport.TopicProbe;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The consumer loop against a real broker: handlers longer than max.poll.interval.ms, slots, dead letters. */
class EventConsumerIT {

    private final TestInfrastructure infra = TestInfrastructure.get();

    private String topic(int partitions) {
        String name = "it.consumer." + UUID.randomUUID();
        TopicInitializer.createMissing(
                infra.kafkaBootstrapServers(),
                List.of(
                        new TopicSpec(
                                name,
                                partitions,
                                1,
                                CleanupPolicy.DELETE,
                                Duration.ofHours(1).toMillis(),
                                "test",
                                List.of(),
                                Set.of(),
                                Set.of()),
                        new TopicSpec(
                                name + TopicSpec.DEAD_LETTER_SUFFIX,
                                1,
                                1,
                                CleanupPolicy.DELETE,
                                Duration.ofHours(1).toMillis(),
                                "test",
                                List.of(),
                                Set.of(),
                                Set.of())));
        return name;
    }

    private void send(String topic, int partition, String key, String value) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", infra.kafkaBootstrapServers()),
                new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, partition, key, value)).get();
        }
    }

    private static String event(String runId) {
        return EventCodec.encode(EventEnvelope.of(new TrainingCancelRequested(runId, "test"), null));
    }

    private EventPublisher publisher() {
        EventPublisher publisher = new EventPublisher();
        publisher.settings = io.softcifar.service.kafka.KafkaSettings.of(infra.kafkaBootstrapServers(), false);
        return publisher;
    }

    @Test
    void aHandlerLongerThanMaxPollIntervalRunsOnceAndItsOffsetIsCommitted() throws Exception {
        String topic = topic(1);
        String group = "g-" + UUID.randomUUID();
        AtomicInteger calls = new AtomicInteger();
        List<String> handled = new CopyOnWriteArrayList<>();
        EventPublisher publisher = publisher();
        // max.poll.interval.ms = 3 s, and the first handler takes 9 s: a consumer that blocked in the handler would be
        // thrown out of the group and get the record again
        try (EventConsumer consumer = EventConsumer.builder()
                .bootstrapServers(infra.kafkaBootstrapServers())
                .groupId(group)
                .topics(List.of(topic))
                .deadLetters(publisher)
                .property(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 3_000)
                .handler((event, record) -> {
                    calls.incrementAndGet();
                    if (record.key().equals("slow")) {
                        Thread.sleep(9_000);
                    }
                    handled.add(record.key());
                })
                .build()
                .start()) {
            send(topic, 0, "slow", event("run-slow"));
            send(topic, 0, "next", event("run-next"));
            await().atMost(Duration.ofSeconds(40)).until(() -> handled.size() == 2);
            assertThat(handled).containsExactly("slow", "next"); // in order, one at a time per partition
            // and nothing is handled again: the count stays 2 for a second
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> calls.get() == 2);
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", infra.kafkaBootstrapServers()))) {
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                            .partitionsToOffsetAndMetadata()
                            .get();
                    assertThat(offsets.get(new TopicPartition(topic, 0)).offset())
                            .isEqualTo(2);
                });
            }
        } finally {
            publisher.close();
        }
    }

    @Test
    void withOneSlotTwoPartitionsAreHandledOneAtATime() throws Exception {
        String topic = topic(2);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        Map<String, Boolean> done = new ConcurrentHashMap<>();
        EventPublisher publisher = publisher();
        try (EventConsumer consumer = EventConsumer.builder()
                .bootstrapServers(infra.kafkaBootstrapServers())
                .groupId("g-" + UUID.randomUUID())
                .topics(List.of(topic))
                .deadLetters(publisher)
                .slots(1)
                .handler((event, record) -> {
                    maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                    Thread.sleep(1_500);
                    running.decrementAndGet();
                    done.put(record.key(), true);
                })
                .build()
                .start()) {
            send(topic, 0, "a", event("a"));
            send(topic, 1, "b", event("b"));
            send(topic, 0, "c", event("c"));
            await().atMost(Duration.ofSeconds(30)).until(() -> done.size() == 3);
            assertThat(maxRunning.get()).isEqualTo(1);
        } finally {
            publisher.close();
        }
    }

    @Test
    void poisonAndRejectedEventsGoToTheDeadLetterTopicAndTheConsumerMovesOn() throws Exception {
        String topic = topic(1);
        List<String> handled = new CopyOnWriteArrayList<>();
        EventPublisher publisher = publisher();
        try (EventConsumer consumer = EventConsumer.builder()
                        .bootstrapServers(infra.kafkaBootstrapServers())
                        .groupId("g-" + UUID.randomUUID())
                        .topics(List.of(topic))
                        .deadLetters(publisher)
                        .handler((event, record) -> {
                            if (record.key().equals("rejected")) {
                                throw new RejectedEventException("run rejected: no such dataset");
                            }
                            handled.add(record.key());
                        })
                        .build()
                        .start();
                TopicProbe dlq = new TopicProbe(infra.kafkaBootstrapServers(), topic + TopicSpec.DEAD_LETTER_SUFFIX)) {
            send(topic, 0, "garbage", "{\"eventId\": 3");
            send(topic, 0, "rejected", event("r"));
            send(topic, 0, "fine", event("f"));
            await().atMost(Duration.ofSeconds(30)).until(() -> handled.contains("fine"));
            ConsumerRecord<String, String> garbage = dlq.await(r -> r.key().equals("garbage"), Duration.ofSeconds(20))
                    .orElseThrow();
            assertThat(garbage.value()).isEqualTo("{\"eventId\": 3");
            assertThat(header(garbage, EventConsumer.DLQ_REASON_HEADER)).startsWith("cannot decode");
            assertThat(header(garbage, EventConsumer.DLQ_SOURCE_HEADER)).isEqualTo(topic + "/0@0");
            assertThat(header(garbage, EventConsumer.DLQ_KIND_HEADER)).isEqualTo(EventConsumer.KIND_POISON);
            ConsumerRecord<String, String> rejected = dlq.await(r -> r.key().equals("rejected"), Duration.ofSeconds(20))
                    .orElseThrow();
            assertThat(header(rejected, EventConsumer.DLQ_REASON_HEADER)).isEqualTo("run rejected: no such dataset");
            assertThat(handled).containsExactly("fine");
        } finally {
            publisher.close();
        }
    }

    @Test
    void aTransientFailureIsRetriedWithThePartitionPausedAndCommittedOnlyAfterSuccess() throws Exception {
        String topic = topic(1);
        String group = "g-" + UUID.randomUUID();
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger successes = new AtomicInteger();
        List<Long> committedWhileFailing = new CopyOnWriteArrayList<>();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        EventPublisher publisher = publisher();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", infra.kafkaBootstrapServers()));
                EventConsumer consumer = EventConsumer.builder()
                        .bootstrapServers(infra.kafkaBootstrapServers())
                        .groupId(group)
                        .topics(List.of(topic))
                        .deadLetters(publisher)
                        .meterRegistry(registry)
                        .retry(6, Duration.ofMillis(200), Duration.ofMillis(800))
                        .handler((event, record) -> {
                            int call = calls.incrementAndGet();
                            if (record.key().equals("flaky") && call <= 3) {
                                committedWhileFailing.add(committed(admin, group, topic));
                                // what the object store throws when it cannot be reached: retryable, not poison
                                throw new ObjectStoreException(
                                        "Cannot read 'runs/r/metrics.json': cannot connect", null, true);
                            }
                            successes.incrementAndGet();
                        })
                        .build()
                        .start()) {
            send(topic, 0, "flaky", event("run-flaky"));
            send(topic, 0, "after", event("run-after"));
            await().atMost(Duration.ofSeconds(30)).until(() -> successes.get() == 2);
            // three failures, then the fourth try of "flaky" and one try of "after": 5 calls, 3 retries
            assertThat(calls.get()).isEqualTo(5);
            assertThat(consumer.retries()).isEqualTo(3);
            assertThat(registry.get("softcifar.consumer.retries")
                            .tag("topic", topic)
                            .counter()
                            .count())
                    .isEqualTo(3.0);
            assertThat(committedWhileFailing)
                    .as("nothing committed while the first record failed")
                    .containsOnly(-1L);
            await().atMost(Duration.ofSeconds(10)).until(() -> committed(admin, group, topic) == 2);
            assertThat(consumer.deadLettered()).isZero();
        } finally {
            publisher.close();
        }
    }

    @Test
    void aRetryableFailureThatOutlastsTheBudgetGoesToTheDeadLetterTopicWithItsReason() throws Exception {
        String topic = topic(1);
        List<String> gaveUp = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        List<String> handled = new CopyOnWriteArrayList<>();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        EventPublisher publisher = publisher();
        try (EventConsumer consumer = EventConsumer.builder()
                        .bootstrapServers(infra.kafkaBootstrapServers())
                        .groupId("g-" + UUID.randomUUID())
                        .topics(List.of(topic))
                        .deadLetters(publisher)
                        .meterRegistry(registry)
                        .retry(3, Duration.ofMillis(100), Duration.ofMillis(200))
                        .onGiveUp((event, record, reason) -> gaveUp.add(record.key() + ": " + reason))
                        .handler((event, record) -> {
                            if (record.key().equals("down")) {
                                calls.incrementAndGet();
                                throw new RetryableEventException("dataset service unreachable");
                            }
                            handled.add(record.key());
                        })
                        .build()
                        .start();
                TopicProbe dlq = new TopicProbe(infra.kafkaBootstrapServers(), topic + TopicSpec.DEAD_LETTER_SUFFIX)) {
            send(topic, 0, "down", event("d"));
            send(topic, 0, "fine", event("f"));
            ConsumerRecord<String, String> dead = dlq.await(r -> r.key().equals("down"), Duration.ofSeconds(30))
                    .orElseThrow();
            assertThat(header(dead, EventConsumer.DLQ_KIND_HEADER)).isEqualTo(EventConsumer.KIND_RETRIES_EXHAUSTED);
            assertThat(header(dead, EventConsumer.DLQ_ATTEMPTS_HEADER)).isEqualTo("3");
            assertThat(header(dead, EventConsumer.DLQ_REASON_HEADER))
                    .isEqualTo("retries exhausted after 3 tries: RetryableEventException: dataset service unreachable");
            assertThat(header(dead, EventConsumer.DLQ_TOPIC_HEADER)).isEqualTo(topic);
            assertThat(header(dead, EventConsumer.DLQ_OFFSET_HEADER)).isEqualTo("0");
            await().atMost(Duration.ofSeconds(20)).until(() -> handled.contains("fine"));
            assertThat(calls.get()).isEqualTo(3);
            assertThat(consumer.retries()).isEqualTo(2);
            assertThat(gaveUp)
                    .containsExactly(
                            "down: retries exhausted after 3 tries: RetryableEventException: dataset service unreachable");
            assertThat(registry.get("softcifar.consumer.dead_letters")
                            .tag("kind", "retries-exhausted")
                            .counter()
                            .count())
                    .isEqualTo(1.0);
        } finally {
            publisher.close();
        }
    }

    @Test
    void anUnexpectedErrorIsPoisonAndIsNotRetried() throws Exception {
        String topic = topic(1);
        AtomicInteger calls = new AtomicInteger();
        EventPublisher publisher = publisher();
        try (EventConsumer consumer = EventConsumer.builder()
                        .bootstrapServers(infra.kafkaBootstrapServers())
                        .groupId("g-" + UUID.randomUUID())
                        .topics(List.of(topic))
                        .deadLetters(publisher)
                        .meterRegistry(new SimpleMeterRegistry())
                        .retry(5, Duration.ofMillis(100), Duration.ofMillis(200))
                        .handler((event, record) -> {
                            calls.incrementAndGet();
                            throw new IllegalStateException("epochs must be positive, got -3");
                        })
                        .build()
                        .start();
                TopicProbe dlq = new TopicProbe(infra.kafkaBootstrapServers(), topic + TopicSpec.DEAD_LETTER_SUFFIX)) {
            send(topic, 0, "bad", event("b"));
            ConsumerRecord<String, String> dead = dlq.await(r -> r.key().equals("bad"), Duration.ofSeconds(30))
                    .orElseThrow();
            assertThat(header(dead, EventConsumer.DLQ_KIND_HEADER)).isEqualTo(EventConsumer.KIND_POISON);
            assertThat(header(dead, EventConsumer.DLQ_REASON_HEADER))
                    .isEqualTo("IllegalStateException: epochs must be positive, got -3");
            assertThat(calls.get()).isEqualTo(1);
            assertThat(consumer.retries()).isZero();
        } finally {
            publisher.close();
        }
    }

    /** The group's committed offset of partition 0, or -1 when none. */
    private static long committed(Admin admin, String group, String topic) throws Exception {
        OffsetAndMetadata offset = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get()
                .get(new TopicPartition(topic, 0));
        return offset == null ? -1 : offset.offset();
    }

    @Test
    void aListenerLifecycleStartsItsConsumersWithTheServiceSettingsAndStopsThemAll() throws Exception {
        String topic = topic(1);
        String rejecting = "g-reject-" + UUID.randomUUID();
        List<String> handled = new CopyOnWriteArrayList<>();
        EventPublisher publisher = publisher();
        ListenerLifecycle consumers = new ListenerLifecycle(
                io.softcifar.service.kafka.KafkaSettings.of(infra.kafkaBootstrapServers(), false),
                io.softcifar.service.kafka.ConsumerRetrySettings.of(1, Duration.ZERO, Duration.ZERO),
                publisher);
        try (TopicProbe dlq = new TopicProbe(infra.kafkaBootstrapServers(), topic + TopicSpec.DEAD_LETTER_SUFFIX)) {
            assertThat(consumers.isConsuming()).as("nothing started yet").isFalse();
            consumers.start(consumers.consumer(
                    "g-" + UUID.randomUUID(),
                    topic,
                    (event, record) ->
                            handled.add(ListenerLifecycle.expect(event, record, TrainingCancelRequested.class)
                                    .runId())));
            // a second listener of the same topic that expects another type: its records go to the dead letters
            consumers.start(consumers.consumer(
                    rejecting,
                    topic,
                    (event, record) -> handled.add(ListenerLifecycle.expect(event, record, DatasetRequested.class)
                            .requestId())));
            assertThat(consumers.started()).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(consumers::isConsuming);
            send(topic, 0, "cancel", event("run-7"));
            await().atMost(Duration.ofSeconds(30)).until(() -> handled.contains("run-7"));
            ConsumerRecord<String, String> dead = dlq.await(r -> r.key().equals("cancel"), Duration.ofSeconds(20))
                    .orElseThrow();
            assertThat(header(dead, EventConsumer.DLQ_REASON_HEADER))
                    .isEqualTo("expected " + DatasetRequested.TYPE + " on " + topic + ", got "
                            + TrainingCancelRequested.TYPE);
            assertThat(header(dead, EventConsumer.DLQ_GROUP_HEADER)).isEqualTo(rejecting);
            assertThat(handled).containsExactly("run-7");
            consumers.stop(Duration.ofSeconds(5));
            assertThat(consumers.isConsuming()).isFalse();
            assertThat(consumers.inProgress()).isZero();
        } finally {
            consumers.stop(Duration.ofSeconds(5));
            publisher.close();
        }
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        return new String(record.headers().lastHeader(name).value(), java.nio.charset.StandardCharsets.UTF_8);
    }
}
