package io.softcifar.trainer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.softcifar.contracts.events.CheckpointPublished;
import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.events.EventEnvelope;
import io.softcifar.contracts.events.RunState;
import io.softcifar.contracts.events.TrainingCancelRequested;
import io.softcifar.contracts.events.TrainingCancelled;
import io.softcifar.contracts.events.TrainingFailed;
import io.softcifar.contracts.events.TrainingFinished;
import io.softcifar.contracts.events.TrainingProgress;
import io.softcifar.contracts.events.TrainingRequested;
import io.softcifar.contracts.spec.RunSpec;
import io.softcifar.contracts.storage.ObjectKeys;
import io.softcifar.contracts.topics.Topics;
import io.softcifar.ml.train.Checkpoint;
import io.softcifar.service.kafka.TopicInitializer;
import io.softcifar.storage.ObjectStore;
import io.softcifar.storage.ObjectStoreConfig;
import io.softcifar.testsupport.TestInfrastructure;
import io.softcifar.testsupport.TopicProbe;
import io.softcifar.testsupport.WithInfrastructure;
import io.softcifar.trainer.service.RunLeases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The packaged trainer as a child JVM, twice, for two promises of the issue on faults:
 * <ul>
 * <li>a cancel published while no trainer runs at all still reaches its run (durable cancel group + marker);</li>
 * <li>SIGTERM (a plain {@code destroy()}, as Kubernetes sends it) stops a run after its current step, deletes its
 * lease and publishes no outcome, so the next JVM resumes it at once from the bucket's checkpoint — the lease TTL is
 * 10 minutes here, so a lease left behind would make the second JVM wait far beyond this test's limits.</li>
 * </ul>
 */
@WithInfrastructure
class GracefulStopIT {

    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    private static final int EPOCHS = 4;

    @Test
    void aCancelSentWhileNoTrainerRunsIsHonouredAndSigtermHandsTheRunOverWithoutLosingIt(TestInfrastructure infra)
            throws Exception {
        if (!Files.exists(JAR)) {
            fail(JAR + " is not built: ./mvnw -pl trainer-service -am -DskipTests package");
        }
        TopicInitializer.createMissing(infra.kafkaBootstrapServers(), Topics.all());
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String dataset = "ds-stop-" + suffix;
        String cancelledId = "run-cancel-early-" + suffix;
        String runId = "run-sigterm-" + suffix;
        Path logs = Files.createDirectories(Path.of("target/graceful-stop-it"));

        try (ObjectStore store = new ObjectStore(ObjectStoreConfig.of(
                        infra.s3Endpoint(), infra.s3AccessKey(), infra.s3SecretKey(), infra.bucket()));
                KafkaProducer<String, String> producer = new KafkaProducer<>(
                        Map.of("bootstrap.servers", infra.kafkaBootstrapServers(), "acks", "all"),
                        new StringSerializer(),
                        new StringSerializer());
                TopicProbe checkpoints = new TopicProbe(infra.kafkaBootstrapServers(), Topics.CHECKPOINTS);
                TopicProbe state = new TopicProbe(infra.kafkaBootstrapServers(), Topics.TRAINING_STATE);
                TopicProbe progress = new TopicProbe(infra.kafkaBootstrapServers(), Topics.TRAINING_PROGRESS)) {
            store.ensureBucket();
            TestDatasets.upload(store, dataset, 200, 0);
            RunSpec spec = RunSpec.builder(dataset, "basic", "soft")
                    .depth(8)
                    .epochs(EPOCHS)
                    .batchSize(32)
                    .warmupEpochs(1)
                    .build();

            // no trainer runs: a request, then its cancel
            send(producer, Topics.TRAINING_REQUESTS, cancelledId, new TrainingRequested(cancelledId, null, spec));
            send(producer, Topics.TRAINING_CONTROL, cancelledId, new TrainingCancelRequested(cancelledId, "test"));

            Process first = start(infra, logs.resolve("first.log"), logs.resolve("work-first"));
            long stopMillis;
            int stoppedAfter;
            try {
                assertThat(state.await(
                                r -> cancelledId.equals(r.key()) && r.value().contains(TrainingCancelled.TYPE),
                                Duration.ofSeconds(240)))
                        .as("the early cancel reached its run, see " + logs)
                        .isPresent();
                send(producer, Topics.TRAINING_REQUESTS, runId, new TrainingRequested(runId, null, spec));
                assertThat(checkpoints.await(
                                r -> runId.equals(r.key()) && isEpochCheckpoint(r.value()), Duration.ofSeconds(240)))
                        .as("first epoch checkpoint, see " + logs)
                        .isPresent();
            } finally {
                long t = System.nanoTime();
                first.destroy(); // SIGTERM
                boolean exited = first.waitFor(120, TimeUnit.SECONDS);
                stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t);
                if (!exited) {
                    first.destroyForcibly();
                }
                assertThat(exited)
                        .as("the trainer exits within its 60 s grace (+ JVM stop), see " + logs)
                        .isTrue();
            }
            RunLeases.Lease given = EventCodec.fromJson(
                    new String(store.getBytes(RunLeases.key(runId)), java.nio.charset.StandardCharsets.UTF_8),
                    RunLeases.Lease.class);
            assertThat(given.released())
                    .as("the lease is given up (released, its token kept) on SIGTERM")
                    .isTrue();
            assertThat(given.token()).isEqualTo(1L);
            Path lastAtStop = Files.createTempFile("last-at-stop", ".ckpt");
            store.download(ObjectKeys.lastCheckpoint(runId), lastAtStop);
            stoppedAfter = Checkpoint.readHeader(lastAtStop).epochsCompleted();
            assertThat(stoppedAfter).isBetween(1, EPOCHS - 1);
            assertThat(Files.readString(logs.resolve("first.log"))).contains("stopped by shutdown");

            long t1 = System.nanoTime();
            Process second = start(infra, logs.resolve("second.log"), logs.resolve("work-second"));
            try {
                assertThat(state.await(
                                r -> runId.equals(r.key()) && r.value().contains(TrainingFinished.TYPE),
                                Duration.ofSeconds(300)))
                        .as("finished by the second JVM, see " + logs)
                        .isPresent();
            } finally {
                second.destroy();
                second.waitFor(90, TimeUnit.SECONDS);
                second.destroyForcibly();
            }
            System.out.printf(
                    "graceful stop: SIGTERM to exit %d ms, stopped after epoch %d, second JVM finished the"
                            + " run %.1f s after it started%n",
                    stopMillis, stoppedAfter, (System.nanoTime() - t1) / 1e9);

            List<EventEnvelope> states = state.readFor(Duration.ofSeconds(2)).stream()
                    .filter(r -> runId.equals(r.key()))
                    .map(r -> EventCodec.decode(r.value()))
                    .toList();
            assertThat(states)
                    .noneMatch(e -> e.payload() instanceof TrainingFailed || e.payload() instanceof TrainingCancelled);
            assertThat(states)
                    .filteredOn(e -> e.payload() instanceof TrainingFinished)
                    .hasSize(1);
            assertThat(states)
                    .map(EventEnvelope::payload)
                    .filteredOn(p -> p instanceof RunState s && s.reason() != null)
                    .map(p -> ((RunState) p).reason())
                    .contains("resumed from the epoch-" + stoppedAfter + " checkpoint");
            List<Integer> epochs = progress.readFor(Duration.ofSeconds(1)).stream()
                    .filter(r -> runId.equals(r.key()))
                    .map(r -> EventCodec.decode(r.value())
                            .payloadAs(TrainingProgress.class)
                            .orElseThrow()
                            .epoch())
                    .toList();
            assertThat(epochs).contains(EPOCHS);
            // the cancelled run trained at most one epoch before its marker stopped it, and never finished
            assertThat(state.readFor(Duration.ofSeconds(1)).stream()
                            .filter(r -> cancelledId.equals(r.key()))
                            .map(r -> EventCodec.decode(r.value()).payload()))
                    .noneMatch(p -> p instanceof TrainingFinished);
        }
    }

    private static boolean isEpochCheckpoint(String value) {
        CheckpointPublished c =
                EventCodec.decode(value).payloadAs(CheckpointPublished.class).orElse(null);
        return c != null && c.kind().equals(CheckpointPublished.KIND_EPOCH);
    }

    private static void send(
            KafkaProducer<String, String> producer, String topic, String key, io.softcifar.contracts.events.Event event)
            throws Exception {
        producer.send(new ProducerRecord<>(topic, key, EventCodec.encode(EventEnvelope.of(event, null))))
                .get();
    }

    private static Process start(TestInfrastructure infra, Path log, Path work) throws Exception {
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true",
                "-Xss4m",
                "-jar",
                JAR.toAbsolutePath().toString());
        ProcessBuilder pb =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("KAFKA_BOOTSTRAP_SERVERS", infra.kafkaBootstrapServers());
        env.put("S3_ENDPOINT", infra.s3Endpoint());
        env.put("S3_ACCESS_KEY", infra.s3AccessKey());
        env.put("S3_SECRET_KEY", infra.s3SecretKey());
        env.put("S3_BUCKET", infra.bucket());
        env.put("QUARKUS_HTTP_PORT", "0");
        env.put("QUARKUS_MANAGEMENT_PORT", "0");
        env.put(
                "SOFTCIFAR_AUTH_KEYS_FILE",
                io.softcifar.testsupport.TestCredentials.keysFile().toString());
        env.put("TRAINER_DEVICE", "cpu");
        env.put("TRAINER_WORK_DIR", work.toAbsolutePath().toString());
        env.put("SOFTCIFAR_TRAINER_LEASE_TTL", "PT10M"); // a lease left behind would block the second JVM
        return pb.start();
    }
}
