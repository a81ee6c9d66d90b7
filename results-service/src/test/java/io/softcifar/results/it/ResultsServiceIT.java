package io.softcifar.results.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.softcifar.contracts.dataset.DatasetManifest;
import io.softcifar.contracts.dataset.DatasetStatistics;
import io.softcifar.contracts.events.CheckpointPublished;
import io.softcifar.contracts.events.Correlation;
import io.softcifar.contracts.events.DatasetRequested;
import io.softcifar.contracts.events.EvaluationCompleted;
import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.events.Provenance;
import io.softcifar.contracts.events.TrainingCancelRequested;
import io.softcifar.contracts.events.TrainingFailed;
import io.softcifar.contracts.events.TrainingFinished;
import io.softcifar.contracts.events.TrainingProgress;
import io.softcifar.contracts.events.TrainingRequested;
import io.softcifar.contracts.spec.DatasetSpec;
import io.softcifar.contracts.spec.RunSpec;
import io.softcifar.contracts.storage.ObjectKeys;
import io.softcifar.contracts.study.StudyExpander;
import io.softcifar.contracts.topics.Topics;
import io.softcifar.results.events.ViewFollower;
import io.softcifar.results.service.ResultsView;
import io.softcifar.storage.ObjectStore;
import io.softcifar.storage.ObjectStoreConfig;
import io.softcifar.testsupport.InfrastructureTestResource;
import io.softcifar.testsupport.ManagementPort;
import io.softcifar.testsupport.TestCredentials;
import io.softcifar.testsupport.TestInfrastructure;
import io.softcifar.testsupport.TopicProbe;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The results service against the real in-process Kafka broker and S3 server. The trainer and evaluator are not
 * here: the test plays their part by publishing their events (progress, finished, failed, checkpoints,
 * evaluations) to the broker, with metrics whose means and standard errors are worked out by hand below.
 */
@QuarkusTest
@QuarkusTestResource(InfrastructureTestResource.class)
class ResultsServiceIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static EventWire wire;
    private static String bootstrap;

    @TestHTTPResource("/")
    URL base;

    @BeforeAll
    static void setUp() {
        wire = EventWire.open();
        bootstrap = wire.bootstrap;
    }

    @AfterAll
    static void tearDown() {
        wire.close();
    }

    /** What the trainer and the evaluator publish for a run that trains one epoch and is evaluated. */
    private static void trainAndEvaluate(String studyId, String runId, String datasetId, Map<String, Double> metrics) {
        Correlation c = Correlation.ofRun(studyId, runId, datasetId);
        wire.publish(
                Topics.TRAINING_PROGRESS,
                runId,
                new TrainingProgress(runId, 1, 1, 2.1, null, 2.0, 0.3, 0.05, 500, 0, null),
                c);
        String best = ObjectKeys.bestCheckpoint(runId);
        wire.publish(
                Topics.CHECKPOINTS,
                runId,
                new CheckpointPublished(runId, 1, CheckpointPublished.KIND_BEST, true, best, "ab".repeat(32), 1234),
                c);
        wire.publish(
                Topics.TRAINING_STATE,
                runId,
                new TrainingFinished(runId, 1, 2.0, 0.3, 1, 12.5, best, null, TRAINED_ON),
                c);
        wire.publish(
                Topics.EVALUATION_RESULTS,
                runId,
                new EvaluationCompleted(
                        runId,
                        datasetId,
                        metrics,
                        ObjectKeys.runPrefix(runId) + "evaluation/dump.json",
                        List.of(),
                        EVALUATED_ON),
                c);
    }

    /** The provenance the trainer and the evaluator of {@link #trainAndEvaluate} report. */
    static final Provenance TRAINED_ON = new Provenance(
            "0.1.0",
            "1234567890abcdef1234567890abcdef12345678",
            false,
            "0.33.0",
            "2.5.1",
            "gpu",
            "NVIDIA A100-SXM4-40GB",
            "12.4",
            8,
            null,
            "17.0.13",
            "Linux",
            null,
            null,
            "ee".repeat(32));

    static final Provenance EVALUATED_ON = new Provenance(
            "0.1.0",
            "1234567890abcdef1234567890abcdef12345678",
            false,
            "0.33.0",
            "2.5.1",
            "cpu",
            "AMD EPYC 7B13",
            null,
            2,
            null,
            "17.0.13",
            "Linux",
            null,
            null,
            "ee".repeat(32));

    private static Map<String, Object> study(String id, String datasetId, List<String> labelModes, int seeds) {
        return Map.of(
                "id",
                id,
                "name",
                "IT " + id,
                "datasetId",
                datasetId,
                "grid",
                Map.of("methods", List.of("basic"), "labelModes", labelModes),
                "seeds",
                seeds,
                "overrides",
                Map.of("epochs", 1));
    }

    /** POSTs until the view has seen the dataset (a 400 naming datasetId publishes nothing, so retrying is safe). */
    private static JsonPath submit(Map<String, Object> body) {
        Response[] last = new Response[1];
        await().atMost(WAIT).until(() -> {
            last[0] = given().contentType(ContentType.JSON).body(body).post("/api/studies");
            return last[0].statusCode() != 400;
        });
        assertThat(last[0].statusCode()).as(last[0].asString()).isEqualTo(201);
        return last[0].jsonPath();
    }

    private static String runId(String studyId, String labelMode, long seed) {
        String key = RunSpec.builder(StudyExpander.DATASET_PLACEHOLDER, "basic", labelMode)
                .epochs(1)
                .build()
                .configurationKey();
        return studyId + "-" + key + "-s" + seed;
    }

    private static List<ConsumerRecord<String, String>> awaitRecords(TopicProbe probe, String keyPrefix, int count) {
        await().atMost(WAIT)
                .until(() -> probe.readFor(Duration.ofMillis(300)).stream()
                                .filter(r -> r.key() != null && r.key().startsWith(keyPrefix))
                                .count()
                        >= count);
        return probe.readFor(Duration.ofMillis(500)).stream()
                .filter(r -> r.key() != null && r.key().startsWith(keyPrefix))
                .toList();
    }

    @Test
    void submitFollowCompareAndRebuild() throws Exception {
        String datasetId = EventWire.unique("ds-it");
        String studyId = EventWire.unique("cmp");
        wire.datasetReady(datasetId, 2);
        JsonPath created = submit(study(studyId, datasetId, List.of("soft", "hard"), 2));

        String soft0 = runId(studyId, "soft", 0);
        String soft1 = runId(studyId, "soft", 1);
        String hard0 = runId(studyId, "hard", 0);
        String hard1 = runId(studyId, "hard", 1);
        assertThat(created.getList("runs.runId", String.class)).containsExactly(soft0, soft1, hard0, hard1);
        assertThat(created.getList("configurations.label", String.class)).containsExactly("basic, soft", "basic, hard");

        try (TopicProbe requests = new TopicProbe(bootstrap, Topics.TRAINING_REQUESTS);
                TopicProbe studies = new TopicProbe(bootstrap, Topics.STUDIES)) {
            List<ConsumerRecord<String, String>> records = awaitRecords(requests, studyId + "-", 4);
            assertThat(records).extracting(ConsumerRecord::key).containsExactlyInAnyOrder(soft0, soft1, hard0, hard1);
            for (ConsumerRecord<String, String> r : records) {
                TrainingRequested t = EventCodec.decode(r.value())
                        .payloadAs(TrainingRequested.class)
                        .orElseThrow();
                assertThat(t.runId()).isEqualTo(r.key());
                assertThat(t.studyId()).isEqualTo(studyId);
                assertThat(t.spec().datasetId()).isEqualTo(datasetId);
                assertThat(t.spec().seed()).isEqualTo(r.key().endsWith("-s0") ? 0L : 1L);
                assertThat(t.spec().epochs()).isEqualTo(1);
            }
            assertThat(awaitRecords(studies, studyId, 1)).hasSize(1);
        }

        // the same request again is the same study: 200, nothing new
        given().contentType(ContentType.JSON)
                .body(study(studyId, datasetId, List.of("soft", "hard"), 2))
                .post("/api/studies")
                .then()
                .statusCode(200);

        // soft: accuracy 0.80 / 0.84, ECE 0.05 / 0.07, AUROC 0.70 / 0.74, FGSM 0.30 / 0.34
        // hard: accuracy 0.70 / 0.76, ECE 0.02 / 0.04, AUROC 0.60 / 0.62, FGSM 0.40 / 0.44
        trainAndEvaluate(
                studyId,
                soft0,
                datasetId,
                Map.of("test/accuracy", 0.80, "test/ece", 0.05, "ood/svhn_auroc", 0.70, "fgsm/0.005_decrease", 0.30));
        trainAndEvaluate(
                studyId,
                soft1,
                datasetId,
                Map.of("test/accuracy", 0.84, "test/ece", 0.07, "ood/svhn_auroc", 0.74, "fgsm/0.005_decrease", 0.34));
        trainAndEvaluate(
                studyId,
                hard0,
                datasetId,
                Map.of("test/accuracy", 0.70, "test/ece", 0.02, "ood/svhn_auroc", 0.60, "fgsm/0.005_decrease", 0.40));
        // hard1 is still training: listed as missing, not dropped
        wire.publish(
                Topics.TRAINING_PROGRESS,
                hard1,
                new TrainingProgress(hard1, 1, 3, 2.2, null, 2.1, 0.25, 0.05, 480, 60, null),
                Correlation.ofRun(studyId, hard1, datasetId));

        await().atMost(WAIT)
                .until(() -> given().get("/api/studies/" + studyId + "/comparison")
                                        .jsonPath()
                                        .getInt("evaluated")
                                == 3
                        && "RUNNING"
                                .equals(given().get("/api/runs/" + hard1)
                                        .jsonPath()
                                        .getString("status")));
        JsonPath partial =
                given().get("/api/studies/" + studyId + "/comparison").jsonPath();
        assertThat(partial.getInt("configurations[1].n")).isEqualTo(1);
        assertThat(partial.getList("missing.runId", String.class)).containsExactly(hard1);
        assertThat(partial.getString("missing[0].status")).isEqualTo("RUNNING");
        String partialMd = given().queryParam("format", "markdown")
                .get("/api/studies/" + studyId + "/comparison")
                .asString();
        assertThat(partialMd).contains("Missing runs (1)").contains(hard1);

        JsonPath study = given().get("/api/studies/" + studyId).jsonPath();
        assertThat(study.getString("runs.find { it.runId == '" + hard1 + "' }.status"))
                .isEqualTo("RUNNING");
        assertThat(study.getInt("runs.find { it.runId == '" + hard1 + "' }.epoch"))
                .isEqualTo(1);
        assertThat(study.getDouble("runs.find { it.runId == '" + hard1 + "' }.etaSeconds"))
                .isEqualTo(60.0);

        trainAndEvaluate(
                studyId,
                hard1,
                datasetId,
                Map.of("test/accuracy", 0.76, "test/ece", 0.04, "ood/svhn_auroc", 0.62, "fgsm/0.005_decrease", 0.44));
        await().atMost(WAIT)
                .until(() -> given().get("/api/studies/" + studyId + "/comparison")
                                .jsonPath()
                                .getInt("evaluated")
                        == 4);

        Response json = given().get("/api/studies/" + studyId + "/comparison");
        JsonPath c = json.jsonPath();
        assertThat(c.getList("configurations.label", String.class)).containsExactly("basic, soft", "basic, hard");
        assertThat(c.getInt("configurations[0].n")).isEqualTo(2);
        assertThat(c.getInt("configurations[1].n")).isEqualTo(2);
        assertThat(c.getList("missing")).isEmpty();
        // soft accuracy: mean 0.82; std = sqrt(0.02² + 0.02²) = 0.028284; SE = std / √2 = 0.02
        assertThat(c.getDouble("configurations[0].metrics.'test/accuracy'.mean"))
                .isCloseTo(0.82, within(1e-9));
        assertThat(c.getDouble("configurations[0].metrics.'test/accuracy'.stdErr"))
                .isCloseTo(0.02, within(1e-9));
        assertThat(c.getInt("configurations[0].metrics.'test/accuracy'.n")).isEqualTo(2);
        // hard accuracy: mean 0.73, SE 0.03; hard ECE: mean 0.03, SE 0.01; soft ECE: mean 0.06, SE 0.01
        assertThat(c.getDouble("configurations[1].metrics.'test/accuracy'.mean"))
                .isCloseTo(0.73, within(1e-9));
        assertThat(c.getDouble("configurations[1].metrics.'test/accuracy'.stdErr"))
                .isCloseTo(0.03, within(1e-9));
        assertThat(c.getDouble("configurations[1].metrics.'test/ece'.mean")).isCloseTo(0.03, within(1e-9));
        assertThat(c.getDouble("configurations[1].metrics.'test/ece'.stdErr")).isCloseTo(0.01, within(1e-9));
        assertThat(c.getDouble("configurations[0].metrics.'test/ece'.mean")).isCloseTo(0.06, within(1e-9));
        // best: soft for accuracy, AUROC (0.72 > 0.61) and FGSM decrease (0.32 < 0.42); hard for ECE (0.03 < 0.06)
        String softKey = c.getString("configurations[0].key");
        String hardKey = c.getString("configurations[1].key");
        assertThat(c.getMap("best"))
                .containsEntry("test/accuracy", softKey)
                .containsEntry("ood/svhn_auroc", softKey)
                .containsEntry("fgsm/0.005_decrease", softKey)
                .containsEntry("test/ece", hardKey);
        assertThat(c.getBoolean("configurations[1].metrics.'test/ece'.best")).isTrue();

        String md = given().queryParam("format", "markdown")
                .get("/api/studies/" + studyId + "/comparison")
                .asString();
        assertThat(md)
                .contains("| configuration | accuracy % | OOD AUROC | ECE | FGSM attack decrease | n |")
                .contains(
                        "| basic, soft | **82.000 ± 2.000** | **0.720 ± 0.0200** | 0.0600 ± 0.0100 | **0.3200 ± 0.0200** | 2 |")
                .contains(
                        "| basic, hard | 73.000 ± 3.000 | 0.610 ± 0.0100 | **0.0300 ± 0.0100** | 0.4200 ± 0.0200 | 2 |");
        Response csv = given().queryParam("format", "csv").get("/api/studies/" + studyId + "/comparison");
        assertThat(csv.contentType()).startsWith("text/csv");
        assertThat(csv.asString())
                .startsWith("configuration,configKey,metric,direction,n,mean,std,stdErr,best")
                .contains("basic, soft\",");
        assertThat(csv.asString().lines().skip(1))
                .allSatisfy(
                        l -> assertThat(l)
                                .contains(
                                        ",1234567890abcdef1234567890abcdef12345678,0.33.0,2.5.1,gpu NVIDIA A100-SXM4-40GB CUDA 12.4 | cpu AMD EPYC 7B13,8 | 2,"));
        assertThat(md)
                .contains(
                        "\nProvenance (2 environments):\n\n- training: 0.1.0 (git 1234567890ab), DJL 0.33.0,"
                                + " PyTorch 2.5.1, gpu NVIDIA A100-SXM4-40GB, CUDA 12.4, 8 threads, dataset manifest sha256 eeeeeeeeeeee: `");
        assertThat(c.getList("provenance.stage")).containsExactly("training", "evaluation");
        assertThat(c.getList("provenance[0].runIds")).hasSize(4);
        String tex = given().queryParam("format", "latex")
                .get("/api/studies/" + studyId + "/comparison")
                .asString();
        assertThat(tex).contains("\\begin{tabular}").contains("basic, soft & $\\mathbf{82.000 \\pm 2.000}$");
        given().queryParam("format", "xml")
                .get("/api/studies/" + studyId + "/comparison")
                .then()
                .statusCode(400);

        JsonPath run = given().get("/api/runs/" + soft0).jsonPath();
        assertThat(run.getString("status")).isEqualTo("FINISHED");
        assertThat(run.getString("spec.datasetId")).isEqualTo(datasetId);
        assertThat(run.getList("progress")).hasSize(1);
        assertThat(run.getString("checkpoints[0].key")).isEqualTo(ObjectKeys.bestCheckpoint(soft0));
        assertThat(run.getDouble("evaluation.metrics.'test/accuracy'")).isEqualTo(0.80);
        assertThat(run.getInt("finished.bestEpoch")).isEqualTo(1);
        assertThat(run.getString("provenance.training.gitCommit")).isEqualTo(TRAINED_ON.gitCommit());
        assertThat(run.getString("provenance.training.cudaVersion")).isEqualTo("12.4");
        assertThat(run.getString("provenance.evaluation.deviceName")).isEqualTo("AMD EPYC 7B13");
        assertThat(run.getInt("provenance.evaluation.threads")).isEqualTo(2);
        given().get("/api/studies").then().statusCode(200);
        given().get("/api/runs/nope").then().statusCode(404);
        given().get("/api/studies/nope").then().statusCode(404);

        // operations: readiness (Kafka, object store, the rebuilt view), the gauges, OpenAPI
        given().get(ManagementPort.url("/q/health/ready"))
                .then()
                .statusCode(200)
                .body("checks.name", org.hamcrest.Matchers.hasItem("results-view"));
        String metrics = given().get(ManagementPort.url("/q/metrics")).asString();
        assertThat(metrics).contains("softcifar_results_studies").contains("softcifar_results_runs{state=\"finished\"");
        assertThat(given().get("/q/openapi").asString()).contains("/api/studies/{id}/comparison");

        // restart: a second view, rebuilt from the topics alone, serves the same study and comparison
        ResultsView fresh = new ResultsView(new StudyExpander(10_000));
        try (ViewFollower follower = new ViewFollower(bootstrap, fresh, "it-rebuild").start()) {
            follower.caughtUp().get(60, TimeUnit.SECONDS);
            JsonNode served = EventCodec.json().readTree(json.asString());
            JsonNode rebuilt =
                    EventCodec.json().valueToTree(fresh.comparison(studyId).orElseThrow());
            // compared as canonical JSON: the HTTP body reads back with other number node types than valueToTree
            assertThat(EventCodec.toCanonicalJson(rebuilt)).isEqualTo(EventCodec.toCanonicalJson(served));
            JsonNode servedStudy = EventCodec.json()
                    .readTree(given().get("/api/studies/" + studyId).asString());
            JsonNode rebuiltStudy =
                    EventCodec.json().valueToTree(fresh.study(studyId).orElseThrow());
            assertThat(EventCodec.toCanonicalJson(rebuiltStudy)).isEqualTo(EventCodec.toCanonicalJson(servedStudy));
        }
    }

    @Test
    void invalidStudiesNameEachFieldAndPublishNothing() {
        String datasetId = EventWire.unique("ds-it");
        wire.datasetReady(datasetId, 2);
        String badId = EventWire.unique("bad");
        Map<String, Object> bad = Map.of(
                "id",
                badId,
                "name",
                "bad",
                "datasetId",
                datasetId,
                "grid",
                Map.of(
                        "methods",
                        List.of("basic", "resnet"),
                        "labelModes",
                        List.of("soft"),
                        "mixing",
                        List.of("none", "mixcut"),
                        "learningRate",
                        List.of(-0.1)),
                "seeds",
                0);
        JsonPath body = given().contentType(ContentType.JSON)
                .body(bad)
                .post("/api/studies")
                .then()
                .statusCode(400)
                .extract()
                .jsonPath();
        assertThat(body.getList("problems.field", String.class))
                .contains("grid.methods[1]", "grid.mixing[1]", "grid.learningRate[0]", "seeds");
        assertThat(body.getString("problems.find { it.field == 'grid.methods[1]' }.message"))
                .contains("unknown method 'resnet'");

        // 2 label modes × 30 learning rates = 60 configurations × 20 seeds = 1,200 runs > 1,000 without allowLarge
        String bigId = EventWire.unique("big");
        Map<String, Object> big = Map.of(
                "id",
                bigId,
                "name",
                "big",
                "datasetId",
                datasetId,
                "seeds",
                20,
                "grid",
                Map.of(
                        "methods",
                        List.of("basic"),
                        "labelModes",
                        List.of("soft", "hard"),
                        "learningRate",
                        java.util.stream.IntStream.rangeClosed(1, 30)
                                .mapToObj(i -> i / 100.0)
                                .toList()));
        given().contentType(ContentType.JSON)
                .body(big)
                .post("/api/studies")
                .then()
                .statusCode(400)
                .body("problems[0].field", org.hamcrest.Matchers.equalTo("grid"))
                .body("problems[0].message", org.hamcrest.Matchers.containsString("allowLarge"));

        String ghostId = EventWire.unique("ghost");
        given().contentType(ContentType.JSON)
                .body(study(ghostId, "ds-does-not-exist", List.of("soft"), 1))
                .post("/api/studies")
                .then()
                .statusCode(400)
                .body("problems[0].field", org.hamcrest.Matchers.equalTo("datasetId"));

        given().contentType(ContentType.JSON)
                .body("{\"name\": \"x\", \"datasetid\": \"d\"}")
                .post("/api/studies")
                .then()
                .statusCode(400)
                .body("problems[0].field", org.hamcrest.Matchers.equalTo("datasetid"))
                .body("problems[0].message", org.hamcrest.Matchers.containsString("unknown field"));

        // nothing was published for any of them
        for (String topic : List.of(Topics.STUDIES, Topics.TRAINING_REQUESTS, Topics.DATASET_REQUESTS)) {
            try (TopicProbe probe = new TopicProbe(bootstrap, topic)) {
                assertThat(probe.readFor(Duration.ofSeconds(2)))
                        .extracting(ConsumerRecord::key)
                        .noneMatch(k ->
                                k != null && (k.startsWith(badId) || k.startsWith(bigId) || k.startsWith(ghostId)));
            }
        }
    }

    @Test
    void aDryRunExpandsThePaperPresetAndPublishesNothing() {
        String datasetId = EventWire.unique("ds-it");
        wire.datasetReady(datasetId, 2);
        String id = EventWire.unique("dry");
        Map<String, Object> paper = Map.of(
                "id",
                id,
                "name",
                "paper, dry run",
                "preset",
                "paper",
                "datasetId",
                datasetId,
                "seeds",
                2,
                "overrides",
                Map.of("epochs", 1));
        Response[] dry = new Response[1];
        await().atMost(WAIT)
                .until(
                        () -> { // until the view has seen the dataset
                            dry[0] = given().contentType(ContentType.JSON)
                                    .body(paper)
                                    .post("/api/studies?dryRun=true");
                            return dry[0].statusCode() != 400;
                        });
        assertThat(dry[0].statusCode()).as(dry[0].asString()).isEqualTo(200);
        JsonPath plan = dry[0].jsonPath();
        assertThat(plan.getString("studyId")).isEqualTo(id);
        assertThat(plan.getInt("configurations")).isEqualTo(30);
        assertThat(plan.getList("runs")).hasSize(60);
        assertThat(plan.getString("runs[0].method")).isEqualTo("basic");
        assertThat(plan.getString("runs[0].labelMode")).isEqualTo("soft");
        assertThat(plan.getString("runs[0].mixing")).isEqualTo("none");
        assertThat(plan.getBoolean("runs[0].augment")).isTrue();
        assertThat(plan.getString("runs[0].mixAlpha")).isNull();
        // configuration 12 (0-based 11) is "dropout, no aug, hard, CutMix"; its seed 1 is run 23
        assertThat(plan.getString("runs[23].label")).isEqualTo("dropout, no aug, hard, CutMix");
        assertThat(plan.getBoolean("runs[23].augment")).isFalse();
        assertThat(plan.getDouble("runs[23].mixAlpha")).isEqualTo(0.2);
        assertThat(plan.getDouble("runs[23].mixProbability")).isEqualTo(0.15);
        assertThat(plan.getDouble("runs[23].dropoutRate")).isEqualTo(0.1);
        assertThat(plan.getLong("runs[23].seed")).isEqualTo(1L);
        String lastKey = RunSpec.builder(StudyExpander.DATASET_PLACEHOLDER, "sngp", "hard")
                .mixing("cutmix", 0.2, 0.15)
                .epochs(1)
                .build()
                .configurationKey();
        assertThat(plan.getString("runs[59].runId")).isEqualTo(id + "-" + lastKey + "-s1");

        // an invalid dry run is the usual 400
        given().contentType(ContentType.JSON)
                .body(Map.of(
                        "name",
                        "x",
                        "preset",
                        "paper",
                        "datasetId",
                        datasetId,
                        "seeds",
                        2,
                        "overrides",
                        Map.of("mixAlpha", 1.0)))
                .post("/api/studies?dryRun=true")
                .then()
                .statusCode(400)
                .body("problems[0].field", org.hamcrest.Matchers.equalTo("overrides.mixAlpha"));

        // the dry run registered and published nothing: the study is unknown, and submitting it for real creates it
        // (201, not "already submitted") with the same run ids and one study event under its key
        given().get("/api/studies/" + id).then().statusCode(404);
        JsonPath created = submit(paper);
        assertThat(created.getList("runs.runId", String.class))
                .containsExactlyElementsOf(plan.getList("runs.runId", String.class));
        try (TopicProbe studies = new TopicProbe(bootstrap, Topics.STUDIES)) {
            // one key, one partition: a record the dry run published would come before the submission's
            assertThat(awaitRecords(studies, id, 1))
                    .extracting(ConsumerRecord::key)
                    .containsExactly(id);
        }
    }

    @Test
    void retryCancelAndServerSentEvents() throws Exception {
        String datasetId = EventWire.unique("ds-it");
        String studyId = EventWire.unique("rc");
        wire.datasetReady(datasetId, 2);
        submit(study(studyId, datasetId, List.of("soft"), 2));
        String ok = runId(studyId, "soft", 0);
        String failing = runId(studyId, "soft", 1);

        // SSE: subscribe, then a progress event of the study arrives on the stream
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest sse = HttpRequest.newBuilder(URI.create(base + "api/studies/" + studyId + "/events"))
                .header("Accept", "text/event-stream")
                .header("Authorization", TestCredentials.authorization())
                .build();
        var stream = http.sendAsync(sse, HttpResponse.BodyHandlers.ofInputStream());
        Thread reader = new Thread(() -> {
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(stream.get().body(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (Exception e) {
                lines.add("error: " + e);
            }
        });
        reader.setDaemon(true);
        reader.start();
        assertThat(pollUntil(lines, "\"subscribed\"")).contains(studyId);
        wire.publish(
                Topics.TRAINING_PROGRESS,
                ok,
                new TrainingProgress(ok, 1, 2, 2.0, null, 1.9, 0.31, 0.05, 500, 30, null),
                Correlation.ofRun(studyId, ok, datasetId));
        String progress = pollUntil(lines, "training.progress");
        assertThat(progress).contains(ok).contains("\"epoch\":1").contains("\"etaSeconds\":30");
        stream.cancel(true);

        trainAndEvaluate(studyId, ok, datasetId, Map.of("test/accuracy", 0.5));
        wire.publish(
                Topics.TRAINING_STATE,
                failing,
                new TrainingFailed(failing, "out of memory"),
                Correlation.ofRun(studyId, failing, datasetId));
        await().atMost(WAIT)
                .until(() -> "FAILED"
                                .equals(given().get("/api/runs/" + failing)
                                        .jsonPath()
                                        .getString("status"))
                        && "FINISHED"
                                .equals(given().get("/api/runs/" + ok)
                                        .jsonPath()
                                        .getString("status")));
        assertThat(given().get("/api/studies/" + studyId + "/comparison")
                        .jsonPath()
                        .getString("missing[0].reason"))
                .isEqualTo("out of memory");

        // retry: only the failed run is requested again, under its id
        given().post("/api/studies/" + studyId + "/retry")
                .then()
                .statusCode(202)
                .body("retried", org.hamcrest.Matchers.contains(failing));
        try (TopicProbe requests = new TopicProbe(bootstrap, Topics.TRAINING_REQUESTS)) {
            List<ConsumerRecord<String, String>> records = awaitRecords(requests, studyId + "-", 3);
            assertThat(records).extracting(ConsumerRecord::key).containsExactlyInAnyOrder(ok, failing, failing);
        }
        await().atMost(WAIT)
                .until(() -> "REQUESTED"
                        .equals(given().get("/api/runs/" + failing).jsonPath().getString("status")));
        assertThat(given().get("/api/runs/" + failing).jsonPath().getInt("attempts"))
                .isEqualTo(2);

        // cancel: the run's control event; a finished run cannot be cancelled; a study cancels its live runs
        given().post("/api/runs/" + failing + "/cancel").then().statusCode(202);
        given().post("/api/runs/" + ok + "/cancel").then().statusCode(409);
        given().post("/api/studies/" + studyId + "/cancel")
                .then()
                .statusCode(202)
                .body("cancelled", org.hamcrest.Matchers.contains(failing));
        try (TopicProbe control = new TopicProbe(bootstrap, Topics.TRAINING_CONTROL)) {
            List<ConsumerRecord<String, String>> records = awaitRecords(control, studyId + "-", 2);
            assertThat(records).extracting(ConsumerRecord::key).containsOnly(failing);
            assertThat(EventCodec.decode(records.get(0).value()).payload()).isInstanceOf(TrainingCancelRequested.class);
        }
        given().post("/api/studies/nope/retry").then().statusCode(404);
    }

    @Test
    void aDatasetSpecIsRequestedAndTheRunsWaitForIt() {
        String studyId = EventWire.unique("spec");
        Map<String, Object> dataset =
                Map.of("sources", Map.of("dir", "/data/cifar10h"), "seeds", List.of(0), "limit", 400);
        DatasetSpec spec = EventCodec.json().convertValue(dataset, DatasetSpec.class);
        Map<String, Object> body = Map.of(
                "id",
                studyId,
                "name",
                "spec study",
                "dataset",
                dataset,
                "grid",
                Map.of("methods", List.of("sngp"), "labelModes", List.of("soft")),
                "overrides",
                Map.of("epochs", 1));
        JsonPath created = given().contentType(ContentType.JSON)
                .body(body)
                .post("/api/studies")
                .then()
                .statusCode(201)
                .extract()
                .jsonPath();
        assertThat(created.getString("runs[0].status")).isEqualTo("PENDING");
        assertThat(created.getString("datasetStatus")).isEqualTo("REQUESTED");
        String runId = created.getString("runs[0].runId");

        try (TopicProbe asks = new TopicProbe(bootstrap, Topics.DATASET_REQUESTS);
                TopicProbe requests = new TopicProbe(bootstrap, Topics.TRAINING_REQUESTS)) {
            ConsumerRecord<String, String> ask = awaitRecords(asks, studyId, 1).get(0);
            DatasetRequested requested = EventCodec.decode(ask.value())
                    .payloadAs(DatasetRequested.class)
                    .orElseThrow();
            assertThat(requested.requestId()).isEqualTo(studyId);
            assertThat(requested.spec().canonicalJson()).isEqualTo(spec.canonicalJson());
            assertThat(requests.readFor(Duration.ofSeconds(1)))
                    .extracting(ConsumerRecord::key)
                    .doesNotContain(runId);

            // the dataset service builds it: manifest in the bucket, then dataset.ready
            String datasetId = EventWire.unique("ds-built");
            TestInfrastructure infra = TestInfrastructure.get();
            try (ObjectStore store = new ObjectStore(ObjectStoreConfig.of(
                    infra.s3Endpoint(), infra.s3AccessKey(), infra.s3SecretKey(), infra.bucket()))) {
                DatasetManifest manifest = new DatasetManifest(
                        1,
                        datasetId,
                        Instant.now(),
                        spec.withDefaults(),
                        List.of(),
                        List.of("c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9"),
                        10,
                        DatasetManifest.IMAGE_SHAPE,
                        List.of(),
                        Map.of(),
                        new DatasetStatistics(400, List.of(), List.of(), 0.15, 0.5, 0.99));
                store.putJson(ObjectKeys.manifest(datasetId), manifest.toJson());
            }
            wire.datasetReady(datasetId, 2);
            ConsumerRecord<String, String> r = awaitRecords(requests, runId, 1).get(0);
            TrainingRequested t = EventCodec.decode(r.value())
                    .payloadAs(TrainingRequested.class)
                    .orElseThrow();
            assertThat(t.spec().datasetId()).isEqualTo(datasetId);
            assertThat(t.spec().method()).isEqualTo("sngp");
            await().atMost(WAIT)
                    .until(() -> datasetId.equals(
                            given().get("/api/studies/" + studyId).jsonPath().getString("datasetId")));
        }
    }

    private static String pollUntil(LinkedBlockingQueue<String> lines, String needle) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end) {
            String line = lines.poll(500, TimeUnit.MILLISECONDS);
            if (line != null && line.contains(needle)) {
                return line;
            }
        }
        throw new AssertionError("no SSE line with " + needle + " within " + WAIT);
    }
}
