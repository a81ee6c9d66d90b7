package io.softcifar.service.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.events.EventEnvelope;
import io.softcifar.contracts.events.TrainingCancelRequested;
import io.softcifar.infra.local.EmbeddedKafka;
import io.softcifar.infra.local.TopicSpec;
import io.softcifar.service.kafka.KafkaSettings;
import io.softcifar.testsupport.TopicProbe;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real broker outage in the middle of a handler: this test's own broker (data kept on disk, fixed ports) is stopped
 * while the handler holds a record and started again on the same ports, so the handler's publish really times out.
 * The publisher's send timeout is set to 1.5 s here, well below the outage, so the outage outlasts it several times.
 */
class EventConsumerBrokerOutageIT {

    @TempDir
    Path data;

    @Test
    void aHandlerWhosePublishFailsWhileTheBrokerIsDownSucceedsOnceItIsBackAndNothingIsDeadLettered() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.builder().optDataDir(data).start();
        int brokerPort = kafka.brokerPort();
        int controllerPort = kafka.controllerPort();
        String bootstrap = kafka.bootstrapServers();
        kafka.createTopics(TopicSpec.of("in", 1), TopicSpec.of("in.dlq", 1), TopicSpec.of("out", 1));

        EventEnvelope sent = EventEnvelope.of(new TrainingCancelRequested("run-1", "test"), null);
        EventPublisher publisher = new EventPublisher();
        publisher.settings = KafkaSettings.of(bootstrap, false).withSendTimeout(Duration.ofMillis(1_500));
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch brokerDown = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger successes = new AtomicInteger();
        EventConsumer consumer = EventConsumer.builder()
                .bootstrapServers(bootstrap)
                .groupId("outage")
                .topics(List.of("in"))
                .deadLetters(publisher)
                .meterRegistry(new SimpleMeterRegistry())
                .retry(40, Duration.ofMillis(250), Duration.ofSeconds(1))
                .handler((event, record) -> {
                    if (calls.incrementAndGet() == 1) {
                        holding.countDown();
                        brokerDown.await(); // the test stops the broker now
                    }
                    publisher.publish("out", record.key(), event);
                    successes.incrementAndGet();
                })
                .build()
                .start();
        try {
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                    Map.of("bootstrap.servers", bootstrap), new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>("in", "run-1", EventCodec.encode(sent)))
                        .get();
            }
            assertThat(holding.await(30, TimeUnit.SECONDS)).isTrue();
            kafka.close();
            brokerDown.countDown();
            // the outage lasts until the publish has timed out at least twice (2 × 1.5 s)
            await().atMost(Duration.ofSeconds(30)).until(() -> consumer.retries() >= 2);
            assertThat(successes.get()).isZero();
            kafka = EmbeddedKafka.builder()
                    .optDataDir(data)
                    .optBrokerPort(brokerPort)
                    .optControllerPort(controllerPort)
                    .start();

            await().atMost(Duration.ofSeconds(60)).until(() -> successes.get() == 1);
            long retries = consumer.retries();
            System.out.printf(
                    "broker outage: %d calls, %d retries before the publish went through%n", calls.get(), retries);
            try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    OffsetAndMetadata offset = admin.listConsumerGroupOffsets("outage")
                            .partitionsToOffsetAndMetadata()
                            .get()
                            .get(new TopicPartition("in", 0));
                    assertThat(offset).isNotNull();
                    assertThat(offset.offset()).isEqualTo(1);
                });
            }
            try (TopicProbe out = new TopicProbe(bootstrap, "out")) {
                // At least once, and every copy the same event: a publish that timed out just as the broker came back
                // may still have been appended (the producer expires an in-flight batch locally while the broker
                // writes it; seen in CI as two records). The copies carry one event id, which is how readers tell a
                // redelivery from a new event (docs/reliability.md, "Published once").
                List<ConsumerRecord<String, String>> published = out.readFor(Duration.ofSeconds(3));
                assertThat(published).isNotEmpty().hasSizeLessThanOrEqualTo(calls.get());
                assertThat(published).extracting(ConsumerRecord::key).containsOnly("run-1");
                assertThat(published)
                        .extracting(r -> EventCodec.decode(r.value()).eventId())
                        .containsOnly(sent.eventId());
                System.out.printf("broker outage: %d record(s) on the output topic%n", published.size());
            }
            assertThat(successes.get()).isEqualTo(1);
            assertThat(calls.get()).isEqualTo(1 + (int) retries);
            assertThat(consumer.deadLettered()).isZero();
        } finally {
            consumer.close(Duration.ofSeconds(2));
            publisher.close();
            kafka.close();
        }
    }
}
