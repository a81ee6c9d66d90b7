package io.softcifar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.softcifar.infra.local.TopicSpec;
import io.softcifar.testsupport.TestInfrastructure;
import io.softcifar.testsupport.TopicProbe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** {@code softcifar dlq} and {@code dlq replay} against a real broker, with dead letters as the consumers write them. */
class DlqCommandIT {

    private final TestInfrastructure infra = TestInfrastructure.get();

    @Test
    void listsDeadLettersWithTheirReasonAndReplaysOneToItsTopic() throws Exception {
        String topic = "it.dlqcmd." + UUID.randomUUID();
        String dlq = topic + ".dlq";
        infra.createTopics(TopicSpec.of(topic, 1), TopicSpec.of(dlq, 1));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", infra.kafkaBootstrapServers()),
                new StringSerializer(),
                new StringSerializer())) {
            ProducerRecord<String, String> poison = new ProducerRecord<>(dlq, "run-1", "{\"eventId\": 3");
            header(poison, "softcifar-dlq-reason", "cannot decode: unexpected end of input");
            header(poison, "softcifar-dlq-source", topic + "/0@7");
            header(poison, "softcifar-dlq-kind", "poison");
            header(poison, "softcifar-dlq-attempts", "1");
            header(poison, "softcifar-dlq-topic", topic);
            producer.send(poison).get();
            ProducerRecord<String, String> exhausted = new ProducerRecord<>(dlq, "run-2", "{\"ok\":true}");
            header(exhausted, "softcifar-dlq-reason", "retries exhausted after 12 tries: ObjectStoreException: down");
            header(exhausted, "softcifar-dlq-source", topic + "/0@8");
            header(exhausted, "softcifar-dlq-kind", "retries-exhausted");
            header(exhausted, "softcifar-dlq-attempts", "12");
            header(exhausted, "softcifar-dlq-topic", topic);
            producer.send(exhausted).get();
        }

        CliRunner.Result list = CliRunner.run("dlq", "--kafka", infra.kafkaBootstrapServers(), "--topic", dlq);
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out().lines()).hasSize(3); // header + 2
        assertThat(list.out())
                .contains(dlq + "/0@0")
                .contains(topic + "/0@7")
                .contains("poison")
                .contains("cannot decode: unexpected end of input");
        assertThat(list.out())
                .contains(dlq + "/0@1")
                .contains("retries-exhausted")
                .contains("12")
                .contains("retries exhausted after 12 tries: ObjectStoreException: down");

        CliRunner.Result replay =
                CliRunner.run("dlq", "replay", "--kafka", infra.kafkaBootstrapServers(), dlq + "/0@1");
        assertThat(replay.exitCode()).as(replay.err()).isZero();
        assertThat(replay.out()).startsWith("Replayed " + dlq + "/0@1 to " + topic + "/0@0");
        try (TopicProbe original = new TopicProbe(infra.kafkaBootstrapServers(), topic)) {
            ConsumerRecord<String, String> back =
                    original.await(r -> true, Duration.ofSeconds(20)).orElseThrow();
            assertThat(back.key()).isEqualTo("run-2");
            assertThat(back.value()).isEqualTo("{\"ok\":true}");
            assertThat(new String(
                            back.headers().lastHeader("softcifar-replayed-from").value(), StandardCharsets.UTF_8))
                    .isEqualTo(dlq + "/0@1");
        }

        CliRunner.Result bad = CliRunner.run("dlq", "replay", "--kafka", infra.kafkaBootstrapServers(), "run-2");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err()).startsWith("softcifar: ID: expected TOPIC.dlq/PARTITION@OFFSET");
        CliRunner.Result missing =
                CliRunner.run("dlq", "replay", "--kafka", infra.kafkaBootstrapServers(), dlq + "/0@9");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("no dead letter at " + dlq + "-0@9");
    }

    private static void header(ProducerRecord<String, String> r, String name, String value) {
        r.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
