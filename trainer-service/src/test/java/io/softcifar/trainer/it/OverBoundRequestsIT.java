package io.softcifar.trainer.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.events.EventEnvelope;
import io.softcifar.contracts.events.TrainingFailed;
import io.softcifar.contracts.events.TrainingRequested;
import io.softcifar.contracts.spec.FieldError;
import io.softcifar.contracts.spec.RunSpec;
import io.softcifar.contracts.storage.ObjectKeys;
import io.softcifar.contracts.topics.Topics;
import io.softcifar.service.events.EventConsumer;
import io.softcifar.storage.ObjectStore;
import io.softcifar.storage.ObjectStoreConfig;
import io.softcifar.testsupport.InfrastructureTestResource;
import io.softcifar.testsupport.TestInfrastructure;
import io.softcifar.testsupport.TopicProbe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A {@code training.requested} event whose spec is over a bound (docs/security.md, "Bounded requests"; the numbers
 * written out here) is poison: the trainer validates it with the spec's own {@code RunSpec.validate()} — the same
 * rules the results-service applies to a study — publishes one {@code training.failed} naming the field and the
 * bound, dead-letters the request with that reason, and leaves nothing else: no other event of the run on the
 * state, progress or checkpoint topics, no object under the run's prefix.
 */
@QuarkusTest
@QuarkusTestResource(InfrastructureTestResource.class)
class OverBoundRequestsIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static KafkaProducer<String, String> producer;
    private static ObjectStore store;

    @BeforeAll
    static void setUp() {
        TestInfrastructure infra = TestInfrastructure.get();
        producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", infra.kafkaBootstrapServers(), "acks", "all"),
                new StringSerializer(),
                new StringSerializer());
        store = new ObjectStore(
                ObjectStoreConfig.of(infra.s3Endpoint(), infra.s3AccessKey(), infra.s3SecretKey(), infra.bucket()));
        store.ensureBucket();
    }

    @AfterAll
    static void tearDown() {
        producer.close();
        store.close();
    }

    static Stream<Arguments> overBound() {
        return Stream.of(
                Arguments.of(
                        "epochs",
                        (UnaryOperator<RunSpec.Builder>) b -> b.epochs(1_000_000_000),
                        "epochs",
                        "at most 1000, got 1000000000"),
                Arguments.of(
                        "depth", (UnaryOperator<RunSpec.Builder>) b -> b.depth(1000), "depth", "at most 110, got 1000"),
                Arguments.of(
                        "batch",
                        (UnaryOperator<RunSpec.Builder>) b -> b.batchSize(1_000_000),
                        "batchSize",
                        "at most 4096, got 1000000"),
                Arguments.of(
                        "seed",
                        (UnaryOperator<RunSpec.Builder>) b -> b.seed(2_147_483_648L),
                        "seed",
                        "at most 2147483647, got 2147483648"),
                Arguments.of(
                        "milestones",
                        (UnaryOperator<RunSpec.Builder>) b -> b.milestones(
                                IntStream.rangeClosed(1, 65).boxed().toList()),
                        "milestones",
                        "at most 64 milestones, got 65"),
                Arguments.of(
                        "warmup",
                        (UnaryOperator<RunSpec.Builder>) b -> b.warmupEpochs(5000),
                        "warmupEpochs",
                        "at most 1000, got 5000"),
                Arguments.of(
                        "checkpoints",
                        (UnaryOperator<RunSpec.Builder>) b -> b.checkpointEvery(100_000),
                        "checkpointEvery",
                        "at most 1000, got 100000"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overBound")
    void anOverBoundRequestIsPoisonWithItsReasonAndLeavesNothing(
            String label, UnaryOperator<RunSpec.Builder> change, String field, String message) throws Exception {
        String runId = "run-bound-" + label + "-" + UUID.randomUUID().toString().substring(0, 8);
        RunSpec spec = change.apply(
                        RunSpec.builder("ds-bounds", "basic", "soft").depth(8).epochs(1))
                .build();
        producer.send(new ProducerRecord<>(
                        Topics.TRAINING_REQUESTS,
                        runId,
                        EventCodec.encode(EventEnvelope.of(new TrainingRequested(runId, "study-bounds", spec), null))))
                .get();
        String reason = "invalid run spec: " + field + ": " + message;

        try (TopicProbe dlq = probe(Topics.deadLetterOf(Topics.TRAINING_REQUESTS))) {
            ConsumerRecord<String, String> dead =
                    dlq.await(r -> runId.equals(r.key()), WAIT).orElseThrow();
            assertThat(header(dead, EventConsumer.DLQ_REASON_HEADER)).isEqualTo(reason);
            assertThat(header(dead, EventConsumer.DLQ_KIND_HEADER)).isEqualTo(EventConsumer.KIND_POISON);
        }
        // the failed event is published before the request is dead-lettered: the topics are complete for the run
        try (TopicProbe state = probe(Topics.TRAINING_STATE)) {
            List<ConsumerRecord<String, String>> events = state.readToEnd().stream()
                    .filter(r -> runId.equals(r.key()))
                    .toList();
            assertThat(events).hasSize(1);
            TrainingFailed failed = EventCodec.decode(events.get(0).value())
                    .payloadAs(TrainingFailed.class)
                    .orElseThrow();
            assertThat(failed.reason()).isEqualTo(reason);
            assertThat(failed.errors()).containsExactly(new FieldError(field, message));
        }
        for (String topic : List.of(Topics.TRAINING_PROGRESS, Topics.CHECKPOINTS)) {
            try (TopicProbe probe = probe(topic)) {
                assertThat(probe.readToEnd()).as(topic).noneMatch(r -> runId.equals(r.key()));
            }
        }
        assertThat(store.list(ObjectKeys.runPrefix(runId))).isEmpty();
    }

    private static TopicProbe probe(String topic) {
        return new TopicProbe(TestInfrastructure.get().kafkaBootstrapServers(), topic);
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
