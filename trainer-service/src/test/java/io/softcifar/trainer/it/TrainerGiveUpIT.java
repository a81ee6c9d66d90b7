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
import io.softcifar.storage.ObjectStore;
import io.softcifar.storage.ObjectStoreConfig;
import io.softcifar.testsupport.GiveUpScenario;
import io.softcifar.testsupport.InfrastructureTestResource;
import io.softcifar.testsupport.ManagementPort;
import io.softcifar.testsupport.TestInfrastructure;
import io.softcifar.testsupport.TopicProbe;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The trainer's give-up hook ({@code TrainingRequestListener} → {@code RunExecutor.giveUp}) at service level: a
 * retryable failure that outlasts a small retry budget ends in exactly one {@code training.failed} naming the
 * exhausted retries, a dead letter of kind {@code retries-exhausted}, and a consumer that goes on to the next request.
 *
 * <p><b>The retryable failure.</b> The service's object store is the shared S3 server behind a
 * {@code FaultyStoreProxy}, which answers {@code 503 ServiceUnavailable} to every request whose key contains
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
    private static final Duration WAIT = Duration.ofSeconds(180);
    private static final String DATASET =
            "ds-trainer-giveup-" + UUID.randomUUID().toString().substring(0, 8);

    public static class SmallRetryBudget implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return GiveUpScenario.profile(MARKER);
        }
    }

    @BeforeAll
    static void uploadTheGoodDataset() throws Exception {
        TestInfrastructure infra = TestInfrastructure.get();
        try (ObjectStore store = new ObjectStore(
                ObjectStoreConfig.of(infra.s3Endpoint(), infra.s3AccessKey(), infra.s3SecretKey(), infra.bucket()))) {
            store.ensureBucket();
            TestDatasets.upload(store, DATASET, 200, 0);
        }
    }

    @Test
    void aRunWhoseDatasetStaysUnreadableGetsOneTrainingFailedAndADeadLetterAndTheNextRequestTrains() throws Exception {
        String bad = "run-giveup-" + UUID.randomUUID().toString().substring(0, 8);
        String good = "run-after-giveup-" + UUID.randomUUID().toString().substring(0, 8);
        String unreadable = "ds-" + MARKER + "-" + UUID.randomUUID().toString().substring(0, 8);
        GiveUpScenario scenario = GiveUpScenario.start(
                MARKER,
                ConfigProvider.getConfig().getValue("softcifar.s3.endpoint", String.class),
                Topics.TRAINING_REQUESTS,
                () -> given().get(ManagementPort.url("/q/metrics")).asString());
        scenario.send(bad, request(bad, unreadable), good, request(good, DATASET));
        long t0 = System.nanoTime();

        try (TopicProbe state = probe(Topics.TRAINING_STATE);
                TopicProbe dlq = probe(Topics.deadLetterOf(Topics.TRAINING_REQUESTS))) {
            assertThat(state.await(r -> good.equals(r.key()) && r.value().contains(TrainingFinished.TYPE), WAIT))
                    .as("the request after the exhausted one trained to its end")
                    .isPresent();
            double seconds = (System.nanoTime() - t0) / 1e9;

            List<ConsumerRecord<String, String>> badStates = state.readFor(Duration.ofSeconds(1)).stream()
                    .filter(r -> bad.equals(r.key()))
                    .toList();
            List<TrainingFailed> failed = badStates.stream()
                    .map(r -> EventCodec.decode(r.value()).payloadAs(TrainingFailed.class))
                    .flatMap(java.util.Optional::stream)
                    .toList();
            assertThat(failed)
                    .as("one training.failed for the exhausted request")
                    .hasSize(1);
            // one failing store call per try (the manifest's existence check), each tried twice by the store client
            String reason = scenario.assertGaveUp(dlq, bad, good);
            assertThat(failed.get(0).reason()).isEqualTo(reason);
            assertThat(reason).contains("'" + ObjectKeys.manifest(unreadable) + "'");
            assertThat(failed.get(0).fencingToken())
                    .as("the lease token of the last try")
                    .isEqualTo((long) GiveUpScenario.TRIES);
            assertThat(badStates)
                    .as("no RUNNING state: the run never got to its data")
                    .allMatch(r -> r.value().contains(TrainingFailed.TYPE));
            System.out.printf(
                    "trainer give-up: reason '%s'; %d faults; both records settled in %.1f s%n",
                    reason, scenario.faults(), seconds);
        }
    }

    private static String request(String runId, String datasetId) {
        RunSpec spec = RunSpec.builder(datasetId, "basic", "soft")
                .depth(8)
                .epochs(1)
                .batchSize(32)
                .warmupEpochs(1)
                .build();
        return EventCodec.encode(EventEnvelope.of(new TrainingRequested(runId, "study-giveup-it", spec), null));
    }

    private static TopicProbe probe(String topic) {
        return new TopicProbe(TestInfrastructure.get().kafkaBootstrapServers(), topic);
    }
}
