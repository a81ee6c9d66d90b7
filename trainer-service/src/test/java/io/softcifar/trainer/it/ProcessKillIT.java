package io.softcifar.trainer.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.softcifar.contracts.events.CheckpointPublished;
import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.events.EventEnvelope;
import io.softcifar.contracts.events.RunState;
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
import io.softcifar.testsupport.Required;
import io.softcifar.testsupport.TestInfrastructure;
import io.softcifar.testsupport.TopicProbe;
import io.softcifar.testsupport.WithInfrastructure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The strongest crash test: the packaged service ({@code target/quarkus-app/quarkus-run.jar}) runs as a child JVM,
 * is killed with SIGKILL ({@code destroyForcibly}) once its first epoch checkpoint is published, and a second child
 * JVM with an empty work folder gets the redelivered request after Kafka expired the dead member's session. The run
 * must resume from the bucket's checkpoint, end with exactly one finished event, and have the weights of an
 * uninterrupted twin trained by the second JVM (CPU, within 1e-5).
 */
@WithInfrastructure
class ProcessKillIT {

    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    private static final int EPOCHS = 3;

    @Test
    void aKilledTrainerJvmsRunIsResumedByTheNextOneWithTheSameWeights(TestInfrastructure infra) throws Exception {
        Required.present(Files.exists(JAR), JAR + " is not built (run mvn verify, not just the test)");
        TopicInitializer.createMissing(infra.kafkaBootstrapServers(), Topics.all());
        String dataset = "ds-kill-" + UUID.randomUUID().toString().substring(0, 8);
        String runId = "run-killed-" + UUID.randomUUID().toString().substring(0, 8);
        String twinId = "run-kill-twin-" + UUID.randomUUID().toString().substring(0, 8);
        Path logs = Files.createDirectories(Path.of("target/process-kill-it"));
        long t0 = System.nanoTime();

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

            Process first = start(infra, logs.resolve("first.log"), logs.resolve("work-first"));
            int killedAfter;
            try {
                send(producer, runId, spec);
                assertThat(checkpoints.await(
                                r -> runId.equals(r.key()) && isEpochCheckpoint(r.value()), Duration.ofSeconds(180)))
                        .as("first epoch checkpoint of the first JVM, see " + logs)
                        .isPresent();
            } finally {
                first.destroyForcibly(); // SIGKILL: no shutdown hook, no commit, no cleanup
                first.waitFor(30, TimeUnit.SECONDS);
            }
            Path lastAtKill = Files.createTempFile("last-at-kill", ".ckpt");
            store.download(ObjectKeys.lastCheckpoint(runId), lastAtKill);
            killedAfter = Checkpoint.readHeader(lastAtKill).epochsCompleted();
            assertThat(killedAfter)
                    .as("epochs in the bucket when the first JVM died")
                    .isBetween(1, EPOCHS - 1);
            assertThat(store.exists(ObjectKeys.runPrefix(runId) + "training.json"))
                    .isFalse();

            Process second = start(infra, logs.resolve("second.log"), logs.resolve("work-second"));
            try {
                assertThat(state.await(
                                r -> runId.equals(r.key()) && r.value().contains(TrainingFinished.TYPE),
                                Duration.ofSeconds(240)))
                        .as("finished event from the second JVM, see " + logs)
                        .isPresent();
                send(producer, twinId, spec);
                assertThat(state.await(
                                r -> twinId.equals(r.key()) && r.value().contains(TrainingFinished.TYPE),
                                Duration.ofSeconds(240)))
                        .as("twin finished, see " + logs)
                        .isPresent();
            } finally {
                second.destroy();
                second.waitFor(30, TimeUnit.SECONDS);
            }
            System.out.printf(
                    "process kill test: killed after epoch %d, %.1f s in all%n",
                    killedAfter, (System.nanoTime() - t0) / 1e9);

            List<EventEnvelope> states = state.readFor(Duration.ofSeconds(2)).stream()
                    .filter(r -> runId.equals(r.key()))
                    .map(r -> EventCodec.decode(r.value()))
                    .toList();
            assertThat(states)
                    .filteredOn(e -> e.payload() instanceof TrainingFinished)
                    .hasSize(1);
            assertThat(states.get(states.size() - 1).payload()).isInstanceOf(TrainingFinished.class);
            assertThat(states)
                    .map(EventEnvelope::payload)
                    .filteredOn(p -> p instanceof RunState s && s.reason() != null)
                    .map(p -> ((RunState) p).reason())
                    .containsExactly("started", "resumed from the epoch-" + killedAfter + " checkpoint");
            // no epoch was trained twice: the second JVM started after the checkpoint, not at epoch 1
            List<Integer> epochs = progress.readFor(Duration.ofSeconds(1)).stream()
                    .filter(r -> runId.equals(r.key()))
                    .map(r -> EventCodec.decode(r.value())
                            .payloadAs(TrainingProgress.class)
                            .orElseThrow()
                            .epoch())
                    .toList();
            Set<Integer> distinct = new HashSet<>(epochs);
            assertThat(distinct).hasSameSizeAs(epochs);
            List<Integer> expected = new ArrayList<>();
            for (int e = 1; e <= EPOCHS; e++) {
                expected.add(e);
            }
            assertThat(expected).containsAll(epochs);
            assertThat(epochs).contains(EPOCHS);

            CheckpointWeights.assertSame(
                    store, ObjectKeys.bestCheckpoint(runId), ObjectKeys.bestCheckpoint(twinId), 1e-5);

            CheckpointWeights.assertSame(
                    store, ObjectKeys.lastCheckpoint(runId), ObjectKeys.lastCheckpoint(twinId), 1e-5);
        }
    }

    private static boolean isEpochCheckpoint(String value) {
        CheckpointPublished c =
                EventCodec.decode(value).payloadAs(CheckpointPublished.class).orElse(null);
        return c != null && c.kind().equals(CheckpointPublished.KIND_EPOCH);
    }

    private static void send(KafkaProducer<String, String> producer, String runId, RunSpec spec) throws Exception {
        producer.send(new ProducerRecord<>(
                        Topics.TRAINING_REQUESTS,
                        runId,
                        EventCodec.encode(EventEnvelope.of(new TrainingRequested(runId, null, spec), null))))
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
        Map<String, String> env = pb.environment(); // LD_PRELOAD (tcmalloc) is inherited from this test JVM
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
        env.put("SOFTCIFAR_TRAINER_SESSION_TIMEOUT", "PT10S"); // the dead member's partitions move after 10 s
        env.put("SOFTCIFAR_TRAINER_LEASE_TTL", "PT6S"); // and its run's lease expires after 6 s
        return pb.start();
    }
}
