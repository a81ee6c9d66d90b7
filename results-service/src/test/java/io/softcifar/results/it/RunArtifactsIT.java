package io.softcifar.results.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.softcifar.contracts.events.CheckpointPublished;
import io.softcifar.contracts.events.Correlation;
import io.softcifar.contracts.events.EvaluationCompleted;
import io.softcifar.contracts.events.TrainingFinished;
import io.softcifar.contracts.storage.ObjectKeys;
import io.softcifar.contracts.topics.Topics;
import io.softcifar.storage.ObjectStore;
import io.softcifar.storage.ObjectStoreConfig;
import io.softcifar.testsupport.InfrastructureTestResource;
import io.softcifar.testsupport.TestInfrastructure;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A run's checkpoints and evaluation files, listed and downloaded through results-service from the real S3 server.
 * The expected sizes and SHA-256 digests are computed here from the bytes the test wrote.
 */
@QuarkusTest
@QuarkusTestResource(InfrastructureTestResource.class)
class RunArtifactsIT {

    private static EventWire wire;
    private static ObjectStore store;

    @BeforeAll
    static void setUp() {
        wire = EventWire.open();
        TestInfrastructure infra = TestInfrastructure.get();
        store = new ObjectStore(
                ObjectStoreConfig.of(infra.s3Endpoint(), infra.s3AccessKey(), infra.s3SecretKey(), infra.bucket()));
    }

    @AfterAll
    static void tearDown() {
        wire.close();
        store.close();
    }

    private static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

    @Test
    void checkpointsAndEvaluationFilesAreListedAndStreamedWithSizeAndDigest() throws Exception {
        String runId = EventWire.unique("art") + "-run-s0";
        String otherRun = EventWire.unique("other") + "-run-s0";
        byte[] checkpoint = new byte[300_000];
        new Random(7).nextBytes(checkpoint);
        byte[] dump = "{\"logits\": [[1, 2], [3, 4]]}".getBytes(StandardCharsets.UTF_8);
        byte[] metrics = "{\"test/accuracy\": 0.5}".getBytes(StandardCharsets.UTF_8);
        String best = ObjectKeys.bestCheckpoint(runId);
        store.putBytes(best, checkpoint, "application/octet-stream");
        store.putBytes(ObjectKeys.evaluationFile(runId, "dump.json"), dump, "application/json");
        store.putBytes(ObjectKeys.evaluationFile(runId, "metrics.json"), metrics, "application/json");
        store.putBytes(ObjectKeys.evaluationFile(otherRun, "metrics.json"), metrics, "application/json");
        String checkpointSha = HexFormat.of().formatHex(sha256(checkpoint));

        Correlation c = Correlation.ofRun("st-art", runId, "ds-art");
        wire.publish(
                Topics.CHECKPOINTS,
                runId,
                new CheckpointPublished(
                        runId, 2, CheckpointPublished.KIND_BEST, true, best, checkpointSha, checkpoint.length),
                c);
        wire.publish(
                Topics.TRAINING_STATE, runId, new TrainingFinished(runId, 2, 1.0, 0.5, 2, 3.0, best, null, null), c);
        wire.publish(
                Topics.EVALUATION_RESULTS,
                runId,
                new EvaluationCompleted(
                        runId,
                        "ds-art",
                        Map.of("test/accuracy", 0.5),
                        ObjectKeys.evaluationFile(runId, "dump.json"),
                        List.of()),
                c);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> given().get("/api/runs/" + runId).statusCode() == 200
                        && given().get("/api/runs/" + runId).jsonPath().getString("evaluation.status") != null);

        JsonPath list = given().get("/api/runs/" + runId + "/artifacts")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(list.getList("artifacts.name", String.class))
                .containsExactly("checkpoints/best.ckpt", "evaluation/dump.json", "evaluation/metrics.json");
        assertThat(list.getList("artifacts.kind", String.class))
                .containsExactly("checkpoint", "evaluation", "evaluation");
        assertThat(list.getLong("artifacts[0].bytes")).isEqualTo(300_000L);
        assertThat(list.getInt("artifacts[0].epoch")).isEqualTo(2);
        assertThat(list.getString("artifacts[0].sha256")).isEqualTo(checkpointSha);
        assertThat(list.getLong("artifacts[1].bytes")).isEqualTo(dump.length);
        assertThat(list.getString("artifacts[1].sha256"))
                .isEqualTo(HexFormat.of().formatHex(sha256(dump)));
        assertThat(list.getString("artifacts[2].sha256"))
                .isEqualTo(HexFormat.of().formatHex(sha256(metrics)));

        Response got = given().get("/api/runs/" + runId + "/artifacts/checkpoints/best.ckpt");
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(got.asByteArray()).isEqualTo(checkpoint);
        assertThat(got.header("Content-Length")).isEqualTo("300000");
        assertThat(got.header("Repr-Digest"))
                .isEqualTo("sha-256=:" + Base64.getEncoder().encodeToString(sha256(checkpoint)) + ":");
        assertThat(got.header("Content-Disposition"))
                .isEqualTo("attachment; filename=\"" + runId + "-checkpoints-best.ckpt\"");
        assertThat(given().get("/api/runs/" + runId + "/artifacts/evaluation/dump.json")
                        .asByteArray())
                .isEqualTo(dump);

        // only what the run has: other names, other runs' keys and climbing out of the prefix are 404 with the one
        // JSON error shape; nothing is read outside the run's own objects
        for (String name : List.of(
                "checkpoints/epoch-0001.ckpt",
                "../" + otherRun + "/evaluation/metrics.json",
                "evaluation/../../" + otherRun + "/evaluation/metrics.json",
                "datasets/x/manifest.json")) {
            Response missing = given().get("/api/runs/" + runId + "/artifacts/" + name);
            assertThat(missing.statusCode()).as(name).isEqualTo(404);
            assertThat(missing.contentType()).as(name).startsWith("application/json");
            // a name with ".." is normalised by the client to another path (no such route); either way: 404, JSON
            assertThat(missing.jsonPath().getString("error")).as(name).isNotBlank();
            assertThat(missing.asString()).as(name).doesNotContain("test/accuracy");
        }
        assertThat(given().get("/api/runs/" + runId + "/artifacts/checkpoints/epoch-0001.ckpt")
                        .jsonPath()
                        .getString("error"))
                .isEqualTo("run '" + runId + "' has no artifact 'checkpoints/epoch-0001.ckpt' " + "(GET /api/runs/"
                        + runId + "/artifacts lists them)");
        // encoded, the dots reach the service as part of the name, which is not one of the run's artifacts
        Response encoded = given().urlEncodingEnabled(false)
                .get("/api/runs/" + runId + "/artifacts/evaluation/%2E%2E/%2E%2E/" + otherRun
                        + "/evaluation/metrics.json");
        assertThat(encoded.statusCode()).isEqualTo(404);
        assertThat(encoded.asString()).doesNotContain("test/accuracy");
        // OOD score histograms from the dump's native scores (files written here per the .npy format)
        io.softcifar.results.artifacts.OodScoresTest.putExampleScores(store, runId);
        JsonPath ood = given().get("/api/runs/" + runId + "/ood-scores?bins=4")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        // by hand (OodScoresTest): edges 0, 0.25, …, 1; test 2, 0, 1, 1; SVHN 1, 1, 0, 1
        assertThat(ood.getList("sets.set", String.class)).containsExactly("svhn");
        assertThat(ood.getList("sets[0].inDistribution", Integer.class)).containsExactly(2, 0, 1, 1);
        assertThat(ood.getList("sets[0].outOfDistribution", Integer.class)).containsExactly(1, 1, 0, 1);
        assertThat(ood.getList("sets[0].edges", Float.class)).containsExactly(0f, 0.25f, 0.5f, 0.75f, 1f);
        Response badBins = given().get("/api/runs/" + runId + "/ood-scores?bins=1");
        assertThat(badBins.statusCode()).isEqualTo(400);
        assertThat(badBins.jsonPath().getString("problems[0].field")).isEqualTo("bins");
        assertThat(badBins.jsonPath().getString("problems[0].message"))
                .isEqualTo("must be an integer from 2 to 200, got '1'");

        Response noRun = given().get("/api/runs/nope/artifacts");
        assertThat(noRun.statusCode()).isEqualTo(404);
        assertThat(noRun.jsonPath().getString("error")).isEqualTo("no run with id 'nope'");
    }
}
