package io.softcifar.dataset.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.softcifar.contracts.events.DatasetFailed;
import io.softcifar.contracts.events.DatasetReady;
import io.softcifar.contracts.events.DatasetRequested;
import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.events.EventEnvelope;
import io.softcifar.contracts.spec.DatasetSpec;
import io.softcifar.contracts.spec.Sources;
import io.softcifar.contracts.topics.Topics;
import io.softcifar.ml.data.NpyFiles;
import io.softcifar.ml.data.SyntheticData;
import io.softcifar.storage.ObjectInfo;
import io.softcifar.storage.ObjectStore;
import io.softcifar.storage.ObjectStoreConfig;
import io.softcifar.testsupport.InfrastructureTestResource;
import io.softcifar.testsupport.ManagementPort;
import io.softcifar.testsupport.PrometheusText;
import io.softcifar.testsupport.TestInfrastructure;
import io.softcifar.testsupport.TopicProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dataset-service against the real in-process Kafka broker and S3 server (or containers, see test-support):
 * HTTP import, the bucket's contents, idempotency, bad input leaving nothing behind, and the Kafka request path.
 */
@QuarkusTest
@QuarkusTestResource(InfrastructureTestResource.class)
class DatasetServiceIT {

    private static final AtomicLong DATA_SEED = new AtomicLong(100);
    private static Path root;
    private static ObjectStore store;

    @BeforeAll
    static void setUp() throws IOException {
        root = Files.createTempDirectory("dataset-service-it");
        TestInfrastructure infra = TestInfrastructure.get();
        store = new ObjectStore(
                ObjectStoreConfig.of(infra.s3Endpoint(), infra.s3AccessKey(), infra.s3SecretKey(), infra.bucket()));
    }

    @AfterAll
    static void tearDown() {
        store.close();
    }

    /** A fresh folder of {@code n} synthetic images + soft labels in the official formats (distinct content each call). */
    private static Path folder(int n) throws IOException {
        long seed = DATA_SEED.incrementAndGet();
        return SyntheticData.writeCifar10hFolder(Files.createDirectories(root.resolve("data-" + seed)), n, seed);
    }

    private static Map<String, Object> spec(Path dir, Object... extra) {
        java.util.LinkedHashMap<String, Object> spec = new java.util.LinkedHashMap<>();
        spec.put("sources", Map.of("dir", dir.toString()));
        for (int i = 0; i < extra.length; i += 2) {
            spec.put((String) extra[i], extra[i + 1]);
        }
        return spec;
    }

    private static Response post(Object body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/api/datasets");
    }

    private static List<String> datasetKeys() {
        return store.list("datasets/").stream().map(ObjectInfo::key).sorted().toList();
    }

    @Test
    void importsAFolderIntoShardsAndAManifest() throws Exception {
        Path dir = folder(400);
        Response created = post(spec(dir, "seeds", List.of(0, 1)));
        created.then().statusCode(201).body("status", equalTo("READY"));
        JsonPath body = created.jsonPath();
        String id = body.getString("id");
        assertThat(id).matches("ds-[0-9a-f]{20}");
        assertThat(created.header("Location")).endsWith("/api/datasets/" + id);

        // 400 images, 80/5/15 per seed — computed by hand: 320 / 20 / 60
        for (int s = 0; s < 2; s++) {
            assertThat(body.getInt("manifest.seeds[" + s + "].splits.train.count"))
                    .isEqualTo(320);
            assertThat(body.getInt("manifest.seeds[" + s + "].splits.validation.count"))
                    .isEqualTo(20);
            assertThat(body.getInt("manifest.seeds[" + s + "].splits.test.count"))
                    .isEqualTo(60);
        }
        // every shard the manifest lists is in the bucket with the SHA-256 it claims (recomputed here from the bytes)
        List<Map<String, Object>> shards = new java.util.ArrayList<>();
        for (int s = 0; s < 2; s++) {
            for (String split : List.of("train", "validation", "test")) {
                shards.addAll(body.getList("manifest.seeds[" + s + "].splits." + split + ".shards"));
            }
        }
        assertThat(shards).hasSize(6);
        for (Map<String, Object> shard : shards) {
            byte[] bytes = store.getBytes((String) shard.get("key"));
            assertThat(sha256(bytes)).as((String) shard.get("key")).isEqualTo(shard.get("sha256"));
            assertThat((long) bytes.length).isEqualTo(((Number) shard.get("bytes")).longValue());
        }
        assertThat(store.exists("datasets/" + id + "/manifest.json")).isTrue();

        given().get("/api/datasets/" + id)
                .then()
                .statusCode(200)
                .body("status", equalTo("READY"))
                .body("statistics.images", equalTo(400))
                .body("manifest.datasetId", equalTo(id));
        given().get("/api/datasets").then().statusCode(200).body("id", hasItem(id));

        try (TopicProbe probe = probe(Topics.DATASET_STATE)) {
            ConsumerRecord<String, String> ready = probe.await(
                            r -> id.equals(r.key()) && r.value().contains(DatasetReady.TYPE), Duration.ofSeconds(20))
                    .orElseThrow();
            DatasetReady event = EventCodec.decode(ready.value())
                    .payloadAs(DatasetReady.class)
                    .orElseThrow();
            assertThat(event.summary().images()).isEqualTo(400);
            assertThat(event.manifestKey()).isEqualTo("datasets/" + id + "/manifest.json");
        }
    }

    @Test
    void theSameSpecTwiceGivesTheSameIdAndNoSecondImport() throws Exception {
        Path dir = folder(200);
        String id = post(spec(dir)).then().statusCode(201).extract().path("id");
        ObjectInfo before = store.stat("datasets/" + id + "/manifest.json").orElseThrow();

        // the same files in another folder: same content, same id
        Path copy = Files.createDirectories(root.resolve("copy-of-" + dir.getFileName()));
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        post(spec(copy)).then().statusCode(200).body("id", equalTo(id)).body("status", equalTo("READY"));
        post(spec(dir)).then().statusCode(200).body("id", equalTo(id));

        ObjectInfo after = store.stat("datasets/" + id + "/manifest.json").orElseThrow();
        assertThat(after.etag()).isEqualTo(before.etag());
        assertThat(after.lastModified()).isEqualTo(before.lastModified());
    }

    @Test
    void twoConcurrentIdenticalRequestsImportOnce() throws Exception {
        Path dir = folder(300);
        double builtBefore = importCount("ready");
        CompletableFuture<Response> a = CompletableFuture.supplyAsync(() -> post(spec(dir, "seeds", List.of(3))));
        CompletableFuture<Response> b = CompletableFuture.supplyAsync(() -> post(spec(dir, "seeds", List.of(3))));
        Response ra = a.get();
        Response rb = b.get();
        assertThat(List.of(ra.statusCode(), rb.statusCode())).allMatch(c -> c == 200 || c == 201);
        assertThat(ra.jsonPath().getString("id")).isEqualTo(rb.jsonPath().getString("id"));
        assertThat(importCount("ready") - builtBefore).isEqualTo(1.0);
    }

    @Test
    void invalidSpecsAre400NamingEachFieldAndLeaveNothing() throws Exception {
        Path dir = folder(100);
        List<String> before = datasetKeys();

        post(spec(dir, "splitRatios", Map.of("train", 0.8, "validation", 0.1, "test", 0.2)))
                .then()
                .statusCode(400)
                .body("problems.field", hasItem(org.hamcrest.Matchers.startsWith("splitRatios")));
        post(spec(dir, "protocol", "imagenet")).then().statusCode(400).body("problems.field", hasItem("protocol"));
        post(Map.of("sources", Map.of("dir", dir.toString()), "protocl", "peterson"))
                .then()
                .statusCode(400)
                .body("problems[0].message", equalTo("unknown field 'protocl'"));
        given().contentType(ContentType.JSON)
                .body("{not json")
                .post("/api/datasets")
                .then()
                .statusCode(400);
        post(spec(root.resolve("no-such-folder")))
                .then()
                .statusCode(400)
                .body("problems[0].field", org.hamcrest.Matchers.containsString("sources"));

        assertThat(datasetKeys()).isEqualTo(before);
    }

    @Test
    void badDataIs400NamingTheFileAndLeavesNothing() throws Exception {
        List<String> before = datasetKeys();

        Path sums = folder(100); // a row that sums to 0.9
        double[] probs = new double[100 * 10];
        for (int i = 0; i < 100; i++) {
            probs[i * 10 + i % 10] = i == 17 ? 0.9 : 1.0;
        }
        NpyFiles.writeFloat64(sums.resolve("cifar10h-probs.npy"), probs, 100, 10);
        expectBadFile(sums, "cifar10h-probs.npy");

        Path nan = folder(100);
        probs[17 * 10 + 7] = Double.NaN;
        NpyFiles.writeFloat64(nan.resolve("cifar10h-probs.npy"), probs, 100, 10);
        expectBadFile(nan, "cifar10h-probs.npy");

        Path shape = folder(100); // (100, 9) instead of (100, 10)
        NpyFiles.writeFloat64(shape.resolve("cifar10h-probs.npy"), new double[900], 100, 9);
        expectBadFile(shape, "cifar10h-probs.npy");

        Path count = folder(100); // 120 label rows for 100 images
        double[] more = new double[120 * 10];
        for (int i = 0; i < 120; i++) {
            more[i * 10] = 1.0;
        }
        NpyFiles.writeFloat64(count.resolve("cifar10h-probs.npy"), more, 120, 10);
        expectBadFile(count, "cifar10h-probs.npy");

        Path truncated = folder(100); // half a record missing at the end
        Path images = truncated.resolve("test_batch.bin");
        byte[] all = Files.readAllBytes(images);
        Files.write(images, java.util.Arrays.copyOf(all, all.length - 1500));
        expectBadFile(truncated, "test_batch.bin");

        assertThat(datasetKeys()).isEqualTo(before);
    }

    private static void expectBadFile(Path dir, String file) {
        Response r = post(spec(dir));
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(400);
        String problem = r.jsonPath().getString("problems[0].field") + ": "
                + r.jsonPath().getString("problems[0].message");
        assertThat(problem).contains(file);
        assertThat(r.asString()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void aDatasetWithoutItsManifestIsInvisibleAndAnInterruptedImportCanBeRetried() throws Exception {
        Path dir = folder(150);
        // learn the id without importing: an import that died after one shard looks exactly like this
        String id = post(spec(dir)).then().statusCode(201).extract().path("id");
        String shardKey = store.list("datasets/" + id + "/seed-0/").get(0).key();
        store.delete("datasets/" + id + "/manifest.json");
        store.putBytes(shardKey, new byte[] {1, 2, 3}, "application/octet-stream"); // a half-written shard

        given().get("/api/datasets/" + id).then().statusCode(200).body("status", equalTo("READY")); // from memory
        // a fresh service instance would not know it; what counts is the bucket: no manifest = no dataset
        assertThat(store.exists("datasets/" + id + "/manifest.json")).isFalse();

        post(spec(dir)).then().statusCode(201).body("id", equalTo(id)).body("status", equalTo("READY"));
        assertThat(store.getBytes(shardKey).length).isGreaterThan(3);
        assertThat(store.exists("datasets/" + id + "/manifest.json")).isTrue();
    }

    @Test
    void aKafkaRequestIsAnsweredOnTheStateTopicAndPoisonGoesToTheDeadLetterTopic() throws Exception {
        Path dir = folder(120);
        TestInfrastructure infra = TestInfrastructure.get();
        String poisonKey = "poison-" + UUID.randomUUID();
        String invalidRequest = "req-invalid-" + UUID.randomUUID();
        String goodRequest = "req-good-" + UUID.randomUUID();
        DatasetSpec good = new DatasetSpec(
                null,
                new Sources(dir.toString(), false, null, null, null, null, null, null),
                null,
                List.of(5L),
                null,
                null,
                null,
                null);
        DatasetSpec invalid = new DatasetSpec("imagenet", good.sources(), null, null, null, null, null, null);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", infra.kafkaBootstrapServers()),
                new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(Topics.DATASET_REQUESTS, poisonKey, "{this is not an event"))
                    .get();
            producer.send(new ProducerRecord<>(
                            Topics.DATASET_REQUESTS,
                            invalidRequest,
                            EventCodec.encode(EventEnvelope.of(new DatasetRequested(invalidRequest, invalid), null))))
                    .get();
            producer.send(new ProducerRecord<>(
                            Topics.DATASET_REQUESTS,
                            goodRequest,
                            EventCodec.encode(EventEnvelope.of(new DatasetRequested(goodRequest, good), null))))
                    .get();
        }
        try (TopicProbe state = probe(Topics.DATASET_STATE);
                TopicProbe dlq = probe(Topics.DATASET_REQUESTS + ".dlq")) {
            ConsumerRecord<String, String> failed = state.await(
                            r -> invalidRequest.equals(r.key()), Duration.ofSeconds(60))
                    .orElseThrow();
            DatasetFailed f = EventCodec.decode(failed.value())
                    .payloadAs(DatasetFailed.class)
                    .orElseThrow();
            assertThat(f.field()).isEqualTo("protocol");
            assertThat(f.reason()).contains("imagenet");

            ConsumerRecord<String, String> ready = state.await(r -> readyFor(r, 120, 5L), Duration.ofSeconds(60))
                    .orElseThrow();
            assertThat(ready.key()).startsWith("ds-");

            assertThat(dlq.await(r -> poisonKey.equals(r.key()), Duration.ofSeconds(30)))
                    .isPresent();
            assertThat(dlq.await(r -> invalidRequest.equals(r.key()), Duration.ofSeconds(30)))
                    .isPresent();
            String reason = new String(dlq.await(r -> poisonKey.equals(r.key()), Duration.ZERO)
                    .orElseThrow()
                    .headers()
                    .lastHeader("softcifar-dlq-reason")
                    .value());
            assertThat(reason).startsWith("cannot decode");
        }
    }

    private static boolean readyFor(ConsumerRecord<String, String> r, int images, long seed) {
        if (!r.value().contains(DatasetReady.TYPE)) {
            return false;
        }
        DatasetReady ready =
                EventCodec.decode(r.value()).payloadAs(DatasetReady.class).orElseThrow();
        return ready.summary().images() == images && ready.summary().seeds().equals(List.of(seed));
    }

    /** The real CIFAR-10H folder through the HTTP API: its README's statistics, recomputed by the service. */
    @Test
    void importsTheRealCifar10hFolderWithTheStatisticsOfItsReadme() {
        Path shared = io.softcifar.ml.data.Cifar10hFolder.findSharedCopy().orElse(null);
        io.softcifar.testsupport.Required.present(
                shared != null, "../shared/data/cifar10h is absent: real-data import not checked");
        Response r = post(spec(shared));
        assertThat(r.statusCode()).as(r.asString()).isIn(200, 201);
        JsonPath body = r.jsonPath();
        assertThat(body.getInt("statistics.images")).isEqualTo(10_000);
        assertThat(body.getList("statistics.officialClassCounts", Integer.class))
                .containsOnly(1000)
                .hasSize(10);
        assertThat(body.getDouble("statistics.meanEntropy"))
                .isCloseTo(0.1545, org.assertj.core.data.Offset.offset(5e-5));
        assertThat(body.getInt("manifest.seeds[0].splits.train.count")).isEqualTo(8000);
        assertThat(body.getInt("manifest.seeds[0].splits.validation.count")).isEqualTo(500);
        assertThat(body.getInt("manifest.seeds[0].splits.test.count")).isEqualTo(1500);
    }

    @Test
    void healthMetricsAndOpenApiAreServed() {
        given().get(ManagementPort.url("/q/health/ready"))
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("object-store"));
        given().get(ManagementPort.url("/q/health/live")).then().statusCode(200);
        assertThat(given().get("/q/openapi").asString()).contains("/api/datasets");
        given().get("/api/datasets/ds-00000000000000000000")
                .then()
                .statusCode(404)
                .body("error", org.hamcrest.Matchers.containsString("no dataset"));
    }

    private static double importCount(String outcome) {
        return PrometheusText.sum(
                        given().get(ManagementPort.url("/q/metrics")).asString(),
                        "softcifar_dataset_imports_total",
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
