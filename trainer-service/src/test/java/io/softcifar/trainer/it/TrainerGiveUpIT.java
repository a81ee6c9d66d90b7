package io.softcifar.trainer.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.events.EventEnvelope;
import io.softcifar.contracts.events.TrainingFailed;
import io.softcifar.contracts.events.TrainingFinished;
import io.softcifar.contracts.events.TrainingRequested;
import io.softcifar.contracts.spec.RunSpec;
import io.softcifar.contracts.storage.ObjectKeys;
import io.softcifar.contracts.topics.Topics;
import io.softcifar.service.events.EventConsumer;
import io.softcifar.storage.ObjectStore;
import io.softcifar.storage.ObjectStoreConfig;
import io.softcifar.testsupport.FaultyStoreProxy;
import io.softcifar.testsupport.InfrastructureTestResource;
import io.softcifar.testsupport.PrometheusText;
import io.softcifar.testsupport.TestInfrastructure;
import io.softcifar.testsupport.TopicProbe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The trainer's give-up hook ({@code TrainingRequestListener} → {@code RunExecutor.giveUp}) at service level: a
 * retryable failure that outlasts a small retry budget ends in exactly one {@code training.failed} naming the
 * exhausted retries, a dead letter of kind {@code retries-exhausted}, and a consumer that goes on to the next request.
 *
 * <p><b>The retryable failure.</b> The service's object store is the shared S3 server behind a
 * {@link FaultyStoreProxy}, which answers {@code 503 ServiceUnavailable} to every request whose key contains
 * {@value #MARKER} and relays all others. The bad request names a dataset whose id contains the marker, so its run
 * gets its lease (keys without the marker) and then fails where a run reads its dataset, as against an overloaded
 * store: {@code S3Failures} maps the 503 to a retryable {@code ObjectStoreException}, {@code RunExecutor} publishes no
 * verdict and rethrows, and the consumer retries. Nothing in the trainer itself fails, and no other key is touched.
 * The budget in this profile: 2 tries 100 ms apart, each store call tried twice (50 ms apart). The module's other ITs
 * run without the proxy and with the default budget (another profile, so another application start).
 */
@QuarkusTest
@TestProfile(TrainerGiveUpIT.SmallRetryBudget.class)
@QuarkusTestResource(InfrastructureTestResource.class)
class TrainerGiveUpIT {

    static final String MARKER = "store-unavailable-trainer";
    private static final int TRIES = 2;
    private static final Duration WAIT = Duration.ofSeconds(180);
    private static final String DATASET = "ds-trainer-giveup-" + UUID.randomUUID().toString().substring(0, 8);

    public static class SmallRetryBudget implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("softcifar.s3.endpoint", FaultyStoreProxy.shared(MARKER).endpoint(),
                    "softcifar.s3.attempts", "2",
                    "softcifar.s3.initial-backoff", "50ms",
                    "softcifar.s3.max-backoff", "50ms",
                    "softcifar.consumer.retry.max-attempts", Integer.toString(TRIES),
                    "softcifar.consumer.retry.initial-backoff", "100ms",
                    "softcifar.consumer.retry.max-backoff", "100ms");
        }
    }

    private static ObjectStore store;
    private static KafkaProducer<String, String> producer;

    @BeforeAll
    static void setUp() throws Exception {
        TestInfrastructure infra = TestInfrastructure.get();
        store = new ObjectStore(ObjectStoreConfig.of(infra.s3Endpoint(), infra.s3AccessKey(), infra.s3SecretKey(),
                infra.bucket()));
        store.ensureBucket();
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", infra.kafkaBootstrapServers(), "acks", "all"),
                new StringSerializer(), new StringSerializer());
        TestDatasets.upload(store, DATASET, 200, 0);
    }

    @AfterAll
    static void tearDown() {
        producer.close();
        store.close();
    }

    private static RunSpec tiny(String datasetId) {
        return RunSpec.builder(datasetId, "basic", "soft").depth(8).epochs(1).batchSize(32).warmupEpochs(1).build();
    }

    @Test
    void aRunWhoseDatasetStaysUnreadableGetsOneTrainingFailedAndADeadLetterAndTheNextRequestTrains()
            throws Exception {
        FaultyStoreProxy proxy = FaultyStoreProxy.shared(MARKER);
        assertThat(ConfigProvider.getConfig().getValue("softcifar.s3.endpoint", String.class))
                .as("the service talks to the store through the proxy").isEqualTo(proxy.endpoint());
        String bad = "run-giveup-" + UUID.randomUUID().toString().substring(0, 8);
        String good = "run-after-giveup-" + UUID.randomUUID().toString().substring(0, 8);
        String unreadable = "ds-" + MARKER + "-" + UUID.randomUUID().toString().substring(0, 8);
        long faultsBefore = proxy.faults();
        double retriesBefore = consumerMetric("softcifar_consumer_retries_total");
        double exhaustedBefore = consumerMetric("softcifar_consumer_dead_letters_total", "kind", "retries-exhausted");

        // both on partition 0: the good request waits behind the bad one
        RecordMetadata badAt = send(bad, tiny(unreadable));
        RecordMetadata goodAt = send(good, tiny(DATASET));
        long t0 = System.nanoTime();

        try (TopicProbe state = probe(Topics.TRAINING_STATE);
                TopicProbe dlq = probe(Topics.deadLetterOf(Topics.TRAINING_REQUESTS))) {
            assertThat(state.await(r -> good.equals(r.key()) && r.value().contains(TrainingFinished.TYPE), WAIT))
                    .as("the request after the exhausted one trained to its end").isPresent();
            double seconds = (System.nanoTime() - t0) / 1e9;

            List<ConsumerRecord<String, String>> badStates = state.readFor(Duration.ofSeconds(1)).stream()
                    .filter(r -> bad.equals(r.key())).toList();
            List<TrainingFailed> failed = badStates.stream()
                    .map(r -> EventCodec.decode(r.value()).payloadAs(TrainingFailed.class))
                    .flatMap(java.util.Optional::stream).toList();
            assertThat(failed).as("one training.failed for the exhausted request").hasSize(1);
            String reason = failed.get(0).reason();
            assertThat(reason).startsWith("retries exhausted after " + TRIES + " tries: ")
                    .contains("ObjectStoreException").contains(ObjectKeys.manifest(unreadable))
                    .containsAnyOf("ServiceUnavailable", "503");
            assertThat(failed.get(0).fencingToken()).as("the lease token of the last try").isEqualTo((long) TRIES);
            assertThat(badStates).as("no RUNNING state: the run never got to its data")
                    .allMatch(r -> r.value().contains(TrainingFailed.TYPE));

            ConsumerRecord<String, String> dead = dlq.await(r -> bad.equals(r.key()), Duration.ofSeconds(10))
                    .orElseThrow(() -> new AssertionError("no dead letter for " + bad));
            assertThat(header(dead, EventConsumer.DLQ_KIND_HEADER)).isEqualTo(EventConsumer.KIND_RETRIES_EXHAUSTED);
            assertThat(header(dead, EventConsumer.DLQ_ATTEMPTS_HEADER)).isEqualTo(Integer.toString(TRIES));
            assertThat(header(dead, EventConsumer.DLQ_REASON_HEADER)).isEqualTo(reason);
            assertThat(header(dead, EventConsumer.DLQ_TOPIC_HEADER)).isEqualTo(Topics.TRAINING_REQUESTS);
            assertThat(header(dead, EventConsumer.DLQ_OFFSET_HEADER)).isEqualTo(Long.toString(badAt.offset()));
            assertThat(dlq.readFor(Duration.ZERO)).filteredOn(r -> good.equals(r.key())).isEmpty();
            assertThat(goodAt.offset()).isGreaterThan(badAt.offset());

            // one failing store call per try (the manifest's existence check), each tried twice by the store client
            assertThat(proxy.faults() - faultsBefore).as("503s injected: consumer tries × store tries")
                    .isEqualTo(TRIES * 2L);
            assertThat(consumerMetric("softcifar_consumer_retries_total") - retriesBefore).isEqualTo(TRIES - 1);
            assertThat(consumerMetric("softcifar_consumer_dead_letters_total", "kind", "retries-exhausted")
                    - exhaustedBefore).isEqualTo(1.0);
            System.out.printf("trainer give-up: reason '%s'; %d faults; both records settled in %.1f s%n", reason,
                    proxy.faults() - faultsBefore, seconds);
        }
    }

    private static RecordMetadata send(String runId, RunSpec spec) throws Exception {
        String value = EventCodec.encode(EventEnvelope.of(new TrainingRequested(runId, "study-giveup-it", spec), null));
        return producer.send(new ProducerRecord<>(Topics.TRAINING_REQUESTS, 0, runId, value)).get();
    }

    private static String header(ConsumerRecord<String, String> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static double consumerMetric(String name, String... labels) {
        String[] all = new String[labels.length + 2];
        all[0] = "topic";
        all[1] = Topics.TRAINING_REQUESTS;
        System.arraycopy(labels, 0, all, 2, labels.length);
        return PrometheusText.sum(given().get("/q/metrics").asString(), name, all).orElse(0);
    }

    private static TopicProbe probe(String topic) {
        return new TopicProbe(TestInfrastructure.get().kafkaBootstrapServers(), topic);
    }
}
