package io.softcifar.trainer.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.softcifar.contracts.events.CheckpointPublished;
import io.softcifar.contracts.events.Event;
import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.events.EventEnvelope;
import io.softcifar.contracts.events.Provenance;
import io.softcifar.contracts.events.RunState;
import io.softcifar.contracts.events.RunStatus;
import io.softcifar.contracts.events.TrainingCancelRequested;
import io.softcifar.contracts.events.TrainingCancelled;
import io.softcifar.contracts.events.TrainingFailed;
import io.softcifar.contracts.events.TrainingFinished;
import io.softcifar.contracts.events.TrainingProgress;
import io.softcifar.contracts.events.TrainingRequested;
import io.softcifar.contracts.spec.FieldError;
import io.softcifar.contracts.spec.RunSpec;
import io.softcifar.contracts.storage.ObjectKeys;
import io.softcifar.contracts.topics.Topics;
import io.softcifar.ml.train.Checkpoint;
import io.softcifar.storage.ObjectInfo;
import io.softcifar.storage.ObjectStore;
import io.softcifar.storage.ObjectStoreConfig;
import io.softcifar.testsupport.IndependentProvenance;
import io.softcifar.testsupport.InfrastructureTestResource;
import io.softcifar.testsupport.ManagementPort;
import io.softcifar.testsupport.PrometheusText;
import io.softcifar.testsupport.TestInfrastructure;
import io.softcifar.testsupport.TopicProbe;
import io.softcifar.trainer.service.RunKeys;
import io.softcifar.trainer.service.RunLeases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The trainer-service against the real in-process Kafka broker and S3 server: a tiny run from request to finished
 * event, a duplicate request, poison and bad requests (failed event + dead-letter topic, the consumer keeps going),
 * cancel mid-run, health, metrics and the runs API.
 */
@QuarkusTest
@QuarkusTestResource(InfrastructureTestResource.class)
class TrainerServiceIT {

    private static final String DATASET =
            "ds-trainer-" + UUID.randomUUID().toString().substring(0, 8);
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(180);
    private static ObjectStore store;
    private static KafkaProducer<String, String> producer;

    @BeforeAll
    static void setUp() throws Exception {
        TestInfrastructure infra = TestInfrastructure.get();
        store = new ObjectStore(
                ObjectStoreConfig.of(infra.s3Endpoint(), infra.s3AccessKey(), infra.s3SecretKey(), infra.bucket()));
        store.ensureBucket();
        producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", infra.kafkaBootstrapServers(), "acks", "all"),
                new StringSerializer(),
                new StringSerializer());
        TestDatasets.upload(store, DATASET, 200, 0);
    }

    @AfterAll
    static void tearDown() {
        producer.close();
        store.close();
    }

    private static String runId(String what) {
        return "run-" + what + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** ResNet-8 on the 160 training images of the test dataset, batch 32. */
    private static RunSpec.Builder tiny(int epochs) {
        return RunSpec.builder(DATASET, "basic", "soft")
                .depth(8)
                .epochs(epochs)
                .batchSize(32)
                .warmupEpochs(1);
    }

    private static void send(String topic, String key, String value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key, value)).get();
    }

    private static void request(String runId, RunSpec spec) throws Exception {
        send(
                Topics.TRAINING_REQUESTS,
                runId,
                EventCodec.encode(EventEnvelope.of(new TrainingRequested(runId, "study-it", spec), null)));
    }

    private static TopicProbe probe(String topic) {
        return new TopicProbe(TestInfrastructure.get().kafkaBootstrapServers(), topic);
    }

    private static Predicate<ConsumerRecord<String, String>> is(String runId, String type) {
        return r -> runId.equals(r.key()) && r.value() != null && r.value().contains("\"" + type + "\"");
    }

    private static <T extends Event> T payload(ConsumerRecord<String, String> r, Class<T> type) {
        return EventCodec.decode(r.value()).payloadAs(type).orElseThrow();
    }

    private static <T extends Event> List<T> all(
            List<ConsumerRecord<String, String>> records, String runId, Class<T> type) {
        return records.stream()
                .filter(r -> runId.equals(r.key()))
                .map(r -> EventCodec.decode(r.value()).payloadAs(type))
                .flatMap(java.util.Optional::stream)
                .toList();
    }

    /**
     * The provenance of training.finished against other sources: DJL's jar manifest, the PyTorch native jar's
     * properties, {@code git rev-parse HEAD}, /proc/cpuinfo, the softcifar.threads rule of EngineSetup, the
     * configuration hash recomputed here from the spec's JSON (keys sorted by this test, no whitespace), the manifest's
     * SHA-256 from its bytes read back from S3.
     */
    private static void assertProvenance(Provenance p, RunSpec requested) throws Exception {
        assertThat(p).as("provenance of training.finished").isNotNull();
        IndependentProvenance.Expected expected = IndependentProvenance.expectedOnCpu(ai.djl.engine.Engine.class);
        System.out.printf("provenance: %s; expected %s%n", p.environmentLine(), expected);
        assertThat(p.djlVersion()).isEqualTo(expected.djl()).isEqualTo("0.33.0");
        assertThat(p.pytorchVersion()).isEqualTo(expected.pytorch()).isEqualTo("2.5.1");
        assertThat(p.gitCommit()).isEqualTo(expected.commit().orElse(Provenance.UNKNOWN));
        assertThat(p.gitDirty() != null).isEqualTo(expected.commit().isPresent());
        assertThat(p.projectVersion()).isEqualTo("0.1.0-SNAPSHOT");
        assertThat(p.device()).isEqualTo(Provenance.DEVICE_CPU);
        assertThat(p.cudaVersion()).isNull();
        assertThat(p.deviceName()).isEqualTo(expected.cpu());
        assertThat(p.threads()).isEqualTo(expected.threads());
        assertThat(p.javaVersion()).isEqualTo(System.getProperty("java.version"));
        assertThat(p.os())
                .startsWith(System.getProperty("os.name"))
                .doesNotContain(java.net.InetAddress.getLocalHost().getHostName());

        assertThat(p.configuration()).isEqualTo(requested.withDefaults());
        assertThat(p.configuration().depth()).isEqualTo(8);
        assertThat(p.configuration().momentum()).isEqualTo(RunSpec.DEFAULT_MOMENTUM);
        String json = new ObjectMapper()
                .writeValueAsString(sortedKeys(
                        new ObjectMapper().readValue(EventCodec.toJson(requested.withDefaults()), Object.class)));
        assertThat(json).startsWith("{\"augment\":true,\"batchSize\":32,").doesNotContain(" ", "null");
        assertThat(p.configurationSha256())
                .isEqualTo(IndependentProvenance.sha256(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(p.datasetManifestSha256())
                .isEqualTo(IndependentProvenance.sha256(store.getBytes(ObjectKeys.manifest(DATASET))));
    }

    /** Maps with their keys sorted, all the way down (lists keep their order). */
    private static Object sortedKeys(Object json) {
        if (json instanceof Map<?, ?> map) {
            java.util.TreeMap<String, Object> sorted = new java.util.TreeMap<>();
            map.forEach((k, v) -> sorted.put((String) k, sortedKeys(v)));
            return sorted;
        }
        if (json instanceof List<?> list) {
            return list.stream().map(TrainerServiceIT::sortedKeys).toList();
        }
        return json;
    }

    @Test
    void aTinyRunPublishesProgressItsBestCheckpointAndOneFinishedEventAndADuplicateTrainsNothing() throws Exception {
        String runId = runId("tiny");
        long t0 = System.nanoTime();
        java.time.Instant sent = java.time.Instant.now(); // the request's envelope time is taken just after this
        request(runId, tiny(2).build());

        try (TopicProbe state = probe(Topics.TRAINING_STATE);
                TopicProbe progress = probe(Topics.TRAINING_PROGRESS);
                TopicProbe checkpoints = probe(Topics.CHECKPOINTS)) {
            TrainingFinished finished = payload(
                    state.await(is(runId, TrainingFinished.TYPE), RUN_TIMEOUT).orElseThrow(), TrainingFinished.class);
            System.out.printf("tiny run: request to finished in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            assertThat(finished.epochsRun()).isEqualTo(2);
            assertThat(finished.bestEpoch()).isBetween(1, 2);
            assertThat(finished.bestCheckpointKey()).isEqualTo("runs/" + runId + "/checkpoints/best.ckpt");
            assertThat(finished.bestValAccuracy()).isBetween(0.0, 1.0);
            assertThat(finished.trainSeconds()).isPositive();
            assertProvenance(finished.provenance(), tiny(2).build());

            List<TrainingProgress> epochs = all(progress.readFor(Duration.ofSeconds(1)), runId, TrainingProgress.class);
            assertThat(epochs).extracting(TrainingProgress::epoch).containsExactly(1, 2);
            assertThat(epochs).allSatisfy(p -> {
                assertThat(p.epochs()).isEqualTo(2);
                assertThat(p.trainLoss()).isPositive().isFinite();
                assertThat(p.valLoss()).isPositive().isFinite();
                assertThat(p.imagesPerSecond()).isPositive();
                assertThat(p.learningRate()).isPositive();
            });
            assertThat(epochs.get(1).etaSeconds()).isZero();

            CheckpointPublished best = payload(
                    checkpoints
                            .await(
                                    r -> is(runId, CheckpointPublished.TYPE).test(r)
                                            && payload(r, CheckpointPublished.class)
                                                    .isFinal(),
                                    Duration.ofSeconds(10))
                            .orElseThrow(),
                    CheckpointPublished.class);
            assertThat(best.kind()).isEqualTo(CheckpointPublished.KIND_BEST);
            assertThat(best.epoch()).isEqualTo(finished.bestEpoch());
            assertThat(best.key()).isEqualTo(ObjectKeys.bestCheckpoint(runId));
            byte[] bytes = store.getBytes(best.key());
            assertThat(HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)))
                    .isEqualTo(best.sha256());
            assertThat((long) bytes.length).isEqualTo(best.bytes());
            Path local = Files.createTempFile("best", ".ckpt");
            Files.write(local, bytes);
            Checkpoint.Header header = Checkpoint.readHeader(local);
            assertThat(header.kind()).isEqualTo(Checkpoint.Kind.BEST);
            assertThat(header.epochsCompleted()).isEqualTo(finished.bestEpoch());
            assertThat(header.config().model().depth()).isEqualTo(8);
            assertThat(all(checkpoints.readFor(Duration.ofSeconds(1)), runId, CheckpointPublished.class))
                    .filteredOn(c -> c.kind().equals(CheckpointPublished.KIND_EPOCH))
                    .extracting(CheckpointPublished::epoch)
                    .containsExactly(1, 2);
            assertThat(store.exists(ObjectKeys.lastCheckpoint(runId))).isTrue();
            assertThat(store.exists(RunKeys.record(runId))).isTrue();
            // the training accuracy of each epoch is published as the trainer's history (in last.ckpt) has it
            Path last = Files.createTempFile("last", ".ckpt");
            Files.write(last, store.getBytes(ObjectKeys.lastCheckpoint(runId)));
            assertThat(epochs)
                    .extracting(TrainingProgress::trainAccuracy)
                    .allSatisfy(a -> assertThat(a).isBetween(0.0, 1.0))
                    .containsExactlyElementsOf(Checkpoint.readHeader(last).history().stream()
                            .map(io.softcifar.ml.train.EpochStats::trainAccuracy)
                            .toList());

            given().get("/api/runs/" + runId)
                    .then()
                    .statusCode(200)
                    .body("status", equalTo("FINISHED"))
                    .body("epoch", equalTo(2));
            // its first step was taken after the request and before the run finished; the trainer's own timer of
            // request -> first step counted it
            java.time.Instant firstStep =
                    java.time.Instant.parse(given().get("/api/runs/" + runId).path("firstStepAt"));
            assertThat(firstStep).isAfter(sent).isBefore(java.time.Instant.now());
            assertThat(metric("softcifar_trainer_first_step_seconds_count")).isGreaterThanOrEqualTo(1);
            // the memory it reports is this process's (the test's JVM): resident at its start, a peak no lower, and
            // no higher than the high-water mark the kernel keeps for the process (read here, not by the trainer)
            Map<String, Object> memory = given().get("/api/runs/" + runId).path("memory");
            long atStart = ((Number) memory.get("residentMiBAtStart")).longValue();
            long peak = ((Number) memory.get("residentMiBPeak")).longValue();
            assertThat(atStart).isPositive();
            assertThat(peak).isGreaterThanOrEqualTo(atStart).isLessThanOrEqualTo(highWaterMarkMiB());
            assertThat(((Number) memory.get("runsAtPeak")).intValue()).isGreaterThanOrEqualTo(1);

            // the same request again: no second training, nothing published
            ObjectInfo before = store.stat(ObjectKeys.bestCheckpoint(runId)).orElseThrow();
            double duplicates = counter("duplicate");
            request(runId, tiny(2).build());
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> counter("duplicate") > duplicates);
            List<ConsumerRecord<String, String>> states = state.readFor(Duration.ofSeconds(2)).stream()
                    .filter(r -> runId.equals(r.key()))
                    .toList();
            assertThat(states).filteredOn(is(runId, TrainingFinished.TYPE)).hasSize(1);
            assertThat(states.get(states.size() - 1).value()).contains(TrainingFinished.TYPE);
            assertThat(all(progress.readFor(Duration.ofMillis(200)), runId, TrainingProgress.class))
                    .hasSize(2);
            ObjectInfo after = store.stat(ObjectKeys.bestCheckpoint(runId)).orElseThrow();
            assertThat(after.etag()).isEqualTo(before.etag());
            assertThat(after.lastModified()).isEqualTo(before.lastModified());

            // another run on the same shards (another method, same dataset and seed) trains from the data already
            // in the process: nothing downloaded for it
            double fromBucket = dataLoads("bucket");
            double shared = dataLoads("shared");
            String sibling = runId("tiny-sibling");
            request(sibling, tiny(1).method("dropout").build());
            state.await(is(sibling, TrainingFinished.TYPE), RUN_TIMEOUT).orElseThrow();
            assertThat(dataLoads("shared")).isEqualTo(shared + 1);
            assertThat(dataLoads("bucket")).isEqualTo(fromBucket);
        }
    }

    private static double dataLoads(String source) {
        return metric("softcifar_trainer_data_loads_total", "source", source);
    }

    @Test
    void poisonInvalidSpecsAndUnknownDatasetsGoToTheDeadLetterTopicAndTheConsumerKeepsGoing() throws Exception {
        String poison = "poison-" + UUID.randomUUID();
        String invalid = runId("invalid");
        String unknown = runId("unknown");
        String good = runId("after-poison");
        send(Topics.TRAINING_REQUESTS, poison, "{this is not an event");
        request(
                invalid,
                RunSpec.builder(DATASET, "nope", "soft")
                        .learningRate(-0.1)
                        .epochs(0)
                        .build());
        request(unknown, tiny(1).datasetId("ds-does-not-exist").build());
        request(good, tiny(1).build());

        try (TopicProbe state = probe(Topics.TRAINING_STATE);
                TopicProbe dlq = probe(Topics.deadLetterOf(Topics.TRAINING_REQUESTS))) {
            TrainingFailed invalidFailed = payload(
                    state.await(is(invalid, TrainingFailed.TYPE), RUN_TIMEOUT).orElseThrow(), TrainingFailed.class);
            assertThat(invalidFailed.errors())
                    .extracting(FieldError::field)
                    .containsExactlyInAnyOrder("method", "learningRate", "epochs");
            assertThat(invalidFailed.reason()).contains("nope");

            TrainingFailed unknownFailed = payload(
                    state.await(is(unknown, TrainingFailed.TYPE), RUN_TIMEOUT).orElseThrow(), TrainingFailed.class);
            assertThat(unknownFailed.reason()).contains("dataset ds-does-not-exist does not exist");
            assertThat(unknownFailed.errors()).extracting(FieldError::field).containsExactly("datasetId");
            assertThat(unknownFailed.fencingToken())
                    .as("rejected under the run's first lease")
                    .isEqualTo(1L);
            assertThat(invalidFailed.fencingToken())
                    .as("rejected before any lease")
                    .isNull();

            assertThat(state.await(is(good, TrainingFinished.TYPE), RUN_TIMEOUT))
                    .isPresent();

            for (String key : List.of(poison, invalid, unknown)) {
                assertThat(dlq.await(r -> key.equals(r.key()), Duration.ofSeconds(20)))
                        .as(key)
                        .isPresent();
            }
            String reason = new String(dlq.await(r -> poison.equals(r.key()), Duration.ZERO)
                    .orElseThrow()
                    .headers()
                    .lastHeader("softcifar-dlq-reason")
                    .value());
            assertThat(reason).startsWith("cannot decode");
            assertThat(dlq.readFor(Duration.ofMillis(500))).noneMatch(r -> good.equals(r.key()));
        }
        // no partial state of the rejected runs; the one that got as far as a lease leaves it released, with its
        // fencing token and the marker of that token, so that a later lease of the run counts on from it
        assertThat(store.list(ObjectKeys.runPrefix(invalid))).isEmpty();
        assertThat(store.list(ObjectKeys.runPrefix(unknown)))
                .extracting(ObjectInfo::key)
                .containsExactlyInAnyOrder(RunLeases.key(unknown), RunLeases.tokenKey(unknown, 1));
        RunLeases.Lease lease = EventCodec.fromJson(
                new String(store.getBytes(RunLeases.key(unknown)), java.nio.charset.StandardCharsets.UTF_8),
                RunLeases.Lease.class);
        assertThat(lease.released()).isTrue();
        assertThat(lease.token()).isEqualTo(1L);
    }

    @Test
    void aCancelStopsARunningRunWhichKeepsItsCheckpoints() throws Exception {
        String runId = runId("cancel");
        request(runId, tiny(300).build());
        try (TopicProbe state = probe(Topics.TRAINING_STATE);
                TopicProbe progress = probe(Topics.TRAINING_PROGRESS)) {
            assertThat(progress.await(is(runId, TrainingProgress.TYPE), RUN_TIMEOUT))
                    .isPresent();
            given().get("/api/runs/" + runId).then().statusCode(200).body("status", equalTo("RUNNING"));
            // the training run's request is not completed yet: it counts in the trainer group's backlog
            await(() -> backlog() >= 1);
            send(
                    Topics.TRAINING_CONTROL,
                    runId,
                    EventCodec.encode(
                            EventEnvelope.of(new TrainingCancelRequested(runId, "enough for the test"), null)));

            TrainingCancelled cancelled = payload(
                    state.await(is(runId, TrainingCancelled.TYPE), RUN_TIMEOUT).orElseThrow(), TrainingCancelled.class);
            assertThat(cancelled.atEpoch()).isBetween(1, 299);
            assertThat(cancelled.reason()).isEqualTo("enough for the test");
            List<ConsumerRecord<String, String>> states = state.readFor(Duration.ofSeconds(1)).stream()
                    .filter(r -> runId.equals(r.key()))
                    .toList();
            assertThat(states).noneMatch(is(runId, TrainingFinished.TYPE));
            assertThat(states.get(states.size() - 1).value()).contains(TrainingCancelled.TYPE);
            assertThat(all(states, runId, RunState.class))
                    .extracting(RunState::status)
                    .containsOnly(RunStatus.RUNNING);
        }
        Path last = Files.createTempFile("last", ".ckpt");
        store.download(ObjectKeys.lastCheckpoint(runId), last);
        assertThat(Checkpoint.readHeader(last).epochsCompleted()).isGreaterThanOrEqualTo(1);
        assertThat(store.exists(ObjectKeys.bestCheckpoint(runId))).isTrue();
        given().get("/api/runs/" + runId).then().statusCode(200).body("status", equalTo("CANCELLED"));
        given().get("/api/runs").then().statusCode(200).body("runId", hasItem(runId));
    }

    /**
     * A cancel that comes while the run is still queued (its request not yet consumed, as for most runs of a cancelled
     * study) is remembered: the request ends the run as cancelled at epoch 0 with nothing trained, and a later request
     * (a retry) trains it.
     */
    @Test
    void aCancelForAQueuedRunEndsItWithoutTrainingAndARetryAfterwardsTrainsIt() throws Exception {
        String runId = runId("queued");
        EventEnvelope queued = EventEnvelope.of(new TrainingRequested(runId, "study-it", tiny(1).build()), null);
        send(
                Topics.TRAINING_CONTROL,
                runId,
                EventCodec.encode(EventEnvelope.of(new TrainingCancelRequested(runId, "study cancelled"), null)));
        await(() -> store.exists(RunKeys.cancelMarker(runId)));

        try (TopicProbe state = probe(Topics.TRAINING_STATE)) {
            send(Topics.TRAINING_REQUESTS, runId, EventCodec.encode(queued)); // made before the cancel, consumed after
            TrainingCancelled cancelled = payload(
                    state.await(is(runId, TrainingCancelled.TYPE), RUN_TIMEOUT).orElseThrow(), TrainingCancelled.class);
            assertThat(cancelled.atEpoch()).isZero();
            assertThat(cancelled.reason()).isEqualTo("study cancelled");
            assertThat(state.readFor(Duration.ofSeconds(1)))
                    .filteredOn(r -> runId.equals(r.key()))
                    .noneMatch(is(runId, RunState.TYPE))
                    .noneMatch(is(runId, TrainingFinished.TYPE));
        }
        assertThat(store.exists(ObjectKeys.lastCheckpoint(runId)))
                .as("nothing was trained")
                .isFalse();
        given().get("/api/runs/" + runId).then().statusCode(200).body("status", equalTo("CANCELLED"));

        try (TopicProbe state = probe(Topics.TRAINING_STATE)) {
            request(runId, tiny(1).build()); // the retry: made after the cancel
            TrainingFinished finished = payload(
                    state.await(is(runId, TrainingFinished.TYPE), RUN_TIMEOUT).orElseThrow(), TrainingFinished.class);
            assertThat(finished.epochsRun()).isEqualTo(1);
        }
        assertThat(store.exists(ObjectKeys.bestCheckpoint(runId))).isTrue();
        await(() -> backlog() == 0); // every request so far has ended and its offset is committed
    }

    /** VmHWM of /proc/self/status (the kernel's peak resident set of this process) in MiB. */
    private static long highWaterMarkMiB() throws java.io.IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        throw new AssertionError("/proc/self/status has no VmHWM line");
    }

    /** {@code softcifar_trainer_requests_backlog} as /q/metrics shows it (NaN if absent). */
    private static double backlog() {
        String text = given().get(ManagementPort.url("/q/metrics"))
                .then()
                .statusCode(200)
                .extract()
                .asString();
        return PrometheusText.sum(text, "softcifar_trainer_requests_backlog").orElse(Double.NaN);
    }

    private static void await(java.util.function.BooleanSupplier condition) {
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(condition::getAsBoolean);
    }

    @Test
    void healthMetricsAndOpenApiAreServed() {
        given().get(ManagementPort.url("/q/health/ready"))
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("object-store"))
                .body("checks.name", hasItem("training-device"));
        given().get(ManagementPort.url("/q/health/live")).then().statusCode(200);
        String metrics = given().get(ManagementPort.url("/q/metrics")).asString();
        assertThat(metrics).contains("softcifar_trainer_runs_active").contains("softcifar_trainer_images_per_second");
        assertThat(given().get("/q/openapi").asString()).contains("/api/runs");
        given().get("/api/runs/run-that-never-was").then().statusCode(404);
    }

    private static double counter(String outcome) {
        return metric("softcifar_trainer_runs_total", "outcome", outcome);
    }

    /** The sum of {@code name}'s samples with these labels on /q/metrics now, 0 when there is none yet. */
    private static double metric(String name, String... labels) {
        return PrometheusText.sum(given().get(ManagementPort.url("/q/metrics")).asString(), name, labels)
                .orElse(0);
    }
}
