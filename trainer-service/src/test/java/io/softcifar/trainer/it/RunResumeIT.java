package io.softcifar.trainer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.softcifar.contracts.events.CheckpointPublished;
import io.softcifar.contracts.events.Correlation;
import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.events.EventEnvelope;
import io.softcifar.contracts.events.RunState;
import io.softcifar.contracts.events.RunStatus;
import io.softcifar.contracts.events.TrainingFinished;
import io.softcifar.contracts.events.TrainingProgress;
import io.softcifar.contracts.events.TrainingRequested;
import io.softcifar.contracts.spec.RunSpec;
import io.softcifar.contracts.storage.ObjectKeys;
import io.softcifar.contracts.topics.Topics;
import io.softcifar.ml.train.Checkpoint;
import io.softcifar.storage.ObjectStore;
import io.softcifar.testsupport.TestInfrastructure;
import io.softcifar.testsupport.TopicProbe;
import io.softcifar.testsupport.WithInfrastructure;
import io.softcifar.trainer.service.EventSink;
import io.softcifar.trainer.service.RunExecutor;
import io.softcifar.trainer.service.RunKeys;
import io.softcifar.trainer.service.RunLeases;
import io.softcifar.trainer.service.RunRecord;
import io.softcifar.trainer.service.RunRegistry;
import io.softcifar.trainer.service.TrainerMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Crash and resume of one run, with the real Kafka broker and S3 server but without Quarkus: the run executor is
 * started, "killed" right after its first epoch checkpoint reached the bucket (an {@link Error} thrown from the upload
 * hook: no cleanup of the bucket, no terminal event, the local folder left as it was), then a fresh executor with an
 * empty work folder takes the same request, as a restarted or another replica would on redelivery. Its final weights
 * must equal those of an uninterrupted twin run (CPU, within 1e-5), and the run must have exactly one finished event.
 */
@WithInfrastructure
class RunResumeIT {

    private static final String DATASET =
            "ds-resume-" + UUID.randomUUID().toString().substring(0, 8);
    private static ObjectStore store;
    private static ExecutorBench bench;
    private static EventSink sink;
    private static Path work;

    /** What a dying process looks like to the code above it: not an Exception, so nothing is published. */
    static final class SimulatedCrash extends Error {
        private static final long serialVersionUID = 1L;

        SimulatedCrash() {
            super("simulated crash after the first epoch checkpoint");
        }
    }

    @BeforeAll
    static void setUp(TestInfrastructure infra) throws Exception {
        bench = ExecutorBench.open(infra, DATASET, "trainer-resume-it");
        store = bench.store;
        sink = bench.sink;
        work = bench.work;
    }

    @AfterAll
    static void tearDown() {
        bench.close();
    }

    private static RunExecutor executor(String name, RunExecutor.Hooks hooks) {
        RunRegistry registry = new RunRegistry();
        return new RunExecutor(
                store,
                sink,
                registry,
                new TrainerMetrics(new SimpleMeterRegistry(), registry),
                work.resolve(name),
                "cpu",
                Duration.ofSeconds(5),
                RunLeases.defaultSettle(Duration.ofSeconds(5)),
                hooks);
    }

    private static TrainingRequested request(String runId) {
        RunSpec spec = RunSpec.builder(DATASET, "basic", "soft")
                .depth(8)
                .epochs(2)
                .batchSize(32)
                .warmupEpochs(1)
                .build();
        return new TrainingRequested(runId, null, spec);
    }

    @Test
    void aRunKilledAfterItsFirstCheckpointResumesThereAndEndsWithTheWeightsOfAnUninterruptedRun() throws Exception {
        String runId = "run-crash-" + UUID.randomUUID().toString().substring(0, 8);
        String twinId = "run-twin-" + UUID.randomUUID().toString().substring(0, 8);

        long t0 = System.nanoTime();
        RunExecutor dying = executor("dying", new RunExecutor.Hooks() {
            @Override
            public void afterCheckpointUpload(String run, String kind, int epoch) {
                if (kind.equals(CheckpointPublished.KIND_EPOCH) && epoch == 1) {
                    throw new SimulatedCrash();
                }
            }
        });
        assertThatThrownBy(() -> dying.execute(request(runId), null)).isInstanceOf(SimulatedCrash.class);
        Path left = work.resolve("dying").resolve("runs").resolve(runId);
        assertThat(left.resolve("checkpoints/last.ckpt")).exists(); // nothing was cleaned up
        assertThat(store.exists(RunKeys.record(runId))).isFalse();
        Path bucketLast = Files.createTempFile("last", ".ckpt");
        store.download(ObjectKeys.lastCheckpoint(runId), bucketLast);
        assertThat(Checkpoint.readHeader(bucketLast).epochsCompleted()).isEqualTo(1);

        RunExecutor restarted = executor("restarted", RunExecutor.Hooks.NONE);
        assertThat(restarted.execute(request(runId), null)).isEqualTo(RunExecutor.Outcome.FINISHED);
        RunExecutor twin = executor("twin", RunExecutor.Hooks.NONE);
        assertThat(twin.execute(request(twinId), null)).isEqualTo(RunExecutor.Outcome.FINISHED);
        System.out.printf("crash + resume + twin: %.1f s%n", (System.nanoTime() - t0) / 1e9);

        // the same weights, best and last, as the run that was never interrupted
        CheckpointWeights.assertSame(store, ObjectKeys.bestCheckpoint(runId), ObjectKeys.bestCheckpoint(twinId), 1e-5);
        CheckpointWeights.assertSame(store, ObjectKeys.lastCheckpoint(runId), ObjectKeys.lastCheckpoint(twinId), 1e-5);

        // a repeated request after the end trains nothing and publishes nothing
        assertThat(executor("again", RunExecutor.Hooks.NONE).execute(request(runId), null))
                .isEqualTo(RunExecutor.Outcome.ALREADY_ENDED);

        String bootstrap = TestInfrastructure.get().kafkaBootstrapServers();
        try (TopicProbe state = new TopicProbe(bootstrap, Topics.TRAINING_STATE);
                TopicProbe progress = new TopicProbe(bootstrap, Topics.TRAINING_PROGRESS)) {
            List<ConsumerRecord<String, String>> states = state.readFor(Duration.ofSeconds(3)).stream()
                    .filter(r -> runId.equals(r.key()))
                    .toList();
            assertThat(states.stream().filter(r -> r.value().contains(TrainingFinished.TYPE)))
                    .hasSize(1);
            assertThat(states.get(states.size() - 1).value()).contains(TrainingFinished.TYPE); // terminal record last
            assertThat(states.stream()
                            .map(r -> EventCodec.decode(r.value()).payload())
                            .filter(e -> e instanceof RunState s && s.reason() != null)
                            .map(e -> ((RunState) e).reason()))
                    .containsExactly("started", "resumed from the epoch-1 checkpoint");
            // the first attempt died before its epoch-1 progress; the second one did not train epoch 1 again
            List<Integer> epochs = progress.readFor(Duration.ofSeconds(2)).stream()
                    .filter(r -> runId.equals(r.key()))
                    .map(r -> EventCodec.decode(r.value())
                            .payloadAs(TrainingProgress.class)
                            .orElseThrow()
                            .epoch())
                    .toList();
            assertThat(epochs).containsExactly(2);
        }
    }

    @Test
    void twoReplicasGivenTheSameRequestTrainItOnce() throws Exception {
        String runId = "run-two-replicas-" + UUID.randomUUID().toString().substring(0, 8);
        TrainingRequested twoEpochs = request(runId);
        RunExecutor a = executor("replica-a", RunExecutor.Hooks.NONE);
        RunExecutor b = executor("replica-b", RunExecutor.Hooks.NONE);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var fa = pool.submit(() -> a.execute(twoEpochs, null));
            var fb = pool.submit(() -> b.execute(twoEpochs, null));
            assertThat(List.of(fa.get(), fb.get()))
                    .containsExactlyInAnyOrder(RunExecutor.Outcome.FINISHED, RunExecutor.Outcome.ALREADY_ENDED);
        } finally {
            pool.shutdownNow();
        }
        String bootstrap = TestInfrastructure.get().kafkaBootstrapServers();
        try (TopicProbe state = new TopicProbe(bootstrap, Topics.TRAINING_STATE);
                TopicProbe progress = new TopicProbe(bootstrap, Topics.TRAINING_PROGRESS)) {
            assertThat(state.readFor(Duration.ofSeconds(2)))
                    .filteredOn(r -> runId.equals(r.key()))
                    .filteredOn(r -> r.value().contains(TrainingFinished.TYPE))
                    .hasSize(1);
            assertThat(progress.readFor(Duration.ofSeconds(1)))
                    .filteredOn(r -> runId.equals(r.key()))
                    .hasSize(2);
        }
        // the lease is released, not deleted: its token (1, the first lease of the run) stays for the next lease
        io.softcifar.trainer.service.RunLeases.Lease lease = EventCodec.fromJson(
                new String(
                        store.getBytes(io.softcifar.trainer.service.RunLeases.key(runId)),
                        java.nio.charset.StandardCharsets.UTF_8),
                io.softcifar.trainer.service.RunLeases.Lease.class);
        assertThat(lease.released()).isTrue();
        assertThat(lease.token()).isEqualTo(1L);
    }

    @Test
    void anOutcomeRecordWhoseEventWasNotConfirmedIsPublishedOnceWithItsOriginalEventId() throws Exception {
        String runId = "run-unconfirmed-" + UUID.randomUUID().toString().substring(0, 8);
        EventEnvelope finished = EventEnvelope.of(
                new TrainingFinished(runId, 1, 0.5, 0.75, 2, 3.0, ObjectKeys.bestCheckpoint(runId), null, null),
                Correlation.ofRun(null, runId, DATASET));
        store.putJson(
                RunKeys.record(runId),
                EventCodec.toJson(new RunRecord(
                        runId,
                        RunStatus.FINISHED,
                        request(runId).spec(),
                        EventCodec.encode(finished),
                        false,
                        Instant.now())));

        RunExecutor executor = executor("unconfirmed", RunExecutor.Hooks.NONE);
        assertThat(executor.execute(request(runId), null)).isEqualTo(RunExecutor.Outcome.ALREADY_ENDED);
        assertThat(executor.execute(request(runId), null)).isEqualTo(RunExecutor.Outcome.ALREADY_ENDED);

        RunRecord record = EventCodec.fromJson(new String(store.getBytes(RunKeys.record(runId))), RunRecord.class);
        assertThat(record.terminalEventPublished()).isTrue();
        String bootstrap = TestInfrastructure.get().kafkaBootstrapServers();
        try (TopicProbe state = new TopicProbe(bootstrap, Topics.TRAINING_STATE)) {
            List<String> ids = state.readFor(Duration.ofSeconds(3)).stream()
                    .filter(r -> runId.equals(r.key()))
                    .map(r -> EventCodec.decode(r.value()).eventId())
                    .toList();
            assertThat(ids).containsExactly(finished.eventId());
        }
        assertThat(store.exists(ObjectKeys.bestCheckpoint(runId))).isFalse(); // nothing was trained
    }
}
