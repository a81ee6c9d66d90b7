package io.softcifar.evaluator.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.softcifar.contracts.events.CheckpointPublished;
import io.softcifar.contracts.events.Correlation;
import io.softcifar.contracts.events.EvaluationCompleted;
import io.softcifar.contracts.events.EvaluationFailed;
import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.events.EventEnvelope;
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
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
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
 * The evaluator's give-up hook ({@code CheckpointListener.giveUp}) at service level: a retryable failure that
 * outlasts a small retry budget ends in exactly one {@code evaluation.failed} naming the exhausted retries, a dead
 * letter of kind {@code retries-exhausted}, and a consumer that goes on to the next checkpoint.
 *
 * <p><b>The retryable failure.</b> The service's object store is the shared S3 server behind a
 * {@link FaultyStoreProxy}, which answers {@code 503 ServiceUnavailable} to every request whose key contains
 * {@value #MARKER} and relays all others. The bad checkpoint is stored (through the real server) at
 * {@code runs/<run>/}{@value #MARKER}{@code /best.ckpt} and its event names that key, so its download, and nothing
 * else, fails the way an overloaded store fails: {@code S3Failures} maps the 503 to a retryable
 * {@code ObjectStoreException}, {@code EvaluationService} treats it as an outage (nothing published, rethrown) and the
 * consumer retries. The budget in this profile: 2 tries 100 ms apart, each download tried twice by the store client
 * (50 ms apart), so the proxy must see exactly 2 × 2 = 4 requests for the key. The rest of the module's ITs run
 * without the proxy and with the default budget (another profile, so another application start).
 */
@QuarkusTest
@TestProfile(EvaluatorGiveUpIT.SmallRetryBudget.class)
@QuarkusTestResource(InfrastructureTestResource.class)
class EvaluatorGiveUpIT {

    static final String MARKER = "store-unavailable-evaluator";
    private static final int TRIES = 2;
    private static final int STORE_TRIES = 2;
    private static final Duration WAIT = Duration.ofSeconds(120);

    public static class SmallRetryBudget implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("softcifar.s3.endpoint", FaultyStoreProxy.shared(MARKER).endpoint(),
                    "softcifar.s3.attempts", Integer.toString(STORE_TRIES),
                    "softcifar.s3.initial-backoff", "50ms",
                    "softcifar.s3.max-backoff", "50ms",
                    "softcifar.consumer.retry.max-attempts", Integer.toString(TRIES),
                    "softcifar.consumer.retry.initial-backoff", "100ms",
                    "softcifar.consumer.retry.max-backoff", "100ms");
        }
    }

    private static ObjectStore store;
    private static EvaluationFixture fixture;
    private static KafkaProducer<String, String> producer;

    @BeforeAll
    static void setUp() {
        TestInfrastructure infra = TestInfrastructure.get();
        store = new ObjectStore(ObjectStoreConfig.of(infra.s3Endpoint(), infra.s3AccessKey(), infra.s3SecretKey(),
                infra.bucket()));
        store.ensureBucket();
        fixture = EvaluationFixture.create(store, "ds-giveup-it-" + UUID.randomUUID().toString().substring(0, 8));
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", infra.kafkaBootstrapServers(), "acks", "all"),
                new StringSerializer(), new StringSerializer());
    }

    @AfterAll
    static void tearDown() {
        producer.close();
        store.close();
    }

    @Test
    void aCheckpointWhoseDownloadKeepsFailingGetsOneEvaluationFailedAndADeadLetterAndTheNextIsEvaluated()
            throws Exception {
        FaultyStoreProxy proxy = FaultyStoreProxy.shared(MARKER);
        assertThat(ConfigProvider.getConfig().getValue("softcifar.s3.endpoint", String.class))
                .as("the service talks to the store through the proxy").isEqualTo(proxy.endpoint());
        String bad = "run-giveup-" + UUID.randomUUID().toString().substring(0, 8);
        String good = "run-after-giveup-" + UUID.randomUUID().toString().substring(0, 8);
        byte[] bytes = fixture.checkpointBytes;
        String badKey = ObjectKeys.runPrefix(bad) + MARKER + "/best.ckpt";
        store.putBytes(badKey, bytes, "application/octet-stream"); // it exists: only the store's answer is bad
        store.putBytes(ObjectKeys.bestCheckpoint(good), bytes, "application/octet-stream");
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        long faultsBefore = proxy.faults();
        double retriesBefore = consumerMetric("softcifar_consumer_retries_total");
        double exhaustedBefore = consumerMetric("softcifar_consumer_dead_letters_total", "kind", "retries-exhausted");

        // both on partition 0: the good checkpoint waits behind the bad one
        RecordMetadata badAt = send(bad, new CheckpointPublished(bad, 1, CheckpointPublished.KIND_BEST, true, badKey,
                sha, bytes.length));
        RecordMetadata goodAt = send(good, new CheckpointPublished(good, 1, CheckpointPublished.KIND_BEST, true,
                ObjectKeys.bestCheckpoint(good), sha, bytes.length));
        long t0 = System.nanoTime();

        try (TopicProbe results = probe(Topics.EVALUATION_RESULTS); TopicProbe dlq = probe(Topics.CHECKPOINTS + ".dlq")) {
            ConsumerRecord<String, String> completed = results.await(r -> good.equals(r.key())
                    && r.value().contains(EvaluationCompleted.TYPE), WAIT).orElseThrow(() -> new AssertionError(
                            "the checkpoint after the exhausted one was not evaluated"));
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertThat(EventCodec.decode(completed.value()).payloadAs(EvaluationCompleted.class).orElseThrow()
                    .metrics()).containsKey("test/accuracy");

            List<EvaluationFailed> failed = results.readFor(Duration.ofSeconds(1)).stream()
                    .filter(r -> bad.equals(r.key()))
                    .map(r -> EventCodec.decode(r.value()).payloadAs(EvaluationFailed.class))
                    .flatMap(java.util.Optional::stream).toList();
            assertThat(failed).as("one evaluation.failed for the exhausted checkpoint").hasSize(1);
            String reason = failed.get(0).reason();
            assertThat(reason).startsWith("retries exhausted after " + TRIES + " tries: ")
                    .contains("ObjectStoreException").contains(badKey).containsAnyOf("ServiceUnavailable", "503");
            assertThat(results.readFor(Duration.ZERO)).filteredOn(r -> bad.equals(r.key()))
                    .noneMatch(r -> r.value().contains(EvaluationCompleted.TYPE));

            ConsumerRecord<String, String> dead = dlq.await(r -> bad.equals(r.key()), Duration.ofSeconds(10))
                    .orElseThrow(() -> new AssertionError("no dead letter for " + bad));
            assertThat(header(dead, EventConsumer.DLQ_KIND_HEADER)).isEqualTo(EventConsumer.KIND_RETRIES_EXHAUSTED);
            assertThat(header(dead, EventConsumer.DLQ_ATTEMPTS_HEADER)).isEqualTo(Integer.toString(TRIES));
            assertThat(header(dead, EventConsumer.DLQ_REASON_HEADER)).isEqualTo(reason);
            assertThat(header(dead, EventConsumer.DLQ_TOPIC_HEADER)).isEqualTo(Topics.CHECKPOINTS);
            assertThat(header(dead, EventConsumer.DLQ_OFFSET_HEADER)).isEqualTo(Long.toString(badAt.offset()));
            assertThat(dlq.readFor(Duration.ZERO)).filteredOn(r -> good.equals(r.key())).isEmpty();
            assertThat(goodAt.offset()).isGreaterThan(badAt.offset());

            assertThat(proxy.faults() - faultsBefore).as("503s injected: consumer tries × store tries")
                    .isEqualTo((long) TRIES * STORE_TRIES);
            assertThat(consumerMetric("softcifar_consumer_retries_total") - retriesBefore).isEqualTo(TRIES - 1);
            assertThat(consumerMetric("softcifar_consumer_dead_letters_total", "kind", "retries-exhausted")
                    - exhaustedBefore).isEqualTo(1.0);
            assertThat(store.exists(ObjectKeys.evaluationFile(bad, ObjectKeys.METRICS_FILE))).isFalse();
            System.out.printf("evaluator give-up: reason '%s'; %d faults; both records settled in %.1f s%n", reason,
                    proxy.faults() - faultsBefore, seconds);
        }
    }

    private static RecordMetadata send(String runId, CheckpointPublished event) throws Exception {
        String value = EventCodec.encode(EventEnvelope.of(event, Correlation.ofRun(null, runId, fixture.datasetId)));
        return producer.send(new ProducerRecord<>(Topics.CHECKPOINTS, 0, runId, value)).get();
    }

    private static String header(ConsumerRecord<String, String> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static double consumerMetric(String name, String... labels) {
        String[] all = new String[labels.length + 2];
        all[0] = "topic";
        all[1] = Topics.CHECKPOINTS;
        System.arraycopy(labels, 0, all, 2, labels.length);
        return PrometheusText.sum(given().get("/q/metrics").asString(), name, all).orElse(0);
    }

    private static TopicProbe probe(String topic) {
        return new TopicProbe(TestInfrastructure.get().kafkaBootstrapServers(), topic);
    }
}
