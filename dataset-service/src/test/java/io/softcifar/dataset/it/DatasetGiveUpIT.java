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
import io.softcifar.testsupport.FaultyStoreProxy;
import io.softcifar.testsupport.GiveUpScenario;
import io.softcifar.testsupport.InfrastructureTestResource;
import io.softcifar.testsupport.ManagementPort;
import io.softcifar.testsupport.TestInfrastructure;
import io.softcifar.testsupport.TopicProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
    private static final Duration WAIT = Duration.ofSeconds(120);

    public static class SmallRetryBudget implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return GiveUpScenario.profile(MARKER);
        }
    }

    @Test
    void aRequestWhoseManifestCheckKeepsFailingGetsOneDatasetFailedAndADeadLetterAndTheNextIsImported()
            throws Exception {
        Path root = Files.createTempDirectory("dataset-giveup-it");
        Path badDir = SyntheticData.writeCifar10hFolder(Files.createDirectories(root.resolve("bad")), 120, 901);
        Path goodDir = SyntheticData.writeCifar10hFolder(Files.createDirectories(root.resolve("good")), 120, 902);
        String badId = given().contentType(ContentType.JSON)
                .body(Map.of("sources", Map.of("dir", badDir.toString()), "seeds", List.of(7)))
                .post("/api/datasets")
                .then()
                .statusCode(201)
                .extract()
                .jsonPath()
                .getString("id");
        FaultyStoreProxy.shared(MARKER).failAlso("/datasets/" + badId + "/");

        String badRequest = "req-giveup-" + UUID.randomUUID().toString().substring(0, 8);
        String goodRequest = "req-after-giveup-" + UUID.randomUUID().toString().substring(0, 8);
        GiveUpScenario scenario = GiveUpScenario.start(
                MARKER,
                ConfigProvider.getConfig().getValue("softcifar.s3.endpoint", String.class),
                Topics.DATASET_REQUESTS,
                () -> given().get(ManagementPort.url("/q/metrics")).asString());
        scenario.send(badRequest, request(badRequest, badDir, 7), goodRequest, request(goodRequest, goodDir, 8));
        long t0 = System.nanoTime();

        try (TopicProbe state = probe(Topics.DATASET_STATE);
                TopicProbe dlq = probe(Topics.DATASET_REQUESTS + ".dlq")) {
            ConsumerRecord<String, String> ready = state.await(
                            r -> r.value().contains(DatasetReady.TYPE)
                                    && EventCodec.decode(r.value())
                                            .payloadAs(DatasetReady.class)
                                            .orElseThrow()
                                            .summary()
                                            .seeds()
                                            .equals(List.of(8L)),
                            WAIT)
                    .orElseThrow(() -> new AssertionError("the request after the exhausted one was not imported"));
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertThat(ready.key()).isNotEqualTo(badId).startsWith("ds-");

            List<DatasetFailed> failed = state.readFor(Duration.ofSeconds(1)).stream()
                    .filter(r -> badRequest.equals(r.key()))
                    .map(r -> EventCodec.decode(r.value()).payloadAs(DatasetFailed.class))
                    .flatMap(java.util.Optional::stream)
                    .toList();
            assertThat(failed)
                    .as("one dataset.failed for the exhausted request")
                    .hasSize(1);
            assertThat(failed.get(0).requestId()).isEqualTo(badRequest);
            // one failing store call per try (the manifest's HEAD), each tried twice by the store client
            String reason = scenario.assertGaveUp(dlq, badRequest, goodRequest);
            assertThat(failed.get(0).reason()).isEqualTo(reason);
            assertThat(reason).contains("'datasets/" + badId + "/manifest.json'");
            System.out.printf(
                    "dataset give-up: reason '%s'; %d faults; both records settled in %.1f s%n",
                    reason, scenario.faults(), seconds);
        }
    }

    private static String request(String requestId, Path dir, long seed) {
        DatasetSpec spec = new DatasetSpec(
                null,
                new Sources(dir.toString(), false, null, null, null, null, null, null),
                null,
                List.of(seed),
                null,
                null,
                null,
                null);
        return EventCodec.encode(EventEnvelope.of(new DatasetRequested(requestId, spec), null));
    }

    private static TopicProbe probe(String topic) {
        return new TopicProbe(TestInfrastructure.get().kafkaBootstrapServers(), topic);
    }
}
