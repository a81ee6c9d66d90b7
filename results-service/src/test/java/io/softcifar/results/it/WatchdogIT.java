package io.softcifar.results.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.softcifar.contracts.events.CheckpointPublished;
import io.softcifar.contracts.events.Correlation;
import io.softcifar.contracts.events.EvaluationFailed;
import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.events.EventEnvelope;
import io.softcifar.contracts.events.StudySubmitted;
import io.softcifar.contracts.events.TrainingFinished;
import io.softcifar.contracts.events.TrainingProgress;
import io.softcifar.contracts.events.TrainingRequested;
import io.softcifar.contracts.spec.RunSpec;
import io.softcifar.contracts.storage.ObjectKeys;
import io.softcifar.contracts.study.Expansion;
import io.softcifar.contracts.study.PlannedRun;
import io.softcifar.contracts.study.StudyExpander;
import io.softcifar.contracts.study.StudyRequest;
import io.softcifar.contracts.topics.Topics;
import io.softcifar.testsupport.InfrastructureTestResource;
import io.softcifar.testsupport.ManagementPort;
import io.softcifar.testsupport.TopicProbe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The results-service watchdog against the real in-process Kafka broker and S3 server, with its timeouts short
 * (check every 0.5 s, heartbeat and evaluation timeouts 3 s, pending grace 2 s). The test plays the trainer and the
 * evaluator and then falls silent; what the watchdog publishes is read back from the topics.
 */
@QuarkusTest
@TestProfile(WatchdogIT.ShortTimeouts.class)
@QuarkusTestResource(InfrastructureTestResource.class)
class WatchdogIT {

    public static class ShortTimeouts implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "softcifar.results.watchdog.interval",
                    "PT0.5S",
                    "softcifar.results.watchdog.heartbeat-timeout",
                    "PT3S",
                    "softcifar.results.watchdog.evaluation-timeout",
                    "PT3S",
                    "softcifar.results.watchdog.pending-grace",
                    "PT2S");
        }
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static EventWire wire;
    private static String bootstrap;

    @BeforeAll
    static void setUp() {
        wire = EventWire.open();
        bootstrap = wire.bootstrap;
    }

    @AfterAll
    static void tearDown() {
        wire.close();
    }

    private static Map<String, Object> study(String id, String datasetId, List<String> labelModes, int seeds) {
        return Map.of(
                "id",
                id,
                "name",
                "watchdog " + id,
                "datasetId",
                datasetId,
                "grid",
                Map.of("methods", List.of("basic"), "labelModes", labelModes),
                "seeds",
                seeds,
                "overrides",
                Map.of("epochs", 3));
    }

    /** POSTs until the view has seen the dataset (a 400 publishes nothing). */
    private static JsonPath submit(Map<String, Object> body) {
        Response[] last = new Response[1];
        await().atMost(WAIT).until(() -> {
            last[0] = given().contentType(ContentType.JSON).body(body).post("/api/studies");
            return last[0].statusCode() != 400;
        });
        assertThat(last[0].statusCode()).as(last[0].asString()).isEqualTo(201);
        return last[0].jsonPath();
    }

    private static String recoveryKind(ConsumerRecord<String, String> r) {
        Header h = r.headers().lastHeader("softcifar-recovery");
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** {@code softcifar_results_recoveries_total{kind="..."}} from the Prometheus endpoint. */
    private static double recoveries(String kind) {
        String metrics = given().get(ManagementPort.url("/q/metrics")).asString();
        Matcher m = Pattern.compile("(?m)^softcifar_results_recoveries_total\\{[^}]*kind=\"" + Pattern.quote(kind)
                        + "\"[^}]*} ([0-9.Ee+-]+)$")
                .matcher(metrics);
        assertThat(m.find()).as("counter for kind %s in\n%s", kind, metrics).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static String runStatus(String runId) {
        return given().get("/api/runs/" + runId).jsonPath().getString("status");
    }

    @Test
    void aRunningRunWhoseTrainerFallsSilentIsRequestedAgain() {
        String datasetId = EventWire.unique("ds-wd");
        String studyId = EventWire.unique("silent");
        wire.datasetReady(datasetId, 2);
        JsonPath created = submit(study(studyId, datasetId, List.of("hard"), 1));
        String runId = created.getString("runs[0].runId");
        await().atMost(WAIT).until(() -> "REQUESTED".equals(runStatus(runId)));

        // the trainer reports epoch 1 of 3, then nothing more
        EventEnvelope progress = wire.publish(
                Topics.TRAINING_PROGRESS,
                runId,
                new TrainingProgress(runId, 1, 3, 2.2, null, 2.1, 0.25, 0.05, 480, 60, null),
                Correlation.ofRun(studyId, runId, datasetId));
        await().atMost(WAIT).until(() -> "RUNNING".equals(runStatus(runId)));

        try (TopicProbe requests = new TopicProbe(bootstrap, Topics.TRAINING_REQUESTS)) {
            ConsumerRecord<String, String> again = requests.await(
                            r -> runId.equals(r.key()) && "heartbeat".equals(recoveryKind(r)), WAIT)
                    .orElseThrow(() -> new AssertionError("no heartbeat recovery of " + runId + " on the topic"));
            EventEnvelope event = EventCodec.decode(again.value());
            TrainingRequested request = event.payloadAs(TrainingRequested.class).orElseThrow();
            assertThat(request.runId()).isEqualTo(runId);
            assertThat(request.studyId()).isEqualTo(studyId);
            assertThat(request.spec().datasetId()).isEqualTo(datasetId);
            assertThat(request.spec().epochs()).isEqualTo(3);
            // not before the timeout: the request is at least 3 s younger than the last progress
            assertThat(Duration.between(progress.time(), event.time())).isGreaterThanOrEqualTo(TIMEOUT);
            // the original request and the recovery: two requests of the run on the topic
            assertThat(requests.readFor(Duration.ofMillis(300)).stream().filter(r -> runId.equals(r.key())))
                    .hasSize(2);
        }
        assertThat(recoveries("heartbeat")).isGreaterThanOrEqualTo(1.0);
        await().atMost(WAIT).untilAsserted(() -> {
            JsonPath run = given().get("/api/runs/" + runId).jsonPath();
            assertThat(run.getString("status")).isEqualTo("REQUESTED");
            assertThat(run.getInt("attempts")).isEqualTo(2);
            assertThat(run.getInt("recoveries.heartbeat")).isEqualTo(1);
            JsonPath studyJson = given().get("/api/studies/" + studyId).jsonPath();
            assertThat(studyJson.getInt("runs[0].recoveries")).isEqualTo(1);
        });
    }

    @Test
    void aFinishedRunWithoutEvaluationGetsItsCheckpointPublishedAgainAndAFailedEvaluationCanBeRetried() {
        String datasetId = EventWire.unique("ds-wd");
        String studyId = EventWire.unique("noeval");
        wire.datasetReady(datasetId, 2);
        JsonPath created = submit(study(studyId, datasetId, List.of("hard", "soft"), 1));
        String silent = created.getString("runs[0].runId");
        String failed = created.getString("runs[1].runId");
        await().atMost(WAIT)
                .until(() -> "REQUESTED".equals(runStatus(silent)) && "REQUESTED".equals(runStatus(failed)));

        // the silent run's own finished event: the timeout counts from it, not from the other run's (published later)
        EventEnvelope finished = null;
        for (String runId : List.of(silent, failed)) {
            Correlation c = Correlation.ofRun(studyId, runId, datasetId);
            wire.publish(
                    Topics.CHECKPOINTS,
                    runId,
                    new CheckpointPublished(
                            runId,
                            2,
                            CheckpointPublished.KIND_BEST,
                            true,
                            ObjectKeys.bestCheckpoint(runId),
                            "cd".repeat(32),
                            4321),
                    c);
            EventEnvelope published = wire.publish(
                    Topics.TRAINING_STATE,
                    runId,
                    new TrainingFinished(runId, 2, 1.9, 0.31, 3, 20.0, ObjectKeys.bestCheckpoint(runId), null, null),
                    c);
            if (runId.equals(silent)) {
                finished = published;
            }
        }
        // the second run's evaluation fails: the watchdog leaves it alone, a retry by hand evaluates it again
        wire.publish(
                Topics.EVALUATION_RESULTS,
                failed,
                new EvaluationFailed(failed, "checkpoint unreadable"),
                Correlation.ofRun(studyId, failed, datasetId));
        await().atMost(WAIT)
                .until(() -> "FAILED"
                        .equals(given().get("/api/runs/" + failed).jsonPath().getString("evaluation.status")));

        try (TopicProbe checkpoints = new TopicProbe(bootstrap, Topics.CHECKPOINTS)) {
            ConsumerRecord<String, String> again = checkpoints
                    .await(r -> silent.equals(r.key()) && "evaluation".equals(recoveryKind(r)), WAIT)
                    .orElseThrow(() -> new AssertionError("no evaluation recovery of " + silent + " on the topic"));
            EventEnvelope event = EventCodec.decode(again.value());
            CheckpointPublished c = event.payloadAs(CheckpointPublished.class).orElseThrow();
            assertThat(c)
                    .isEqualTo(new CheckpointPublished(
                            silent,
                            2,
                            CheckpointPublished.KIND_BEST,
                            true,
                            ObjectKeys.bestCheckpoint(silent),
                            "cd".repeat(32),
                            4321));
            assertThat(event.correlation().datasetId()).isEqualTo(datasetId);
            assertThat(event.correlation().studyId()).isEqualTo(studyId);
            assertThat(Duration.between(finished.time(), event.time())).isGreaterThanOrEqualTo(TIMEOUT);

            given().post("/api/runs/" + failed + "/retry")
                    .then()
                    .statusCode(202)
                    .body("retried", org.hamcrest.Matchers.equalTo("evaluation"));
            ConsumerRecord<String, String> retried = checkpoints
                    .await(r -> failed.equals(r.key()) && "evaluation-retry".equals(recoveryKind(r)), WAIT)
                    .orElseThrow();
            assertThat(EventCodec.decode(retried.value())
                            .payloadAs(CheckpointPublished.class)
                            .orElseThrow()
                            .key())
                    .isEqualTo(ObjectKeys.bestCheckpoint(failed));
            // the failed evaluation was never recovered by the watchdog itself
            assertThat(checkpoints.readFor(Duration.ofMillis(300)).stream()
                            .filter(r -> failed.equals(r.key()) && "evaluation".equals(recoveryKind(r))))
                    .isEmpty();
        }
        // a run that is neither failed nor has a failed evaluation is not retried
        given().post("/api/runs/" + silent + "/retry").then().statusCode(409);
        assertThat(recoveries("evaluation")).isGreaterThanOrEqualTo(1.0);
        assertThat(recoveries("evaluation-retry")).isGreaterThanOrEqualTo(1.0);
        JsonPath run = given().get("/api/runs/" + silent).jsonPath();
        assertThat(run.getInt("recoveries.evaluation")).isBetween(1, 3);
    }

    @Test
    void aStudyWhoseRequestsWereNotAllPublishedGetsTheRestRequested() throws Exception {
        String datasetId = EventWire.unique("ds-wd");
        String studyId = EventWire.unique("partial");
        wire.datasetReady(datasetId, 2);
        StudyRequest request = EventCodec.json()
                .convertValue(study(studyId, datasetId, List.of("hard", "soft"), 1), StudyRequest.class);
        StudyExpander.Result expanded = new StudyExpander(10_000).expand(request);
        assertThat(expanded.errors()).isEmpty();
        Expansion expansion = expanded.expansion();
        List<PlannedRun> planned = expansion.runs();
        assertThat(planned).hasSize(2);
        // a submission cut short: the first run's request and the study are on Kafka, the second request is not
        RunSpec first = planned.get(0).specFor(datasetId);
        wire.publish(
                Topics.TRAINING_REQUESTS,
                planned.get(0).runId(),
                new TrainingRequested(planned.get(0).runId(), studyId, first),
                Correlation.ofRun(studyId, planned.get(0).runId(), datasetId));
        Instant submittedAt = wire.publish(
                        Topics.STUDIES,
                        studyId,
                        new StudySubmitted(
                                studyId,
                                expansion.name(),
                                EventCodec.json().valueToTree(request),
                                planned.stream().map(PlannedRun::runId).toList()),
                        new Correlation(studyId, null, datasetId))
                .time();

        String missing = planned.get(1).runId();
        try (TopicProbe requests = new TopicProbe(bootstrap, Topics.TRAINING_REQUESTS)) {
            ConsumerRecord<String, String> published = requests.await(r -> missing.equals(r.key()), WAIT)
                    .orElseThrow(
                            () -> new AssertionError("the missing request of " + missing + " was never published"));
            assertThat(recoveryKind(published)).isEqualTo("pending");
            EventEnvelope event = EventCodec.decode(published.value());
            assertThat(event.payloadAs(TrainingRequested.class).orElseThrow().spec())
                    .isEqualTo(planned.get(1).specFor(datasetId));
            assertThat(Duration.between(submittedAt, event.time())).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
            // the first run was requested already: not again
            assertThat(requests.readFor(Duration.ofMillis(300)).stream()
                            .filter(r -> planned.get(0).runId().equals(r.key())))
                    .hasSize(1);
        }
        assertThat(recoveries("pending")).isGreaterThanOrEqualTo(1.0);
        await().atMost(WAIT).until(() -> "REQUESTED".equals(runStatus(missing)));
    }
}
