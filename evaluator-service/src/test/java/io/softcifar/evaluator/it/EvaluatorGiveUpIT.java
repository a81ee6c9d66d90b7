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
import io.softcifar.storage.ObjectStore;
import io.softcifar.testsupport.GiveUpScenario;
import io.softcifar.testsupport.InfrastructureTestResource;
import io.softcifar.testsupport.ManagementPort;
import io.softcifar.testsupport.TestInfrastructure;
import io.softcifar.testsupport.TopicProbe;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
 * {@code FaultyStoreProxy}, which answers {@code 503 ServiceUnavailable} to every request whose key contains
 * {@value #MARKER} and relays all others. The bad checkpoint is stored (through the real server) at
 * {@code runs/<run>/}{@value #MARKER}{@code /best.ckpt} and its event names that key, so its download, and nothing
 * else, fails the way an overloaded store fails: {@code S3Failures} maps the 503 to a retryable
 * {@code ObjectStoreException}, {@code EvaluationService} treats it as an outage (nothing published, rethrown) and the
 * consumer retries. The budget in this profile: 2 tries 100 ms apart, each download tried twice by the store client
 * (50 ms apart), so the proxy must see exactly 2 × 2 = 4 requests for the key ({@link GiveUpScenario}). The rest
 * of the module's ITs run without the proxy and with the default budget (another profile, another application start).
 */
@QuarkusTest
@TestProfile(EvaluatorGiveUpIT.SmallRetryBudget.class)
@QuarkusTestResource(InfrastructureTestResource.class)
class EvaluatorGiveUpIT {

    static final String MARKER = "store-unavailable-evaluator";
    private static final Duration WAIT = Duration.ofSeconds(120);

    public static class SmallRetryBudget implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return GiveUpScenario.profile(MARKER);
        }
    }

    private static ObjectStore store;
    private static EvaluationFixture fixture;

    @BeforeAll
    static void setUp() {
        store = EvaluationFixture.openStore();
        fixture = EvaluationFixture.create(
                store, "ds-giveup-it-" + UUID.randomUUID().toString().substring(0, 8));
    }

    @AfterAll
    static void tearDown() {
        store.close();
    }

    @Test
    void aCheckpointWhoseDownloadKeepsFailingGetsOneEvaluationFailedAndADeadLetterAndTheNextIsEvaluated()
            throws Exception {
        String bad = "run-giveup-" + UUID.randomUUID().toString().substring(0, 8);
        String good = "run-after-giveup-" + UUID.randomUUID().toString().substring(0, 8);
        byte[] bytes = fixture.checkpointBytes;
        String badKey = ObjectKeys.runPrefix(bad) + MARKER + "/best.ckpt";
        store.putBytes(badKey, bytes, "application/octet-stream"); // it exists: only the store's answer is bad
        store.putBytes(ObjectKeys.bestCheckpoint(good), bytes, "application/octet-stream");
        String sha =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        GiveUpScenario scenario = GiveUpScenario.start(
                MARKER,
                ConfigProvider.getConfig().getValue("softcifar.s3.endpoint", String.class),
                Topics.CHECKPOINTS,
                () -> given().get(ManagementPort.url("/q/metrics")).asString());
        scenario.send(
                bad,
                envelope(new CheckpointPublished(
                        bad, 1, CheckpointPublished.KIND_BEST, true, badKey, sha, bytes.length)),
                good,
                envelope(new CheckpointPublished(
                        good,
                        1,
                        CheckpointPublished.KIND_BEST,
                        true,
                        ObjectKeys.bestCheckpoint(good),
                        sha,
                        bytes.length)));
        long t0 = System.nanoTime();

        try (TopicProbe results = probe(Topics.EVALUATION_RESULTS);
                TopicProbe dlq = probe(Topics.CHECKPOINTS + ".dlq")) {
            ConsumerRecord<String, String> completed = results.await(
                            r -> good.equals(r.key()) && r.value().contains(EvaluationCompleted.TYPE), WAIT)
                    .orElseThrow(() -> new AssertionError("the checkpoint after the exhausted one was not evaluated"));
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertThat(EventCodec.decode(completed.value())
                            .payloadAs(EvaluationCompleted.class)
                            .orElseThrow()
                            .metrics())
                    .containsKey("test/accuracy");

            List<EvaluationFailed> failed = results.readFor(Duration.ofSeconds(1)).stream()
                    .filter(r -> bad.equals(r.key()))
                    .map(r -> EventCodec.decode(r.value()).payloadAs(EvaluationFailed.class))
                    .flatMap(java.util.Optional::stream)
                    .toList();
            assertThat(failed)
                    .as("one evaluation.failed for the exhausted checkpoint")
                    .hasSize(1);
            String reason = scenario.assertGaveUp(dlq, bad, good);
            assertThat(failed.get(0).reason()).isEqualTo(reason);
            assertThat(reason).contains("Cannot download '" + badKey + "'");
            assertThat(results.readFor(Duration.ZERO))
                    .filteredOn(r -> bad.equals(r.key()))
                    .noneMatch(r -> r.value().contains(EvaluationCompleted.TYPE));
            assertThat(store.exists(ObjectKeys.evaluationFile(bad, ObjectKeys.METRICS_FILE)))
                    .isFalse();
            System.out.printf(
                    "evaluator give-up: reason '%s'; %d faults; both records settled in %.1f s%n",
                    reason, scenario.faults(), seconds);
        }
    }

    private static String envelope(CheckpointPublished event) {
        return EventCodec.encode(EventEnvelope.of(event, Correlation.ofRun(null, event.runId(), fixture.datasetId)));
    }

    private static TopicProbe probe(String topic) {
        return new TopicProbe(TestInfrastructure.get().kafkaBootstrapServers(), topic);
    }
}
