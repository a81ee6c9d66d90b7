package io.softcifar.cli.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.softcifar.cli.DatasetCommand;
import io.softcifar.cli.stack.LocalStack;
import io.softcifar.cli.stack.StackClient;
import io.softcifar.contracts.topics.Topics;
import io.softcifar.ml.data.SyntheticData;
import io.softcifar.testsupport.FreePorts;
import io.softcifar.testsupport.Required;
import io.softcifar.testsupport.TopicProbe;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Issue 13 point 7: faults injected into the whole stack as {@code softcifar up} runs it (the in-process Kafka broker
 * and S3 server, each service its own JVM), one test per scenario, all on one stack. Each scenario runs the same tiny
 * study (1 configuration, 1 seed, depth 8, 2 epochs, 300 generated images) and must end with the study evaluated,
 * exactly one result, and the same numbers, bit for bit, as the undisturbed baseline of the first test. Each also
 * asserts that the mechanism it targets ran (a counter of the service moved), and that the outage outlasted the
 * timeout it targets. Only processes this test started are stopped or killed, by process id. Outage lengths: CI by
 * default, the full ones with {@code -Dsoftcifar.faults.full=true} (Maven profile {@code faults-full}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultInjectionIT {

    private static final FaultTimings TIMINGS = FaultTimings.fromSystemProperties();
    private static final Duration STUDY_TIMEOUT = Duration.ofMinutes(6);
    /** Epochs of every run: the faults come after the first, during the second. */
    private static final int EPOCHS = 2;

    private static final String TRAINER = "trainer-service";
    private static final String EVALUATOR = "evaluator-service";
    private static final String RESULTS = "results-service";

    private Path tmp;
    private Path root;
    private Path home;
    private int kafkaPort;
    private int s3Port;
    private List<LocalStack.ServiceDef> services;
    private final StringWriter stackLog = new StringWriter();
    private LocalStack stack;
    private StackClient results;
    private String datasetId;
    private Outcome baseline;
    /** Figures for docs/reliability.md, printed at the end. */
    private final List<String> report = new ArrayList<>();

    /** A study's one run as the numbers it produced: evaluation metrics, best epoch, per-epoch losses. */
    record Outcome(JsonNode metrics, JsonNode finished, List<JsonNode> epochs) {}

    record Study(String studyId, String runId) {}

    @BeforeAll
    void startStack() throws Exception {
        tmp = Files.createTempDirectory("faults-it");
        root = Path.of("..").toAbsolutePath().normalize();
        for (LocalStack.ServiceDef def : LocalStack.SERVICES) {
            Path jar = root.resolve(def.module()).resolve("target/quarkus-app/quarkus-run.jar");
            Required.present(Files.isRegularFile(jar), "needs " + jar + ": run ./mvnw -DskipTests package");
        }
        services = new ArrayList<>();
        for (LocalStack.ServiceDef def : LocalStack.SERVICES) {
            services.add(new LocalStack.ServiceDef(def.name(), def.module(), freeServicePort()));
        }
        home = tmp.resolve("home");
        kafkaPort = freePort();
        s3Port = freePort();
        stack = start();
        Path data = SyntheticData.writeCifar10hFolder(Files.createDirectories(tmp.resolve("data")), 300, 13);
        ObjectNode spec = StackClient.json().createObjectNode();
        spec.putObject("sources").put("dir", data.toString());
        spec.putArray("seeds").add(0);
        datasetId = DatasetCommand.importDataset(client("dataset-service"), spec)
                .path("id")
                .asText();
    }

    private LocalStack start() {
        Map<String, List<String>> jvm = new LinkedHashMap<>();
        for (String name : List.of("results", "dataset", "trainer", "trainer2", "evaluator")) {
            List<String> args = new ArrayList<>(FaultTimings.common());
            if (name.startsWith("trainer")) {
                args.addAll(FaultTimings.trainer());
            }
            if (name.equals("results")) {
                args.addAll(FaultTimings.results());
            }
            jvm.put(name, args);
        }
        LocalStack started = LocalStack.start(
                root,
                home,
                kafkaPort,
                s3Port,
                services,
                List.of(tmp),
                LocalStack.LOOPBACK,
                jvm,
                new PrintWriter(stackLog, true));
        results = new StackClient(started.urls().get(RESULTS), RESULTS);
        return started;
    }

    private volatile boolean failed;

    /** On a failure the services' logs are printed before the temporary folder goes (CI keeps only the output). */
    @RegisterExtension
    final TestWatcher failures = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            failed = true;
        }
    };

    @AfterAll
    void stopStack() throws IOException {
        if (stack != null) {
            stack.close();
        }
        if (failed && Files.isDirectory(home.resolve("logs"))) {
            System.out.println("stack log:\n" + stackLog);
            try (var logs = Files.list(home.resolve("logs"))) {
                for (Path log : logs.sorted().toList()) {
                    List<String> lines = Files.readAllLines(log);
                    System.out.println("---- last 80 lines of " + log + "\n"
                            + String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size())));
                }
            }
        }
        System.out.println("Fault-injection figures:\n  " + String.join("\n  ", report));
        try (var files = Files.walk(tmp)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }

    @Test
    @Order(1)
    void twoUndisturbedRunsOfTheSameSeedAreBitEqual() throws IOException {
        long t0 = System.nanoTime();
        double recoveries = counter(RESULTS, "softcifar_results_recoveries_total");
        double retries = counter(TRAINER, "softcifar_consumer_retries_total");
        Study first = submit("baseline-a");
        awaitEvaluated(first);
        baseline = assertOneResult(first);
        Study second = submit("baseline-b");
        awaitEvaluated(second);
        assertBitEqual(assertOneResult(second), "the second undisturbed run");
        // nothing was recovered or retried: the counters the scenarios assert on stay still without faults
        assertThat(counter(RESULTS, "softcifar_results_recoveries_total")).isEqualTo(recoveries);
        assertThat(counter(TRAINER, "softcifar_consumer_retries_total")).isEqualTo(retries);
        java.util.regex.Matcher evaluated = java.util.regex.Pattern.compile(
                        "run " + first.runId() + ": evaluated in ([0-9.]+) s")
                .matcher(Files.readString(stack.log(EVALUATOR)));
        assertThat(evaluated.find())
                .as("the evaluator's log line of the baseline")
                .isTrue();
        // the watchdog's evaluation timeout must leave an undisturbed evaluation alone
        assertThat(Double.parseDouble(evaluated.group(1)))
                .isLessThan(FaultTimings.EVALUATION_TIMEOUT.toSeconds() / 2.0);
        record("baseline ×2 (evaluation " + evaluated.group(1) + " s)", "no retries, no recoveries", t0);
    }

    @Test
    @Order(2)
    void theBrokerDownMidEpoch() throws IOException {
        assertThat(TIMINGS.brokerOutage()).isGreaterThan(FaultTimings.SEND_TIMEOUT.multipliedBy(2));
        long t0 = System.nanoTime();
        Study study = submit("broker-down");
        awaitEpoch(study, 1);
        double retries = counter(TRAINER, "softcifar_consumer_retries_total");
        stack.stopKafka();
        long down = System.nanoTime();
        try {
            awaitOutage(
                    TIMINGS.brokerOutage(),
                    down,
                    "a retry of the trainer's request consumer",
                    () -> counter(TRAINER, "softcifar_consumer_retries_total") > retries);
        } finally {
            stack.startKafka();
        }
        double outage = seconds(down);
        awaitEvaluated(study);
        assertBitEqual(assertOneResult(study), "the run whose broker went away");
        // the run itself met the outage: a publish of the trainer failed and it stopped to be retried
        assertThat(Files.readString(stack.log(TRAINER)))
                .containsPattern(
                        "run " + study.runId() + ": stopped by an "
                                + "outage, to be resumed when the request is retried: publishing to softcifar\\.[a-z.]+ failed");
        double moved = counter(TRAINER, "softcifar_consumer_retries_total") - retries;
        assertThat(moved).isPositive();
        record("broker down " + fmt(outage) + " s after epoch 1", "trainer consumer retries +" + (long) moved, t0);
    }

    @Test
    @Order(3)
    void theObjectStoreDownMidCheckpoint() throws IOException {
        assertThat(TIMINGS.storeOutage()).isGreaterThan(FaultTimings.storeClientBudget());
        long t0 = System.nanoTime();
        Study study = submit("store-down");
        awaitEpoch(study, 1);
        double storeRetries = counter(TRAINER, "softcifar_object_store_retries_total");
        double retries = counter(TRAINER, "softcifar_consumer_retries_total");
        stack.stopS3();
        long down = System.nanoTime();
        try {
            awaitOutage(
                    TIMINGS.storeOutage(),
                    down,
                    "an object-store retry and a consumer retry in the trainer",
                    () -> counter(TRAINER, "softcifar_object_store_retries_total") > storeRetries
                            && counter(TRAINER, "softcifar_consumer_retries_total") > retries);
        } finally {
            stack.startS3();
        }
        double outage = seconds(down);
        awaitEvaluated(study);
        assertBitEqual(assertOneResult(study), "the run whose object store went away");
        // the run met the outage while uploading a checkpoint, and resumed from the last one in the bucket
        String log = Files.readString(stack.log(TRAINER));
        assertThat(log)
                .containsPattern("run " + study.runId() + ": stopped by an outage, to be resumed when the "
                        + "request is retried: Cannot upload 'runs/" + study.runId() + "/checkpoints/[a-z]+\\.ckpt'");
        assertThat(log).contains("run " + study.runId() + ": found its epoch-1 checkpoint in the bucket");
        double movedStore = counter(TRAINER, "softcifar_object_store_retries_total") - storeRetries;
        double moved = counter(TRAINER, "softcifar_consumer_retries_total") - retries;
        record(
                "object store down " + fmt(outage) + " s from epoch 1",
                "trainer object-store retries +" + (long) movedStore + ", consumer retries +" + (long) moved,
                t0);
    }

    @Test
    @Order(4)
    void theTrainerKilledMidRun() throws Exception {
        long t0 = System.nanoTime();
        Study study = submit("trainer-kill");
        awaitEpoch(study, 1);
        int restarts = stack.restarts(TRAINER);
        long pid = stack.pid(TRAINER);
        kill9(pid);
        awaitEvaluated(study);
        Outcome outcome = assertOneResult(study);
        assertThat(stack.restarts(TRAINER)).isEqualTo(restarts + 1);
        assertThat(stack.pid(TRAINER)).isNotEqualTo(pid);
        // the restarted trainer resumed the run from a checkpoint of the killed one and finished it
        String log = Files.readString(stack.log(TRAINER));
        assertThat(log)
                .containsPattern("run " + study.runId() + ": found its epoch-[1-9] checkpoint in the bucket;"
                        + " resuming from it");
        assertThat(counter(TRAINER, "softcifar_trainer_runs_total", "outcome", "finished"))
                .isEqualTo(1.0);
        assertBitEqual(outcome, "the run whose trainer was killed");
        record(
                "trainer kill -9 after epoch 1",
                "supervisor restart +1, resumed from checkpoint, new trainer " + "finished 1",
                t0);
    }

    @Test
    @Order(5)
    void theEvaluatorKilledMidEvaluation() throws Exception {
        long t0 = System.nanoTime();
        double recoveries = counter(RESULTS, "softcifar_results_recoveries_total", "kind", "evaluation");
        Study study = submit("evaluator-kill");
        await("the evaluator evaluating " + study.runId())
                .atMost(STUDY_TIMEOUT)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> counter(EVALUATOR, "softcifar_evaluator_evaluations_active") > 0);
        assertThat(run(study).path("evaluation").isMissingNode()
                        || run(study).path("evaluation").isNull())
                .as("not evaluated yet when the evaluator is killed")
                .isTrue();
        int restarts = stack.restarts(EVALUATOR);
        kill9(stack.pid(EVALUATOR));
        awaitEvaluated(study);
        Outcome outcome = assertOneResult(study);
        assertThat(stack.restarts(EVALUATOR)).isEqualTo(restarts + 1);
        double moved = counter(RESULTS, "softcifar_results_recoveries_total", "kind", "evaluation") - recoveries;
        // the restarted evaluator's consumer gets the partition only after the killed member's session (45 s) ends;
        // the watchdog re-published the final checkpoint before that
        assertThat(moved).as("watchdog evaluation recoveries").isGreaterThanOrEqualTo(1);
        assertBitEqual(outcome, "the run whose evaluator was killed");
        record(
                "evaluator kill -9 mid-evaluation",
                "supervisor restart +1, watchdog evaluation "
                        + "recoveries +" + (long) moved + ", evaluator completed "
                        + (long) counter(EVALUATOR, "softcifar_evaluator_evaluations_total", "outcome", "completed"),
                t0);
    }

    @Test
    @Order(6)
    void theResultsServiceRestartedDuringAStudy() throws Exception {
        long t0 = System.nanoTime();
        Study study = submit("results-restart");
        awaitEpoch(study, 1);
        int restarts = stack.restarts(RESULTS);
        long pid = stack.pid(RESULTS);
        kill9(pid);
        awaitEvaluated(study);
        assertThat(stack.restarts(RESULTS)).isEqualTo(restarts + 1);
        assertThat(stack.pid(RESULTS)).isNotEqualTo(pid);
        // the restarted view has epoch 1, published before the kill: assertOneResult reads it from the rebuilt view
        assertBitEqual(assertOneResult(study), "the run whose results-service was restarted");
        record("results-service kill -9 after epoch 1", "supervisor restart +1, view rebuilt from Kafka", t0);
    }

    @Test
    @Order(7)
    void poisonAndDuplicateEvents() throws Exception {
        long t0 = System.nanoTime();
        String bootstrap = stack.kafkaBootstrapServers();
        double trainerPoison = counter(TRAINER, "softcifar_consumer_dead_letters_total", "kind", "poison");
        double evaluatorPoison = counter(EVALUATOR, "softcifar_consumer_dead_letters_total", "kind", "poison");
        double duplicates = counter(TRAINER, "softcifar_trainer_runs_total", "outcome", "duplicate");
        double skipped = counter(EVALUATOR, "softcifar_evaluator_evaluations_total", "outcome", "skipped");
        TopicProbe.send(bootstrap, Topics.TRAINING_REQUESTS, "poison", "{\"not\": an event");
        TopicProbe.send(bootstrap, Topics.CHECKPOINTS, "poison", "\u0000\u0001 garbage");
        Study study = submit("poison-duplicates");
        awaitEpoch(study, 1);
        List<ConsumerRecord<String, String>> requests = recordsOf(Topics.TRAINING_REQUESTS, study.runId());
        assertThat(requests).as("the run's training request").hasSize(1);
        TopicProbe.send(
                bootstrap,
                Topics.TRAINING_REQUESTS,
                study.runId(),
                requests.get(0).value()); // while it runs
        awaitEvaluated(study);
        for (ConsumerRecord<String, String> r : recordsOf(Topics.CHECKPOINTS, study.runId())) {
            TopicProbe.send(bootstrap, Topics.CHECKPOINTS, r.key(), r.value()); // after the evaluation
        }
        TopicProbe.send(
                bootstrap,
                Topics.TRAINING_REQUESTS,
                study.runId(),
                requests.get(0).value()); // after the end
        await("both poison records dead-lettered, both duplicate requests and the re-sent checkpoints handled")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> counter(TRAINER, "softcifar_consumer_dead_letters_total", "kind", "poison") > trainerPoison
                        && counter(EVALUATOR, "softcifar_consumer_dead_letters_total", "kind", "poison")
                                > evaluatorPoison
                        && counter(TRAINER, "softcifar_trainer_runs_total", "outcome", "duplicate") >= duplicates + 2
                        && counter(EVALUATOR, "softcifar_evaluator_evaluations_total", "outcome", "skipped") > skipped);
        // each poison record went to the dead-letter topic once, at once (no retries)
        assertThat(counter(TRAINER, "softcifar_consumer_dead_letters_total", "kind", "poison"))
                .isEqualTo(trainerPoison + 1);
        assertThat(counter(EVALUATOR, "softcifar_consumer_dead_letters_total", "kind", "poison"))
                .isEqualTo(evaluatorPoison + 1);
        assertBitEqual(assertOneResult(study), "the run with poison and duplicate events");
        record(
                "2 poison records, request sent again mid-run and after the end, checkpoints sent again",
                "dead letters (poison) trainer +1, evaluator +1; trainer duplicates +"
                        + (long) (counter(TRAINER, "softcifar_trainer_runs_total", "outcome", "duplicate") - duplicates)
                        + "; evaluator skipped +"
                        + (long) (counter(EVALUATOR, "softcifar_evaluator_evaluations_total", "outcome", "skipped")
                                - skipped),
                t0);
    }

    @Test
    @Order(8)
    void aTrainerStoppedLongerThanItsLeaseIsFencedOut() throws Exception {
        assertThat(TIMINGS.trainerStop())
                .isGreaterThan(FaultTimings.LEASE_TTL)
                .isGreaterThan(FaultTimings.TRAINER_SESSION_TIMEOUT)
                .isGreaterThan(FaultTimings.HEARTBEAT_TIMEOUT);
        stack.addService(new LocalStack.ServiceDef("trainer2", "trainer-service", freeServicePort()));
        long t0 = System.nanoTime();
        Study study = submit("trainer-sigstop");
        awaitEpoch(study, 1);
        // the replica that trains it logged its start (the other may hold the request too, waiting for the lease)
        String started = "run " + study.runId() + ": started (";
        List<String> holders = new ArrayList<>();
        for (String replica : List.of(TRAINER, "trainer2-service")) {
            if (Files.readString(stack.log(replica)).contains(started)) {
                holders.add(replica);
            }
        }
        assertThat(holders).as("the replicas that started " + study.runId()).hasSize(1);
        String holder = holders.get(0);
        String other = holder.equals(TRAINER) ? "trainer2-service" : TRAINER;
        double fenced = counter(holder, "softcifar_trainer_runs_total", "outcome", "fenced");
        double readerFenced = counter(RESULTS, "softcifar_results_fenced_total");
        double heartbeats = counter(RESULTS, "softcifar_results_recoveries_total", "kind", "heartbeat");
        long pid = stack.pid(holder);
        signal("STOP", pid);
        long stopped = System.nanoTime();
        try {
            // the takeover is read from the other replica's log: it may have finished the run long before the end
            // of a 90 s stop, so a gauge of running runs would be back at 0 by then
            java.util.regex.Pattern takeover = java.util.regex.Pattern.compile(
                    "run " + study.runId() + ": lease of \\S+ \\(token 1\\) is stale .*; taking the run over");
            awaitOutage(
                    TIMINGS.trainerStop(),
                    stopped,
                    "the other replica taking " + study.runId() + " over",
                    () -> takeover.matcher(Files.readString(stack.log(other))).find());
        } finally {
            signal("CONT", pid);
        }
        double pause = seconds(stopped);
        awaitEvaluated(study);
        await("the resumed replica fenced out")
                .atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> counter(holder, "softcifar_trainer_runs_total", "outcome", "fenced") > fenced);
        Outcome outcome = assertOneResult(study);
        assertThat(counter(other, "softcifar_trainer_runs_total", "outcome", "finished"))
                .isPositive();
        assertBitEqual(outcome, "the run taken over from a stopped replica");
        record(
                "trainer SIGSTOP " + fmt(pause) + " s after epoch 1, second replica running",
                "stopped replica "
                        + "fenced +1, the other finished it; results-service fenced events +"
                        + (long) (counter(RESULTS, "softcifar_results_fenced_total") - readerFenced)
                        + ", heartbeat recoveries +"
                        + (long) (counter(RESULTS, "softcifar_results_recoveries_total", "kind", "heartbeat")
                                - heartbeats),
                t0);
    }

    @Test
    @Order(9)
    void theWholeStackKilledAndRestarted() throws Exception {
        long t0 = System.nanoTime();
        Study study = submit("whole-stack");
        awaitEpoch(study, 1);
        // every service SIGKILLed at once; the broker and the S3 server live in this JVM and are stopped with it
        for (long pid : stack.servicePids()) {
            kill9(pid);
        }
        stack.close();
        stack = start();
        awaitEvaluated(study);
        String log = Files.readString(stack.log(TRAINER));
        assertThat(log)
                .containsPattern("run " + study.runId() + ": found its epoch-[1-9] checkpoint in the bucket;"
                        + " resuming from it");
        assertBitEqual(assertOneResult(study), "the run whose whole stack was killed");
        record(
                "every service kill -9 after epoch 1, broker and store stopped, stack started again",
                "resumed from checkpoint by the new trainer",
                t0);
    }

    // ---- helpers

    private Study submit(String name) {
        ObjectNode study = StackClient.json().createObjectNode();
        study.put("name", "faults-" + name);
        study.put("datasetId", datasetId);
        ObjectNode grid = study.putObject("grid");
        grid.putArray("methods").add("basic");
        grid.putArray("labelModes").add("soft");
        grid.putArray("depth").add(8);
        study.put("seeds", 1);
        ObjectNode overrides = study.putObject("overrides");
        overrides.put("epochs", EPOCHS);
        overrides.put("warmupEpochs", 0);
        overrides.put("batchSize", 32);
        JsonNode submitted = results.post("/api/studies", study).body();
        assertThat(submitted.path("runs")).as(submitted.toString()).hasSize(1);
        return new Study(
                submitted.path("id").asText(),
                submitted.path("runs").get(0).path("runId").asText());
    }

    private JsonNode run(Study study) {
        return results.get("/api/runs/" + study.runId());
    }

    private void awaitEpoch(Study study, int epoch) {
        await("progress of epoch " + epoch + " of " + study.runId())
                .atMost(STUDY_TIMEOUT)
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> maxEpoch(run(study)) >= epoch);
    }

    private static int maxEpoch(JsonNode run) {
        int max = 0;
        for (JsonNode p : run.path("progress")) {
            max = Math.max(max, p.path("epoch").asInt());
        }
        return max;
    }

    private void awaitEvaluated(Study study) {
        try {
            await("study " + study.studyId() + " evaluated")
                    .atMost(STUDY_TIMEOUT)
                    .pollInterval(Duration.ofSeconds(1))
                    .ignoreExceptions()
                    .until(() -> {
                        JsonNode line = results.get("/api/studies/" + study.studyId())
                                .path("runs")
                                .get(0);
                        assertThat(line.path("status").asText())
                                .as(line.toString())
                                .isNotIn("FAILED", "CANCELLED");
                        return line.path("evaluated").asBoolean();
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "; stack log:\n" + stackLog, e);
        }
    }

    /** The study has one configuration with one run, evaluated once, and the comparison counts exactly it. */
    private Outcome assertOneResult(Study study) {
        JsonNode detail = results.get("/api/studies/" + study.studyId());
        assertThat(detail.path("runs")).hasSize(1);
        JsonNode comparison = results.get("/api/studies/" + study.studyId() + "/comparison");
        assertThat(comparison.path("configurations")).hasSize(1);
        assertThat(comparison.path("missing")).isEmpty();
        assertThat(comparison
                        .path("configurations")
                        .get(0)
                        .path("metrics")
                        .path("test/accuracy")
                        .path("n")
                        .asInt())
                .isEqualTo(1);
        // on the topics: one training.finished and one evaluation.completed (a copy of one under the same event id
        // is possible after an outage, see "Published once"; a second result would have a new id), no failure
        assertThat(eventIds(Topics.TRAINING_STATE, study.runId(), "training.finished"))
                .hasSize(1);
        assertThat(eventIds(Topics.EVALUATION_RESULTS, study.runId(), "evaluation.completed"))
                .hasSize(1);
        assertThat(eventIds(Topics.EVALUATION_RESULTS, study.runId(), "evaluation.failed"))
                .isEmpty();
        JsonNode run = run(study);
        assertThat(run.path("status").asText()).isEqualTo("FINISHED");
        assertThat(run.path("evaluation").path("status").asText()).isEqualTo("COMPLETED");
        // one finished outcome per epoch count: the best checkpoint is final and unique
        assertThat(run.path("finished").path("epochsRun").asInt()).isEqualTo(EPOCHS);
        List<JsonNode> epochs = new ArrayList<>();
        for (int e = 1; e <= EPOCHS; e++) {
            JsonNode last = null;
            for (JsonNode p : run.path("progress")) {
                if (p.path("epoch").asInt() == e) {
                    last = p;
                }
            }
            assertThat(last).as("progress of epoch " + e + " in " + run).isNotNull();
            ObjectNode numbers = StackClient.json().createObjectNode();
            for (String field : List.of("trainLoss", "valLoss", "valAccuracy", "learningRate")) {
                numbers.set(field, last.path(field));
            }
            epochs.add(numbers);
        }
        ObjectNode finished = ((ObjectNode) run.path("finished").deepCopy());
        finished.remove("trainSeconds");
        finished.remove("bestCheckpointKey"); // names the run
        return new Outcome(run.path("evaluation").path("metrics"), finished, epochs);
    }

    /** Every metric, the best epoch and its losses, and each epoch's losses equal the baseline's as doubles. */
    private void assertBitEqual(Outcome outcome, String what) {
        assertThat(baseline).as("the baseline test ran first").isNotNull();
        assertThat(outcome.metrics().size())
                .as("number of metrics")
                .isEqualTo(baseline.metrics().size())
                .isGreaterThan(5);
        outcome.metrics()
                .fieldNames()
                .forEachRemaining(name -> assertThat(Double.doubleToLongBits(
                                outcome.metrics().path(name).asDouble()))
                        .as(what + ": metric " + name + " = "
                                + outcome.metrics().path(name) + ", baseline "
                                + baseline.metrics().path(name))
                        .isEqualTo(Double.doubleToLongBits(
                                baseline.metrics().path(name).asDouble())));
        assertThat(outcome.finished()).as(what + ": training outcome").isEqualTo(baseline.finished());
        assertThat(outcome.epochs()).as(what + ": per-epoch losses").isEqualTo(baseline.epochs());
    }

    /**
     * Keeps a fault in place until {@code outage} has passed and {@code mechanism} holds (at most 3 minutes more),
     * so the outage is at least as long as asked and provably reached the mechanism it targets.
     */
    private static void awaitOutage(Duration outage, long sinceNanos, String mechanism, Callable<Boolean> moved) {
        await("an outage of " + outage.toSeconds() + " s and " + mechanism)
                .atMost(outage.plusMinutes(3))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> System.nanoTime() - sinceNanos >= outage.toNanos() && moved.call());
    }

    private double counter(String service, String name, String... labels) {
        return Prometheus.value(stack.urls().get(service), name, labels);
    }

    /** The distinct event ids of {@code type} keyed by {@code key} on {@code topic}. */
    private java.util.Set<String> eventIds(String topic, String key, String type) {
        java.util.Set<String> ids = new java.util.TreeSet<>();
        for (ConsumerRecord<String, String> r : recordsOf(topic, key)) {
            try {
                JsonNode event = StackClient.json().readTree(r.value());
                if (type.equals(event.path("type").asText())) {
                    ids.add(event.path("eventId").asText());
                }
            } catch (IOException e) {
                throw new AssertionError(topic + " record of " + key + " is not JSON: " + r.value(), e);
            }
        }
        return ids;
    }

    private List<ConsumerRecord<String, String>> recordsOf(String topic, String key) {
        try (TopicProbe probe = new TopicProbe(stack.kafkaBootstrapServers(), topic)) {
            return probe.readToEnd().stream().filter(r -> key.equals(r.key())).toList();
        }
    }

    /** SIGKILL to a child this test's stack started, by its id, and waits until it is gone. */
    private void kill9(long pid) throws Exception {
        assertThat(stack.servicePids()).as("a process of this test's stack").contains(pid);
        ProcessHandle handle = ProcessHandle.of(pid).orElseThrow();
        handle.destroyForcibly();
        handle.onExit().get(30, TimeUnit.SECONDS);
    }

    private void signal(String signal, long pid) throws Exception {
        assertThat(stack.servicePids()).as("a process of this test's stack").contains(pid);
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                .inheritIO()
                .start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).as("kill -" + signal + " " + pid).isZero();
    }

    private StackClient client(String service) {
        return new StackClient(stack.urls().get(service), service);
    }

    private void record(String injected, String mechanism, long t0) {
        report.add(injected + " | " + mechanism + " | " + fmt(seconds(t0)) + " s");
    }

    private static double seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
    }

    private static String fmt(double seconds) {
        return String.format(java.util.Locale.ROOT, "%.1f", seconds);
    }

    private static int freePort() {
        return FreePorts.one();
    }

    private static int freeServicePort() {
        return FreePorts.withCompanion(LocalStack::managementPort);
    }
}
