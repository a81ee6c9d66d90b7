package io.softcifar.results.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.softcifar.contracts.events.CheckpointPublished;
import io.softcifar.contracts.events.Correlation;
import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.events.RunState;
import io.softcifar.contracts.events.RunStatus;
import io.softcifar.contracts.events.TrainingFinished;
import io.softcifar.contracts.events.TrainingProgress;
import io.softcifar.contracts.storage.ObjectKeys;
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
 * Fencing in the results service (issue 13, point 4), with the real broker and S3 server and the watchdog's short
 * timeouts of {@link WatchdogIT}. The test plays two trainers of one run: lease 1, then lease 2 after a takeover,
 * which finishes the run; then lease 1's holder, paused until now, publishes its own progress, final checkpoint and
 * {@code training.finished}. Those must be ignored and counted, and the watchdog's evaluation recovery must re-publish
 * lease 2's checkpoint with token 2 (the evaluator would fence an untokened copy).
 */
@QuarkusTest
@TestProfile(WatchdogIT.ShortTimeouts.class)
@QuarkusTestResource(InfrastructureTestResource.class)
class FencingIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
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

    /** {@code softcifar_results_fenced_total{type="..."}} from the Prometheus endpoint. */
    private static double fenced(String type) {
        String metrics = given().get(ManagementPort.url("/q/metrics")).asString();
        Matcher m = Pattern.compile("(?m)^softcifar_results_fenced_total\\{[^}]*type=\"" + Pattern.quote(type)
                        + "\"[^}]*} ([0-9.Ee+-]+)$")
                .matcher(metrics);
        assertThat(m.find()).as("counter for type %s in\n%s", type, metrics).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static String recoveryKind(ConsumerRecord<String, String> r) {
        Header h = r.headers().lastHeader("softcifar-recovery");
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void eventsOfAHolderThatLostItsLeaseAreIgnoredCountedAndNeverWin() {
        String datasetId = EventWire.unique("ds-fence");
        String studyId = EventWire.unique("fenced");
        wire.datasetReady(datasetId, 1);
        Map<String, Object> body = Map.of(
                "id",
                studyId,
                "name",
                "fencing " + studyId,
                "datasetId",
                datasetId,
                "grid",
                Map.of("methods", List.of("basic"), "labelModes", List.of("hard")),
                "seeds",
                1,
                "overrides",
                Map.of("epochs", 2));
        Response[] created = new Response[1];
        await().atMost(WAIT).until(() -> {
            created[0] = given().contentType(ContentType.JSON).body(body).post("/api/studies");
            return created[0].statusCode() != 400;
        });
        assertThat(created[0].statusCode()).as(created[0].asString()).isEqualTo(201);
        String runId = created[0].jsonPath().getString("runs[0].runId");
        Correlation c = Correlation.ofRun(studyId, runId, datasetId);
        double progressBefore = fenced(TrainingProgress.TYPE);
        double checkpointBefore = fenced(CheckpointPublished.TYPE);
        double finishedBefore = fenced(TrainingFinished.TYPE);

        // lease 1 trains epoch 1; lease 2 takes over, trains epoch 2 and finishes
        wire.publish(
                Topics.TRAINING_PROGRESS,
                runId,
                new TrainingProgress(runId, 1, 2, 2.0, null, 1.9, 0.3, 0.05, 100, 10, 1L),
                c);
        wire.publish(
                Topics.TRAINING_STATE,
                runId,
                new RunState(runId, RunStatus.RUNNING, 1, Instant.now(), "resumed from the epoch-1 checkpoint", 2L),
                c);
        wire.publish(
                Topics.TRAINING_PROGRESS,
                runId,
                new TrainingProgress(runId, 2, 2, 1.5, null, 1.25, 0.5, 0.05, 100, 0, 2L),
                c);
        String best = ObjectKeys.bestCheckpoint(runId);
        wire.publish(
                Topics.CHECKPOINTS,
                runId,
                new CheckpointPublished(runId, 2, CheckpointPublished.KIND_BEST, true, best, "ab".repeat(32), 4321, 2L),
                c);
        wire.publish(
                Topics.TRAINING_STATE, runId, new TrainingFinished(runId, 2, 1.25, 0.5, 2, 20.0, best, 2L, null), c);
        await().atMost(WAIT)
                .until(() -> "FINISHED"
                        .equals(given().get("/api/runs/" + runId).jsonPath().getString("status")));

        // the paused holder of lease 1 wakes up and reports its own epoch 2 and its end
        wire.publish(
                Topics.TRAINING_PROGRESS,
                runId,
                new TrainingProgress(runId, 2, 2, 9.0, null, 9.0, 0.1, 0.05, 100, 0, 1L),
                c);
        wire.publish(
                Topics.CHECKPOINTS,
                runId,
                new CheckpointPublished(runId, 2, CheckpointPublished.KIND_BEST, true, best, "cd".repeat(32), 9999, 1L),
                c);
        wire.publish(
                Topics.TRAINING_STATE, runId, new TrainingFinished(runId, 2, 9.0, 0.1, 2, 25.0, best, 1L, null), c);

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(fenced(TrainingProgress.TYPE) - progressBefore).isEqualTo(1.0);
            assertThat(fenced(CheckpointPublished.TYPE) - checkpointBefore).isEqualTo(1.0);
            assertThat(fenced(TrainingFinished.TYPE) - finishedBefore).isEqualTo(1.0);
        });
        JsonPath run = given().get("/api/runs/" + runId).jsonPath();
        assertThat(run.getString("status")).isEqualTo("FINISHED");
        assertThat(run.getDouble("finished.bestValLoss")).isEqualTo(1.25);
        assertThat(run.getDouble("finished.trainSeconds")).isEqualTo(20.0);
        assertThat(run.getList("checkpoints.sha256")).containsExactly("ab".repeat(32));
        assertThat(run.getList("checkpoints.fencingToken", Long.class)).containsExactly(2L);
        assertThat(run.getList("progress.valLoss", Double.class)).containsExactly(1.9, 1.25);

        // nobody evaluates: after the evaluation timeout (3 s) the watchdog re-publishes lease 2's checkpoint
        try (TopicProbe checkpoints = new TopicProbe(bootstrap, Topics.CHECKPOINTS)) {
            ConsumerRecord<String, String> again = checkpoints
                    .await(r -> runId.equals(r.key()) && "evaluation".equals(recoveryKind(r)), WAIT)
                    .orElseThrow(() -> new AssertionError("no evaluation recovery of " + runId + " on the topic"));
            CheckpointPublished republished = EventCodec.decode(again.value())
                    .payloadAs(CheckpointPublished.class)
                    .orElseThrow();
            assertThat(republished.fencingToken()).isEqualTo(2L);
            assertThat(republished.sha256()).isEqualTo("ab".repeat(32));
            assertThat(republished.bytes()).isEqualTo(4321L);
        }
    }
}
