package io.softcifar.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.softcifar.cli.DatasetCommand;
import io.softcifar.ml.data.SyntheticData;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
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
        List<LocalStack.ServiceDef> services = TestStacks.packagedServicesOnFreePorts(root);
        StringWriter log = new StringWriter();
        // the trainer's 2 threads shared by 2 slots, the evaluator 1 thread (as up passes a CoreSplit on)
        CoreSplit split = new CoreSplit(2, 2, 2, 1);
        try (LocalStack stack = TestStacks.startOnLoopback(
                root,
                tmp.resolve("home"),
                services,
                List.of(tmp),
                split.jvmArgs(tmp.resolve("home/cores")),
                new PrintWriter(log, true))) {
            StackClient datasets = new StackClient(stack.urls().get("dataset-service"), "dataset-service");
            StackClient results = new StackClient(stack.urls().get("results-service"), "results-service");

            Path data = SyntheticData.writeCifar10hFolder(Files.createDirectories(tmp.resolve("data")), 400, 11);
            ObjectNode spec = StackClient.json().createObjectNode();
            spec.putObject("sources").put("dir", data.toString());
            spec.putArray("seeds").add(0).add(1);
            String datasetId =
                    DatasetCommand.importDataset(datasets, spec).path("id").asText();

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
            // the most claims the trainer's slots hold at once in the core ledger while the study runs
            AtomicInteger mostClaims = new AtomicInteger();
            Path ledger = tmp.resolve("home/cores");
            Thread watcher = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        mostClaims.accumulateAndGet(claims(ledger).size(), Math::max);
                    } catch (IOException notYet) {
                        // the folder appears with the first claim
                    }
                    try {
                        Thread.sleep(5); // a sample every 5 ms: a run holds its claim for seconds
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            watcher.setDaemon(true);
            watcher.start();
            JsonNode submitted = results.post("/api/studies", study).body();
            String studyId = submitted.path("id").asText();
            assertThat(submitted.path("runs")).hasSize(4);

            try {
                await().atMost(Duration.ofMinutes(12))
                        .pollInterval(Duration.ofSeconds(3))
                        .until(() -> {
                            long evaluated = 0;
                            for (JsonNode run :
                                    results.get("/api/studies/" + studyId).path("runs")) {
                                assertThat(run.path("status").asText())
                                        .as(run.toString())
                                        .isNotIn("FAILED", "CANCELLED");
                                evaluated += run.path("evaluated").asBoolean() ? 1 : 0;
                            }
                            return evaluated == 4;
                        });
            } catch (ConditionTimeoutException e) {
                throw new AssertionError("study not evaluated in time; stack log:\n" + log, e);
            }
            JsonNode comparison = results.get("/api/studies/" + studyId + "/comparison");
            assertComparison(comparison);
            threadsReachedTheServices(results, studyId);
            watcher.interrupt();
            watcher.join();
            assertThat(mostClaims.get())
                    .as("claims held at once by the trainer's 2 slots")
                    .isEqualTo(2);
            coresWereShared(tmp.resolve("home"));
            String before = comparison.toString();
            cliParity(stack.urls().get("results-service"), studyId, comparison, results);

            // kill the results-service: the supervisor restarts it and it rebuilds the same view from Kafka
            killService(root.resolve("results-service/target/quarkus-app/quarkus-run.jar"));
            AtomicReference<JsonNode> restarted = new AtomicReference<>();
            try {
                await().atMost(Duration.ofMinutes(3))
                        .pollInterval(Duration.ofSeconds(2))
                        .until(() -> {
                            if (!log.toString().contains("results-service exited")) {
                                return false;
                            }
                            // ready means the view has been rebuilt from Kafka (ViewReadinessCheck): before that
                            // the comparison may be read from a half-replayed view
                            if (!stack.isReady("results-service")) {
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

    /**
     * The core split reached the services' processes: each run's provenance names the intra-op threads it was
     * trained with (trainer: 2 threads ÷ 2 slots = 1 per run) and evaluated with (1); without the split both would be
     * the machine's core count.
     */
    private static void threadsReachedTheServices(StackClient results, String studyId) {
        for (JsonNode run : results.get("/api/studies/" + studyId).path("runs")) {
            JsonNode provenance =
                    results.get("/api/runs/" + run.path("runId").asText()).path("provenance");
            assertThat(provenance.path("training").path("threads").asInt())
                    .as("training threads of %s", run.path("runId"))
                    .isEqualTo(1);
            // the evaluator's own thread, plus the trainer's idle core while it is idle (the core ledger): 1 to 2
            JsonNode evaluation = provenance.path("evaluation");
            assertThat(evaluation.path("threads").asInt())
                    .as("evaluation threads of %s", run.path("runId"))
                    .isBetween(1, 2);
            if (evaluation.path("threadsMin").isInt()) { // null or absent: the count did not change
                assertThat(evaluation.path("threadsMin").asInt()).isEqualTo(1);
                assertThat(evaluation.path("threads").asInt()).isEqualTo(2);
            }
        }
    }

    /**
     * The core ledger reached both services (their start lines name it) and every claim of the trainer's runs was
     * given back once the study was over: no claim file is left under {@code <home>/cores}.
     */
    private static void coresWereShared(Path home) throws IOException {
        assertThat(Files.readString(home.resolve("logs/trainer-service.log")))
                .contains("claimed in the core ledger " + home.resolve("cores").toAbsolutePath());
        assertThat(Files.readString(home.resolve("logs/evaluator-service.log")))
                .contains("evaluations use 1 to 2 threads: the cores the trainer's runs leave idle");
        // the last run's claim ends when its handler returns, just after training.finished is published
        await().atMost(Duration.ofSeconds(30))
                .until(() -> claims(home.resolve("cores")).isEmpty());
    }

    private static List<String> claims(Path ledger) throws IOException {
        try (var files = Files.list(ledger)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(name -> name.endsWith(".threads"))
                    .toList();
        }
    }

    /**
     * {@code compare}, {@code fetch}, {@code runs retry} and {@code open} against the running results-service: the
     * numbers the CLI prints are the API's, formatted here from the JSON by hand; a fetched checkpoint's SHA-256,
     * computed here from the file, is the one the trainer published.
     */
    private void cliParity(String url, String studyId, JsonNode comparison, StackClient results) throws Exception {
        io.softcifar.cli.CliRunner.Result md =
                io.softcifar.cli.CliRunner.run("compare", studyId, "--metric", "test/accuracy", "--url", url);
        assertThat(md.exitCode()).as(md.err()).isZero();
        String[] lines = md.out().strip().split("\\R");
        assertThat(lines[0]).isEqualTo("| configuration | accuracy % ↑ | n |");
        assertThat(lines).hasSize(4);
        for (JsonNode row : comparison.path("configurations")) {
            JsonNode cell = row.path("metrics").path("test/accuracy");
            String value = String.format(
                    java.util.Locale.ROOT,
                    "%.3f ± %.3f",
                    100 * cell.path("mean").asDouble(),
                    100 * cell.path("stdErr").asDouble());
            assertThat(md.out())
                    .contains("| " + row.path("label").asText() + " | "
                            + (cell.path("best").asBoolean() ? "**" + value + "**" : value) + " | 2 |");
        }
        io.softcifar.cli.CliRunner.Result csv = io.softcifar.cli.CliRunner.run(
                "compare", studyId, "--format", "csv", "--metric", "test/ece", "--url", url);
        assertThat(csv.exitCode()).as(csv.err()).isZero();
        List<org.apache.commons.csv.CSVRecord> records = org.apache.commons.csv.CSVFormat.RFC4180
                .builder()
                .setHeader()
                .setSkipHeaderRecord(true)
                .get()
                .parse(new java.io.StringReader(csv.out()))
                .getRecords();
        assertThat(records)
                .hasSize(2)
                .allSatisfy(r -> assertThat(r.get("metric")).isEqualTo("test/ece"));
        io.softcifar.cli.CliRunner.Result unknown =
                io.softcifar.cli.CliRunner.run("compare", studyId, "--metric", "test/nope", "--url", url);
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.errLines())
                .singleElement()
                .asString()
                .startsWith("softcifar: --metric: study " + studyId + " has no metric 'test/nope'");

        String runId =
                comparison.path("configurations").get(0).path("runIds").get(0).asText();
        Path into = Files.createDirectories(tmp.resolve("fetched"));
        io.softcifar.cli.CliRunner.Result fetch =
                io.softcifar.cli.CliRunner.run("fetch", runId, "-o", into.toString(), "--url", url);
        assertThat(fetch.exitCode()).as(fetch.err()).isZero();
        Path file = into.resolve(runId + "-checkpoints-best.ckpt");
        String sha = java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        JsonNode best = null;
        for (JsonNode c : results.get("/api/runs/" + runId).path("checkpoints")) {
            if (c.path("key").asText().endsWith("best.ckpt")) {
                best = c;
            }
        }
        assertThat(best).isNotNull();
        assertThat(sha).isEqualTo(best.path("sha256").asText());
        assertThat(Files.size(file)).isEqualTo(best.path("bytes").asLong());
        assertThat(fetch.out()).contains(file.toString()).contains(sha);
        io.softcifar.cli.CliRunner.Result dump =
                io.softcifar.cli.CliRunner.run("fetch", runId, "--dump", "-o", into.toString(), "--url", url);
        assertThat(dump.exitCode()).as(dump.err()).isZero();
        assertThat(into.resolve(runId + "-evaluation-metrics.json")).isRegularFile();

        io.softcifar.cli.CliRunner.Result retry = io.softcifar.cli.CliRunner.run("runs", "retry", runId, "--url", url);
        assertThat(retry.exitCode()).isEqualTo(1);
        assertThat(retry.errLines()).singleElement().asString().contains("is FINISHED and has no failed evaluation");
        io.softcifar.cli.CliRunner.Result open =
                io.softcifar.cli.CliRunner.run("open", studyId, "--no-browser", "--url", url);
        assertThat(open.exitCode()).as(open.err()).isZero();
        // a one-time sign-in link that lands on the study page with a session cookie
        assertThat(open.out().strip())
                .startsWith(url.replaceAll("/+$", "") + "/auth/sign-in?code=")
                .endsWith("&next=%2Fstudy.html%3Fid%3D" + studyId);
        java.net.http.HttpResponse<String> page = java.net.http.HttpClient.newBuilder()
                .followRedirects(java.net.http.HttpClient.Redirect.NORMAL)
                .cookieHandler(new java.net.CookieManager())
                .build()
                .send(
                        java.net.http.HttpRequest.newBuilder(
                                        java.net.URI.create(open.out().strip()))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<script type=\"module\" src=\"/assets/study.js\">");
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
                    assertThat(metrics.path(name).path("mean").asDouble())
                            .as(name)
                            .isBetween(0.0, 1.0);
                }
            });
        }
    }

    /** Kills the stack's child JVM running {@code jar}: only this JVM's descendants are candidates. */
    private static void killService(Path jar) {
        ProcessHandle.current()
                .descendants()
                .filter(p -> p.info().commandLine().orElse("").contains(jar.toString()))
                .findFirst()
                .orElseThrow()
                .destroyForcibly();
    }
}
