package io.softcifar.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.softcifar.cli.DatasetCommand;
import io.softcifar.ml.data.SyntheticData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole system, each service its own JVM as {@code softcifar up} runs them, against the in-process Kafka broker
 * and S3 server: a tiny study (2 configurations × 2 seeds, 1 epoch, 400 generated images) submitted over HTTP ends
 * in a comparison with every run, metrics in their ranges and standard errors over the two seeds; the
 * results-service is then killed, restarted by the supervisor, and serves the same comparison.
 */
class StackEndToEndIT {

    @TempDir
    Path tmp;

    @Test
    void aStudyGoesFromSubmissionToAComparisonThatSurvivesARestart() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        for (LocalStack.ServiceDef def : LocalStack.SERVICES) {
            Path jar = root.resolve(def.module()).resolve("target/quarkus-app/quarkus-run.jar");
            io.softcifar.testsupport.Required.present(Files.isRegularFile(jar), "needs " + jar + ": run ./mvnw verify");
        }
        List<LocalStack.ServiceDef> services = new ArrayList<>();
        for (LocalStack.ServiceDef def : LocalStack.SERVICES) {
            services.add(new LocalStack.ServiceDef(def.name(), def.module(), freePort()));
        }
        StringWriter log = new StringWriter();
        try (LocalStack stack = LocalStack.start(root, tmp.resolve("home"), freePort(), freePort(), services,
                List.of(tmp), new PrintWriter(log, true))) {
            StackClient datasets = new StackClient(stack.urls().get("dataset-service"), "dataset-service");
            StackClient results = new StackClient(stack.urls().get("results-service"), "results-service");

            Path data = SyntheticData.writeCifar10hFolder(Files.createDirectories(tmp.resolve("data")), 400, 11);
            ObjectNode spec = StackClient.json().createObjectNode();
            spec.putObject("sources").put("dir", data.toString());
            spec.putArray("seeds").add(0).add(1);
            String datasetId = DatasetCommand.importDataset(datasets, spec).path("id").asText();

            ObjectNode study = StackClient.json().createObjectNode();
            study.put("name", "e2e");
            study.put("datasetId", datasetId);
            ObjectNode grid = study.putObject("grid");
            grid.putArray("methods").add("basic");
            grid.putArray("labelModes").add("soft").add("hard");
            grid.putArray("depth").add(8);
            study.put("seeds", 2);
            ObjectNode overrides = study.putObject("overrides");
            overrides.put("epochs", 1);
            overrides.put("warmupEpochs", 0);
            overrides.put("batchSize", 32);
            JsonNode submitted = results.post("/api/studies", study).body();
            String studyId = submitted.path("id").asText();
            assertThat(submitted.path("runs")).hasSize(4);

            try {
                await().atMost(Duration.ofMinutes(12)).pollInterval(Duration.ofSeconds(3)).until(() -> {
                    long evaluated = 0;
                    for (JsonNode run : results.get("/api/studies/" + studyId).path("runs")) {
                        assertThat(run.path("status").asText()).as(run.toString()).isNotIn("FAILED", "CANCELLED");
                        evaluated += run.path("evaluated").asBoolean() ? 1 : 0;
                    }
                    return evaluated == 4;
                });
            } catch (ConditionTimeoutException e) {
                throw new AssertionError("study not evaluated in time; stack log:\n" + log, e);
            }
            JsonNode comparison = results.get("/api/studies/" + studyId + "/comparison");
            assertComparison(comparison);
            String before = comparison.toString();

            // kill the results-service: the supervisor restarts it and it rebuilds the same view from Kafka
            killService(root.resolve("results-service/target/quarkus-app/quarkus-run.jar"));
            AtomicReference<JsonNode> restarted = new AtomicReference<>();
            try {
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).until(() -> {
                    if (!log.toString().contains("results-service exited")) {
                        return false;
                    }
                    try {
                        restarted.set(results.get("/api/studies/" + studyId + "/comparison"));
                        return true;
                    } catch (RuntimeException notYet) {
                        return false; // still starting
                    }
                });
            } catch (ConditionTimeoutException e) {
                throw new AssertionError("results-service did not come back; log:\n" + log, e);
            }
            JsonNode after = restarted.get();
            assertThat(after.toString()).isEqualTo(before);
        }
    }

    /** Both configurations, n = 2 each, every metric in its range, standard errors present. */
    private static void assertComparison(JsonNode comparison) {
        JsonNode configurations = comparison.path("configurations");
        assertThat(configurations).hasSize(2);
        assertThat(comparison.path("missing")).isEmpty();
        for (JsonNode configuration : configurations) {
            JsonNode metrics = configuration.path("metrics");
            JsonNode accuracy = metrics.path("test/accuracy");
            assertThat(accuracy.path("n").asInt()).isEqualTo(2);
            assertThat(accuracy.path("mean").asDouble()).isBetween(0.0, 1.0);
            assertThat(accuracy.hasNonNull("stdErr")).as(accuracy.toString()).isTrue();
            assertThat(metrics.path("test/ece").path("mean").asDouble()).isBetween(0.0, 1.0);
            metrics.fieldNames().forEachRemaining(name -> {
                if (name.endsWith("_auroc") || name.endsWith("_decrease")) {
                    assertThat(metrics.path(name).path("mean").asDouble()).as(name).isBetween(0.0, 1.0);
                }
            });
        }
    }

    /** Kills the stack's child JVM running {@code jar}: only this JVM's descendants are candidates. */
    private static void killService(Path jar) {
        ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().orElse("").contains(jar.toString()))
                .findFirst().orElseThrow()
                .destroyForcibly();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
