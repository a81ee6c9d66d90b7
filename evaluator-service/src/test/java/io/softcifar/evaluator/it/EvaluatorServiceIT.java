package io.softcifar.evaluator.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.softcifar.contracts.events.CheckpointPublished;
import io.softcifar.contracts.events.Correlation;
import io.softcifar.contracts.events.EvaluationCompleted;
import io.softcifar.contracts.events.EvaluationFailed;
import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.events.EventEnvelope;
import io.softcifar.contracts.events.Provenance;
import io.softcifar.contracts.events.ReliabilityBin;
import io.softcifar.contracts.storage.ObjectKeys;
import io.softcifar.contracts.topics.Topics;
import io.softcifar.service.events.EventConsumer;
import io.softcifar.storage.ObjectInfo;
import io.softcifar.storage.ObjectStore;
import io.softcifar.testsupport.IndependentProvenance;
import io.softcifar.testsupport.InfrastructureTestResource;
import io.softcifar.testsupport.ManagementPort;
import io.softcifar.testsupport.PrometheusText;
import io.softcifar.testsupport.TestInfrastructure;
import io.softcifar.testsupport.TopicProbe;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The evaluator-service against the real in-process Kafka broker and S3 server: a final best checkpoint of a tiny
 * model trained by ml-core becomes evaluation.completed plus the dump, reliability and metrics files; redelivery,
 * corrupt and missing inputs, poison and non-final checkpoint events.
 */
@QuarkusTest
@QuarkusTestResource(InfrastructureTestResource.class)
class EvaluatorServiceIT {

    private static final Duration EVALUATION = Duration.ofSeconds(120);
    private static ObjectStore store;
    private static EvaluationFixture fixture;
    private static KafkaProducer<String, String> producer;

    @BeforeAll
    static void setUp() {
        TestInfrastructure infra = TestInfrastructure.get();
        store = EvaluationFixture.openStore();
        fixture = EvaluationFixture.create(
                store, "ds-evaluator-it-" + UUID.randomUUID().toString().substring(0, 8));
        producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", infra.kafkaBootstrapServers()),
                new StringSerializer(),
                new StringSerializer());
    }

    @AfterAll
    static void tearDown() {
        producer.close();
        store.close();
    }

    // ---------------------------------------------------------------------------------------------------------- 1

    @Test
    void aFinalBestCheckpointIsEvaluatedWithMetricsInRangeAndTheFilesInTheBucket() throws Exception {
        String runId = run("ok");
        CheckpointPublished event = uploadCheckpoint(runId, fixture.checkpointBytes);
        send(runId, envelope(event, fixture.datasetId));

        EvaluationCompleted completed = awaitCompleted(runId);
        Map<String, Double> m = completed.metrics();
        assertThat(completed.datasetId()).isEqualTo(fixture.datasetId);
        // accuracy is a fraction (ml-core's unit, as the contract says), not percent
        for (String fraction : List.of(
                "test/accuracy",
                "test/ece",
                "test/overconfidence_error",
                "test/macro_precision",
                "test/macro_recall",
                "ood/svhn_auroc",
                "ood/svhn_auroc_max_prob",
                "ood/svhn_auroc_native",
                "ood/cifar100_auroc",
                "fgsm/0.005_decrease")) {
            assertThat(m).containsKey(fraction);
            assertThat(m.get(fraction)).as(fraction).isBetween(0.0, 1.0);
        }
        assertThat(m.get("test/brier")).isBetween(0.0, 2.0);
        assertThat(m.get("test/nll")).isGreaterThanOrEqualTo(0.0);
        assertThat(m.get("test/soft_cross_entropy")).isGreaterThanOrEqualTo(0.0);
        assertThat(m.get("test/soft_kl")).isGreaterThanOrEqualTo(-1e-9);
        assertThat(m.keySet())
                .allMatch(k -> EvaluationCompleted.METRIC_NAME.matcher(k).matches());
        assertThat(completed.reliability()).hasSize(10);
        assertThat(completed.reliability().stream()
                        .mapToInt(ReliabilityBin::count)
                        .sum())
                .isEqualTo(fixture.split.test().length);

        // provenance: versions, commit, CPU and threads from other sources; the manifest's SHA-256 from its bytes
        // read back from S3; no configuration (the run's is in its training.finished)
        Provenance p = completed.provenance();
        IndependentProvenance.Expected expected = IndependentProvenance.expectedOnCpu(ai.djl.engine.Engine.class);
        System.out.printf("provenance: %s; expected %s%n", p.environmentLine(), expected);
        assertThat(List.of(p.djlVersion(), p.pytorchVersion(), p.gitCommit(), p.deviceName()))
                .containsExactly(
                        expected.djl(),
                        expected.pytorch(),
                        expected.commit().orElse(Provenance.UNKNOWN),
                        expected.cpu());
        assertThat(p.threads()).isEqualTo(expected.threads());
        assertThat(p.device()).isEqualTo(Provenance.DEVICE_CPU);
        assertThat(p.projectVersion()).isEqualTo("0.1.0-SNAPSHOT");
        assertThat(p.configuration()).isNull();
        assertThat(p.configurationSha256()).isNull();
        assertThat(p.datasetManifestSha256())
                .isEqualTo(IndependentProvenance.sha256(store.getBytes(ObjectKeys.manifest(fixture.datasetId))));

        // the files: dump first, metrics.json last (all present once the event is out)
        String prefix = ObjectKeys.evaluationPrefix(runId);
        List<String> keys = store.list(prefix).stream().map(ObjectInfo::key).toList();
        assertThat(keys)
                .contains(
                        prefix + "dump.json",
                        prefix + "reliability.json",
                        prefix + "metrics.json",
                        prefix + "test_probabilities.npy",
                        prefix + "test_labels.npy",
                        prefix + "test_indices.npy",
                        prefix + "ood_svhn_logits.npy",
                        prefix + "fgsm_0.005_predictions.npy");
        assertThat(completed.dumpKey()).isEqualTo(prefix + "dump.json");
        assertThat(store.stat(prefix + "metrics.json").orElseThrow().lastModified())
                .isAfterOrEqualTo(store.stat(prefix + "dump.json").orElseThrow().lastModified());

        // accuracy recomputed independently: argmax of the dumped probabilities vs the fixture's own hard labels
        float[] probs = Npy.float32(store.getBytes(prefix + "test_probabilities.npy"), 10);
        long[] indices = Npy.int64(store.getBytes(prefix + "test_indices.npy"));
        int[] truth = fixture.testLabels();
        assertThat(indices)
                .containsExactly(java.util.Arrays.stream(fixture.split.test())
                        .asLongStream()
                        .toArray());
        int correct = 0;
        for (int i = 0; i < truth.length; i++) {
            int best = 0;
            for (int k = 1; k < 10; k++) {
                if (probs[i * 10 + k] > probs[i * 10 + best]) {
                    best = k;
                }
            }
            correct += best == truth[i] ? 1 : 0;
        }
        assertThat(probs).hasSize(truth.length * 10);
        assertThat(m.get("test/accuracy")).isCloseTo((double) correct / truth.length, within(1e-12));

        // metrics.json: the same metrics, the seed from the checkpoint, the OOD note (40 CIFAR-100 images < 60)
        var metricsJson = EventCodec.json().readTree(store.getBytes(prefix + "metrics.json"));
        assertThat(metricsJson.get("seed").asLong()).isEqualTo(EvaluationFixture.RUN_SEED);
        assertThat(metricsJson.get("checkpointSha256").asText()).isEqualTo(event.sha256());
        assertThat(metricsJson.get("metrics").get("test/accuracy").asDouble()).isEqualTo(m.get("test/accuracy"));
        assertThat(metricsJson.get("notes").toString()).contains("cifar100");
        var reliabilityJson = EventCodec.json().readTree(store.getBytes(prefix + "reliability.json"));
        assertThat(reliabilityJson.get("bins")).hasSize(10);

        given().get("/api/evaluations/" + runId)
                .then()
                .statusCode(200)
                .body("runId", equalTo(runId))
                .body("datasetId", equalTo(fixture.datasetId));
        given().get("/api/evaluations/no-such-run").then().statusCode(404);
    }

    // ---------------------------------------------------------------------------------------------------------- 2

    @Test
    void theSameEventTwiceGivesExactlyOneEvaluation() throws Exception {
        String runId = run("twice");
        String envelope = envelope(uploadCheckpoint(runId, fixture.checkpointBytes), fixture.datasetId);
        double skippedBefore = evaluations("skipped");
        send(runId, envelope);
        send(runId, envelope);
        awaitCompleted(runId);
        Awaitility.await().atMost(EVALUATION).until(() -> evaluations("skipped") >= skippedBefore + 1);
        String metricsKey = ObjectKeys.evaluationFile(runId, ObjectKeys.METRICS_FILE);
        String etag = store.stat(metricsKey).orElseThrow().etag();

        List<ConsumerRecord<String, String>> completed = results(runId, EvaluationCompleted.TYPE);
        assertThat(completed).hasSize(1);
        assertThat(results(runId, EvaluationFailed.TYPE)).isEmpty();

        // the service died after metrics.json but before it knew the event was out: the stored event is sent again,
        // under its original id (consumers drop it by id), and nothing is evaluated again
        store.delete(ObjectKeys.evaluationFile(runId, "published.json"));
        send(runId, envelope);
        Awaitility.await()
                .atMost(EVALUATION)
                .until(() -> results(runId, EvaluationCompleted.TYPE).size() == 2);
        List<ConsumerRecord<String, String>> both = results(runId, EvaluationCompleted.TYPE);
        assertThat(EventCodec.decode(both.get(1).value()).eventId())
                .isEqualTo(EventCodec.decode(both.get(0).value()).eventId());
        assertThat(EventCodec.decode(both.get(1).value()).payload())
                .isEqualTo(EventCodec.decode(both.get(0).value()).payload());
        assertThat(store.stat(metricsKey).orElseThrow().etag()).isEqualTo(etag);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> store.exists(ObjectKeys.evaluationFile(runId, "published.json")));
    }

    // ---------------------------------------------------------------------------------------------------------- 3

    @Test
    void badInputsFailWithTheReasonGoToTheDeadLetterTopicAndTheConsumerMovesOn() throws Exception {
        // bytes changed after publishing: SHA-256 mismatch
        String changed = run("changed");
        CheckpointPublished announced = uploadCheckpoint(changed, fixture.checkpointBytes);
        byte[] corrupt = fixture.checkpointBytes.clone();
        corrupt[corrupt.length / 2] ^= 0x5A;
        store.putBytes(announced.key(), corrupt, "application/octet-stream");
        send(changed, envelope(announced, fixture.datasetId));

        // a checkpoint whose announced SHA-256 is right, but which is not a checkpoint at all
        String unreadable = run("unreadable");
        send(
                unreadable,
                envelope(
                        uploadCheckpoint(unreadable, "not a checkpoint".getBytes(StandardCharsets.UTF_8)),
                        fixture.datasetId));

        // the test split's shard is missing from the bucket
        String missingShard = run("missing-shard");
        String brokenDataset = fixture.datasetId + "-noshard";
        fixture.withMissingTestShard(store, brokenDataset);
        send(missingShard, envelope(uploadCheckpoint(missingShard, fixture.checkpointBytes), brokenDataset));

        // the dataset does not exist
        String missingDataset = run("missing-dataset");
        send(missingDataset, envelope(uploadCheckpoint(missingDataset, fixture.checkpointBytes), "ds-does-not-exist"));

        // the envelope does not say which dataset the run used
        String noDataset = run("no-dataset-id");
        CheckpointPublished anonymous = uploadCheckpoint(noDataset, fixture.checkpointBytes);
        send(noDataset, EventCodec.encode(EventEnvelope.of(anonymous, Correlation.NONE)));

        // not an event at all
        String poisonKey = run("poison");
        producer.send(new ProducerRecord<>(Topics.CHECKPOINTS, poisonKey, "{this is not an event"))
                .get();

        // ... and a good one after all of them is still evaluated
        String good = run("after-failures");
        send(good, envelope(uploadCheckpoint(good, fixture.checkpointBytes), fixture.datasetId));

        assertThat(awaitFailed(changed)).contains("SHA-256").contains(announced.key());
        assertThat(awaitFailed(unreadable))
                .contains(ObjectKeys.bestCheckpoint(unreadable))
                .doesNotContain("/tmp/");
        assertThat(awaitFailed(missingShard)).contains("missing").contains(brokenDataset + "/seed-3/test-00000.npz");
        assertThat(awaitFailed(missingDataset)).contains("ds-does-not-exist").contains("does not exist");
        assertThat(awaitFailed(noDataset)).contains("correlation.datasetId is missing");
        assertThat(awaitCompleted(good).metrics()).containsKey("test/accuracy");

        try (TopicProbe dlq = probe(Topics.CHECKPOINTS + ".dlq")) {
            for (String key : List.of(changed, unreadable, missingShard, missingDataset, noDataset, poisonKey)) {
                Optional<ConsumerRecord<String, String>> dead =
                        dlq.await(r -> key.equals(r.key()), Duration.ofSeconds(30));
                assertThat(dead).as("dead letter of " + key).isPresent();
            }
            String reason = new String(
                    dlq.await(r -> poisonKey.equals(r.key()), Duration.ZERO)
                            .orElseThrow()
                            .headers()
                            .lastHeader(EventConsumer.DLQ_REASON_HEADER)
                            .value(),
                    StandardCharsets.UTF_8);
            assertThat(reason).startsWith("cannot decode");
        }
        for (String runId : List.of(changed, unreadable, missingShard, missingDataset, noDataset)) {
            assertThat(store.list(ObjectKeys.evaluationPrefix(runId)))
                    .as("files left for " + runId)
                    .isEmpty();
            given().get("/api/evaluations/" + runId).then().statusCode(404);
        }
    }

    // ---------------------------------------------------------------------------------------------------------- 4

    @Test
    void epochAndIntermediateBestCheckpointsAreIgnored() throws Exception {
        String runId = run("not-final");
        CheckpointPublished best = uploadCheckpoint(runId, fixture.checkpointBytes);
        double ignoredBefore = evaluations("ignored");
        CheckpointPublished epoch = new CheckpointPublished(
                runId,
                1,
                CheckpointPublished.KIND_EPOCH,
                true,
                ObjectKeys.epochCheckpoint(runId, 1),
                best.sha256(),
                best.bytes());
        CheckpointPublished intermediate = new CheckpointPublished(
                runId, 1, CheckpointPublished.KIND_BEST, false, best.key(), best.sha256(), best.bytes());
        send(runId, envelope(epoch, fixture.datasetId));
        send(runId, envelope(intermediate, fixture.datasetId));

        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> evaluations("ignored") >= ignoredBefore + 2);
        assertThat(results(runId, EvaluationCompleted.TYPE)).isEmpty();
        assertThat(results(runId, EvaluationFailed.TYPE)).isEmpty();
        assertThat(store.exists(ObjectKeys.evaluationFile(runId, ObjectKeys.METRICS_FILE)))
                .isFalse();
    }

    /**
     * Fencing (issue 13, point 4): the trainer that took the run over (lease 2) has published an epoch checkpoint; the
     * paused former holder (lease 1) then publishes its final best checkpoint. It is dropped and counted, nothing is
     * evaluated; the final best checkpoint of lease 2 is evaluated as usual.
     */
    @Test
    void aFinalCheckpointWithAStaleFencingTokenIsIgnoredAndCounted() throws Exception {
        String runId = run("fenced");
        CheckpointPublished best = uploadCheckpoint(runId, fixture.checkpointBytes);
        double fencedBefore = evaluations("fenced");
        double ignoredBefore = evaluations("ignored");
        send(
                runId,
                envelope(
                        new CheckpointPublished(
                                runId,
                                2,
                                CheckpointPublished.KIND_EPOCH,
                                false,
                                ObjectKeys.lastCheckpoint(runId),
                                best.sha256(),
                                best.bytes(),
                                2L),
                        fixture.datasetId));
        send(runId, envelope(best.withFencingToken(1L), fixture.datasetId));

        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> evaluations("fenced") >= fencedBefore + 1);
        assertThat(evaluations("fenced")).isEqualTo(fencedBefore + 1);
        assertThat(evaluations("ignored")).as("the newer epoch checkpoint").isEqualTo(ignoredBefore + 1);
        assertThat(results(runId, EvaluationCompleted.TYPE)).isEmpty();
        assertThat(results(runId, EvaluationFailed.TYPE)).isEmpty();
        assertThat(store.exists(ObjectKeys.evaluationFile(runId, ObjectKeys.METRICS_FILE)))
                .isFalse();

        send(runId, envelope(best.withFencingToken(2L), fixture.datasetId));
        assertThat(awaitCompleted(runId).metrics()).containsKey("test/accuracy");
        assertThat(evaluations("fenced")).isEqualTo(fencedBefore + 1);
    }

    /**
     * An SNGP checkpoint gets, beside the mean-field metrics, the reference's Monte-Carlo prediction
     * ({@code test_mc_logits/*}, {@code softcifar.evaluator.sngp-mc-samples} = 1,000 draws by default), so the study
     * comparisons carry it; a basic checkpoint does not.
     */
    @Test
    void anSngpCheckpointAlsoGetsTheReferencesMonteCarloMetrics() throws Exception {
        String runId = run("sngp");
        send(runId, envelope(uploadCheckpoint(runId, fixture.sngpCheckpointBytes), fixture.datasetId));

        Map<String, Double> m = awaitCompleted(runId).metrics();
        for (String fraction : List.of("test/accuracy", "test_mc_logits/accuracy", "test_mc_logits/ece")) {
            assertThat(m).containsKey(fraction);
            assertThat(m.get(fraction)).as(fraction).isBetween(0.0, 1.0);
        }
        var dump = EventCodec.json().readTree(store.getBytes(ObjectKeys.evaluationPrefix(runId) + "dump.json"));
        assertThat(dump.findValue("sngp_mc_samples").asInt()).isEqualTo(1000);
        String basic = run("basic-no-mc");
        send(basic, envelope(uploadCheckpoint(basic, fixture.checkpointBytes), fixture.datasetId));
        assertThat(awaitCompleted(basic).metrics().keySet()).noneMatch(k -> k.startsWith("test_mc_logits/"));
    }

    @Test
    void healthMetricsAndOpenApiAreServed() {
        given().get(ManagementPort.url("/q/health/ready"))
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("object-store"))
                .body("checks.name", hasItem("device"));
        given().get(ManagementPort.url("/q/health/live"))
                .then()
                .statusCode(200)
                .body("checks.name", hasItem("checkpoint-consumer"));
        assertThat(given().get("/q/openapi").asString()).contains("/api/evaluations/{runId}");
        String metrics = given().get(ManagementPort.url("/q/metrics")).asString();
        assertThat(metrics)
                .contains(
                        "softcifar_evaluator_evaluations_total",
                        "softcifar_evaluator_evaluations_active",
                        "softcifar_evaluator_evaluation_seconds");
    }

    // ------------------------------------------------------------------------------------------------------ helpers

    private static String run(String what) {
        return "run-" + what + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Puts {@code bytes} at the run's best-checkpoint key; the event announces exactly these bytes. */
    private static CheckpointPublished uploadCheckpoint(String runId, byte[] bytes) throws Exception {
        String key = ObjectKeys.bestCheckpoint(runId);
        store.putBytes(key, bytes, "application/octet-stream");
        return new CheckpointPublished(runId, 1, CheckpointPublished.KIND_BEST, true, key, sha256(bytes), bytes.length);
    }

    private static String envelope(CheckpointPublished event, String datasetId) {
        return EventCodec.encode(EventEnvelope.of(event, Correlation.ofRun(null, event.runId(), datasetId)));
    }

    private static void send(String key, String value) throws Exception {
        producer.send(new ProducerRecord<>(Topics.CHECKPOINTS, key, value)).get();
    }

    private static EvaluationCompleted awaitCompleted(String runId) {
        try (TopicProbe probe = probe(Topics.EVALUATION_RESULTS)) {
            ConsumerRecord<String, String> r = probe.await(
                            rec -> runId.equals(rec.key()) && rec.value().contains(EvaluationCompleted.TYPE),
                            EVALUATION)
                    .orElseThrow(() -> new AssertionError("no evaluation.completed for " + runId + "; failed: "
                            + results(runId, EvaluationFailed.TYPE).stream()
                                    .map(ConsumerRecord::value)
                                    .toList()));
            return EventCodec.decode(r.value())
                    .payloadAs(EvaluationCompleted.class)
                    .orElseThrow();
        }
    }

    private static String awaitFailed(String runId) {
        try (TopicProbe probe = probe(Topics.EVALUATION_RESULTS)) {
            ConsumerRecord<String, String> r = probe.await(
                            rec -> runId.equals(rec.key()) && rec.value().contains(EvaluationFailed.TYPE), EVALUATION)
                    .orElseThrow(() -> new AssertionError("no evaluation.failed for " + runId));
            String reason = EventCodec.decode(r.value())
                    .payloadAs(EvaluationFailed.class)
                    .orElseThrow()
                    .reason();
            assertThat(reason).doesNotContain("\n");
            return reason;
        }
    }

    /** Every record of the results topic for the run and type, from the beginning. */
    private static List<ConsumerRecord<String, String>> results(String runId, String type) {
        try (TopicProbe probe = probe(Topics.EVALUATION_RESULTS)) {
            return probe.readFor(Duration.ofSeconds(2)).stream()
                    .filter(r -> runId.equals(r.key())
                            && type.equals(EventCodec.decode(r.value()).type()))
                    .toList();
        }
    }

    private static double evaluations(String outcome) {
        return PrometheusText.sum(
                        given().get(ManagementPort.url("/q/metrics")).asString(),
                        "softcifar_evaluator_evaluations_total",
                        "outcome",
                        outcome)
                .orElse(0);
    }

    private static TopicProbe probe(String topic) {
        return new TopicProbe(TestInfrastructure.get().kafkaBootstrapServers(), topic);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
