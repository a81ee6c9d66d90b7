package io.softcifar.dataset.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.softcifar.contracts.events.DatasetFailed;
import io.softcifar.contracts.events.DatasetReady;
import io.softcifar.contracts.events.DatasetRequested;
import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.events.EventEnvelope;
import io.softcifar.contracts.spec.DatasetSpec;
import io.softcifar.contracts.spec.Sources;
import io.softcifar.contracts.topics.Topics;
import io.softcifar.ml.data.SyntheticData;
import io.softcifar.service.events.EventConsumer;
import io.softcifar.testsupport.FaultyStoreProxy;
import io.softcifar.testsupport.InfrastructureTestResource;
import io.softcifar.testsupport.PrometheusText;
import io.softcifar.testsupport.TestInfrastructure;
import io.softcifar.testsupport.TopicProbe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.junit.jupiter.api.Test;

/**
 * The dataset-service's give-up hook ({@code DatasetRequestListener.giveUp}) at service level: a retryable failure
 * that outlasts a small retry budget ends in exactly one {@code dataset.failed} (keyed by the request id) naming the
 * exhausted retries, a dead letter of kind {@code retries-exhausted}, and a consumer that goes on to the next request.
 *
 * <p><b>The retryable failure.</b> The service's object store is the shared S3 server behind a
 * {@link FaultyStoreProxy}. A dataset id is content-addressed, so the test first imports the bad folder through the
 * HTTP API (which tells its id), then has the proxy answer {@code 503 ServiceUnavailable} to every request under
 * {@code datasets/<that id>/}. A Kafka request for the same folder then fails where the service asks whether the
 * dataset is built already (the manifest's HEAD), as against an overloaded store: {@code S3Failures} maps the 503 to
 * a retryable {@code ObjectStoreException}, the listener rethrows it and the consumer retries. An import's own failures
 * are answered as {@code dataset.failed} by the import (never retried), so this check is the dataset-service's only
 * retryable step. The budget in this profile: 2 tries 100 ms apart, each store call tried twice (50 ms apart). The
 * module's other ITs run without the proxy and with the default budget (another profile, another application start).
 */
@QuarkusTest
@TestProfile(DatasetGiveUpIT.SmallRetryBudget.class)
@QuarkusTestResource(InfrastructureTestResource.class)
class DatasetGiveUpIT {

    static final String MARKER = "store-unavailable-dataset";
    private static final int TRIES = 2;
    private static final Duration WAIT = Duration.ofSeconds(120);

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

    @Test
    void aRequestWhoseManifestCheckKeepsFailingGetsOneDatasetFailedAndADeadLetterAndTheNextIsImported()
            throws Exception {
        FaultyStoreProxy proxy = FaultyStoreProxy.shared(MARKER);
        assertThat(ConfigProvider.getConfig().getValue("softcifar.s3.endpoint", String.class))
                .as("the service talks to the store through the proxy").isEqualTo(proxy.endpoint());
        Path root = Files.createTempDirectory("dataset-giveup-it");
        Path badDir = SyntheticData.writeCifar10hFolder(Files.createDirectories(root.resolve("bad")), 120, 901);
        Path goodDir = SyntheticData.writeCifar10hFolder(Files.createDirectories(root.resolve("good")), 120, 902);
        String badId = given().contentType(ContentType.JSON)
                .body(Map.of("sources", Map.of("dir", badDir.toString()), "seeds", List.of(7)))
                .post("/api/datasets").then().statusCode(201).extract().jsonPath().getString("id");
        proxy.failAlso("/datasets/" + badId + "/");

        String badRequest = "req-giveup-" + UUID.randomUUID().toString().substring(0, 8);
        String goodRequest = "req-after-giveup-" + UUID.randomUUID().toString().substring(0, 8);
        long faultsBefore = proxy.faults();
        double retriesBefore = consumerMetric("softcifar_consumer_retries_total");
        double exhaustedBefore = consumerMetric("softcifar_consumer_dead_letters_total", "kind", "retries-exhausted");
        RecordMetadata badAt;
        RecordMetadata goodAt;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                TestInfrastructure.get().kafkaBootstrapServers(), "acks", "all"), new StringSerializer(),
                new StringSerializer())) {
            // both on partition 0: the good request waits behind the bad one
            badAt = send(producer, badRequest, badDir);
            goodAt = send(producer, goodRequest, goodDir);
        }
        long t0 = System.nanoTime();

        try (TopicProbe state = probe(Topics.DATASET_STATE); TopicProbe dlq = probe(Topics.DATASET_REQUESTS + ".dlq")) {
            ConsumerRecord<String, String> ready = state.await(r -> r.value().contains(DatasetReady.TYPE)
                    && EventCodec.decode(r.value()).payloadAs(DatasetReady.class).orElseThrow().summary().seeds()
                            .equals(List.of(8L)), WAIT)
                    .orElseThrow(() -> new AssertionError("the request after the exhausted one was not imported"));
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertThat(ready.key()).isNotEqualTo(badId).startsWith("ds-");

            List<DatasetFailed> failed = state.readFor(Duration.ofSeconds(1)).stream()
                    .filter(r -> badRequest.equals(r.key()))
                    .map(r -> EventCodec.decode(r.value()).payloadAs(DatasetFailed.class))
                    .flatMap(java.util.Optional::stream).toList();
            assertThat(failed).as("one dataset.failed for the exhausted request").hasSize(1);
            String reason = failed.get(0).reason();
            assertThat(failed.get(0).requestId()).isEqualTo(badRequest);
            assertThat(reason).startsWith("retries exhausted after " + TRIES + " tries: ")
                    .contains("ObjectStoreException").contains("datasets/" + badId + "/manifest.json")
                    .containsAnyOf("ServiceUnavailable", "503");

            ConsumerRecord<String, String> dead = dlq.await(r -> badRequest.equals(r.key()), Duration.ofSeconds(10))
                    .orElseThrow(() -> new AssertionError("no dead letter for " + badRequest));
            assertThat(header(dead, EventConsumer.DLQ_KIND_HEADER)).isEqualTo(EventConsumer.KIND_RETRIES_EXHAUSTED);
            assertThat(header(dead, EventConsumer.DLQ_ATTEMPTS_HEADER)).isEqualTo(Integer.toString(TRIES));
            assertThat(header(dead, EventConsumer.DLQ_REASON_HEADER)).isEqualTo(reason);
            assertThat(header(dead, EventConsumer.DLQ_TOPIC_HEADER)).isEqualTo(Topics.DATASET_REQUESTS);
            assertThat(header(dead, EventConsumer.DLQ_OFFSET_HEADER)).isEqualTo(Long.toString(badAt.offset()));
            assertThat(dlq.readFor(Duration.ZERO)).filteredOn(r -> goodRequest.equals(r.key())).isEmpty();
            assertThat(goodAt.offset()).isGreaterThan(badAt.offset());

            // one failing store call per try (the manifest's HEAD), each tried twice by the store client
            assertThat(proxy.faults() - faultsBefore).as("503s injected: consumer tries × store tries")
                    .isEqualTo(TRIES * 2L);
            assertThat(consumerMetric("softcifar_consumer_retries_total") - retriesBefore).isEqualTo(TRIES - 1);
            assertThat(consumerMetric("softcifar_consumer_dead_letters_total", "kind", "retries-exhausted")
                    - exhaustedBefore).isEqualTo(1.0);
            System.out.printf("dataset give-up: reason '%s'; %d faults; both records settled in %.1f s%n", reason,
                    proxy.faults() - faultsBefore, seconds);
        }
    }

    private static RecordMetadata send(KafkaProducer<String, String> producer, String requestId, Path dir)
            throws Exception {
        long seed = dir.getFileName().toString().equals("good") ? 8L : 7L;
        DatasetSpec spec = new DatasetSpec(null, new Sources(dir.toString(), false, null, null, null, null, null, null),
                null, List.of(seed), null, null, null, null);
        String value = EventCodec.encode(EventEnvelope.of(new DatasetRequested(requestId, spec), null));
        return producer.send(new ProducerRecord<>(Topics.DATASET_REQUESTS, 0, requestId, value)).get();
    }

    private static String header(ConsumerRecord<String, String> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static double consumerMetric(String name, String... labels) {
        String[] all = new String[labels.length + 2];
        all[0] = "topic";
        all[1] = Topics.DATASET_REQUESTS;
        System.arraycopy(labels, 0, all, 2, labels.length);
        return PrometheusText.sum(given().get("/q/metrics").asString(), name, all).orElse(0);
    }

    private static TopicProbe probe(String topic) {
        return new TopicProbe(TestInfrastructure.get().kafkaBootstrapServers(), topic);
    }
}
