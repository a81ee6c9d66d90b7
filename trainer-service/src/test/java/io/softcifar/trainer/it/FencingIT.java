package io.softcifar.trainer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.softcifar.contracts.events.CheckpointPublished;
import io.softcifar.contracts.events.Event;
import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.events.Fenced;
import io.softcifar.contracts.events.FencingTokens;
import io.softcifar.contracts.events.TrainingCancelled;
import io.softcifar.contracts.events.TrainingFailed;
import io.softcifar.contracts.events.TrainingFinished;
import io.softcifar.contracts.events.TrainingProgress;
import io.softcifar.contracts.events.TrainingRequested;
import io.softcifar.contracts.spec.RunSpec;
import io.softcifar.contracts.storage.ObjectKeys;
import io.softcifar.contracts.topics.Topics;
import io.softcifar.ml.train.Checkpoint;
import io.softcifar.storage.ObjectInfo;
import io.softcifar.storage.ObjectStore;
import io.softcifar.testsupport.TestInfrastructure;
import io.softcifar.testsupport.TopicProbe;
import io.softcifar.testsupport.WithInfrastructure;
import io.softcifar.trainer.service.EventSink;
import io.softcifar.trainer.service.RunExecutor;
import io.softcifar.trainer.service.RunKeys;
import io.softcifar.trainer.service.RunLeases;
import io.softcifar.trainer.service.RunRegistry;
import io.softcifar.trainer.service.TrainerMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A trainer that lost its lease while it was stopped stops at once (issue 13, point 4), with the real broker and S3
 * server. The run trains under lease token 1; right after its epoch-1 checkpoint reached the bucket, the test (on the
 * training thread, which is therefore held, as a SIGSTOPped process would be) overwrites {@code lease.json} as another
 * replica taking the run over would: another owner, token 2. The test waits there until the holder's renewal thread
 * has noticed, then lets the training thread go on. The holder must publish nothing more (no progress, no
 * checkpoint, no terminal event), upload no checkpoint, and not touch the lease; then a third replica takes the
 * run over once the foreign lease is stale, gets token 3 and finishes the run from the epoch-1 checkpoint.
 */
@WithInfrastructure
class FencingIT {

    private static final String DATASET =
            "ds-fence-" + UUID.randomUUID().toString().substring(0, 8);
    private static final Duration TTL = Duration.ofSeconds(3); // renewal every second
    private static ObjectStore store;
    private static ExecutorBench bench;
    private static EventSink sink;
    private static Path work;

    @BeforeAll
    static void setUp(TestInfrastructure infra) throws Exception {
        bench = ExecutorBench.open(infra, DATASET, "trainer-fencing-it");
        store = bench.store;
        sink = bench.sink;
        work = bench.work;
    }

    @AfterAll
    static void tearDown() {
        bench.close();
    }

    @Test
    void aHolderWhoseLeaseWasTakenOverStopsWithoutAnOutcomeAndTheNewHolderFinishesWithTheNextToken() throws Exception {
        String runId = "run-fenced-" + UUID.randomUUID().toString().substring(0, 8);
        TrainingRequested request = new TrainingRequested(
                runId,
                null,
                RunSpec.builder(DATASET, "basic", "soft")
                        .depth(8)
                        .epochs(4)
                        .batchSize(32)
                        .warmupEpochs(1)
                        .checkpointEvery(1)
                        .build());
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        RunRegistry registry = new RunRegistry();
        AtomicReference<Map<String, String>> etagsAtTakeover = new AtomicReference<>();
        AtomicLong noticedAfterMillis = new AtomicLong(-1);
        AtomicLong rewrites = new AtomicLong();
        RunExecutor.Hooks takeOver = new RunExecutor.Hooks() {
            @Override
            public void afterCheckpointUpload(String run, String kind, int epoch) {
                if (!kind.equals(CheckpointPublished.KIND_EPOCH) || epoch != 1) {
                    return;
                }
                RunLeases.Lease mine = lease(run);
                assertThat(mine.token()).as("the first lease of a run").isEqualTo(1L);
                takeOverLease(run);
                etagsAtTakeover.set(checkpointEtags(run));
                long t = System.nanoTime();
                // S3 has no compare-and-set (RunLeases): a renewal that read the lease just before the write above
                // writes token 1 back over it a moment later. A real taker reads its write back after a pause and
                // would see that; this one writes again, until the holder's renewal has read token 2.
                await().atMost(Duration.ofSeconds(10))
                        .pollInterval(Duration.ofMillis(20))
                        .until(() -> {
                            if (registry.find(run).orElseThrow().isFenced()) {
                                return true;
                            }
                            if (lease(run).token() == 1L) {
                                rewrites.incrementAndGet();
                                takeOverLease(run);
                            }
                            return false;
                        });
                noticedAfterMillis.set((System.nanoTime() - t) / 1_000_000);
            }
        };
        RunExecutor holder = new RunExecutor(
                store,
                sink,
                registry,
                new TrainerMetrics(meters, registry),
                work.resolve("holder"),
                "cpu",
                TTL,
                RunLeases.defaultSettle(TTL),
                takeOver);

        long t0 = System.nanoTime();
        assertThat(holder.execute(request, null)).isEqualTo(RunExecutor.Outcome.FENCED);
        double fencedRunSeconds = (System.nanoTime() - t0) / 1e9;

        // the renewal thread noticed within one renewal period (TTL / 3 = 1 s) plus a store round trip
        assertThat(noticedAfterMillis.get()).isBetween(0L, 2_500L);
        Counter fenced =
                meters.find("softcifar.trainer.runs").tag("outcome", "fenced").counter();
        assertThat(fenced).isNotNull();
        assertThat(fenced.count()).isEqualTo(1.0);
        assertThat(registry.find(runId).orElseThrow().detail())
                .contains("fenced out")
                .contains("token 1")
                .contains("trainer-other-replica with token 2");
        // nothing written after the takeover: the checkpoints are those of epoch 1, no outcome record, lease untouched
        assertThat(checkpointEtags(runId)).isEqualTo(etagsAtTakeover.get());
        Checkpoint.Header last = header(ObjectKeys.lastCheckpoint(runId));
        assertThat(last.epochsCompleted()).isEqualTo(1);
        assertThat(last.fencingToken()).isEqualTo(1L);
        assertThat(store.exists(RunKeys.record(runId))).isFalse();
        RunLeases.Lease foreign = lease(runId);
        assertThat(foreign.owner()).isEqualTo("trainer-other-replica");
        assertThat(foreign.token()).isEqualTo(2L);
        assertThat(foreign.released()).isFalse();

        List<Event> afterFencing = events(runId, Duration.ofSeconds(2));
        assertThat(afterFencing)
                .noneMatch(e ->
                        e instanceof TrainingFinished || e instanceof TrainingFailed || e instanceof TrainingCancelled);
        assertThat(afterFencing)
                .as("no progress of epoch 1: it would come after the takeover")
                .noneMatch(e -> e instanceof TrainingProgress);
        assertThat(afterFencing)
                .filteredOn(e -> e instanceof CheckpointPublished)
                .extracting(e -> ((CheckpointPublished) e).epoch())
                .containsOnly(1);
        assertThat(afterFencing).allMatch(e -> FencingTokens.tokenOf(e) == 1L);

        // the foreign lease goes stale (nobody renews it): a third replica takes over with token 3 and finishes
        long t1 = System.nanoTime();
        RunRegistry registry3 = new RunRegistry();
        RunExecutor third = new RunExecutor(
                store,
                sink,
                registry3,
                new TrainerMetrics(new SimpleMeterRegistry(), registry3),
                work.resolve("third"),
                "cpu",
                TTL,
                RunLeases.defaultSettle(TTL),
                RunExecutor.Hooks.NONE);
        assertThat(third.execute(request, null)).isEqualTo(RunExecutor.Outcome.FINISHED);
        double takeoverSeconds = (System.nanoTime() - t1) / 1e9;

        List<Event> all = events(runId, Duration.ofSeconds(2));
        List<Event> finished =
                all.stream().filter(e -> e instanceof TrainingFinished).toList();
        assertThat(finished).hasSize(1);
        assertThat(((Fenced) finished.get(0)).fencingToken()).isEqualTo(3L);
        assertThat(all.stream()
                        .filter(e -> e instanceof TrainingProgress)
                        .map(e -> ((TrainingProgress) e).epoch() + "@" + FencingTokens.tokenOf(e)))
                .as("epochs 2-4, all under token 3 (epoch 1 is not trained again)")
                .containsExactly("2@3", "3@3", "4@3");
        assertThat(header(ObjectKeys.lastCheckpoint(runId)).fencingToken()).isEqualTo(3L);
        assertThat(header(ObjectKeys.bestCheckpoint(runId)).fencingToken()).isIn(1L, 3L); // best may be epoch 1's
        RunLeases.Lease released = lease(runId);
        assertThat(released.released()).isTrue();
        assertThat(released.token()).isEqualTo(3L);
        System.out.printf(
                "fenced holder: %.1f s (renewal noticed the takeover after %d ms, takeover written again %d times);"
                        + " takeover run: %.1f s%n",
                fencedRunSeconds, noticedAfterMillis.get(), rewrites.get(), takeoverSeconds);
    }

    /** Writes the lease another replica taking the run over would write: another owner, token 2. */
    private static void takeOverLease(String run) {
        store.putJson(
                RunLeases.key(run),
                EventCodec.toJson(new RunLeases.Lease(run, "trainer-other-replica", Instant.now(), 2L, null)));
    }

    private static RunLeases.Lease lease(String runId) {
        return EventCodec.fromJson(
                new String(store.getBytes(RunLeases.key(runId)), StandardCharsets.UTF_8), RunLeases.Lease.class);
    }

    private static Map<String, String> checkpointEtags(String runId) {
        Map<String, String> etags = new java.util.TreeMap<>();
        for (ObjectInfo info : store.list(ObjectKeys.runPrefix(runId) + "checkpoints/")) {
            etags.put(info.key(), info.etag());
        }
        return etags;
    }

    private static Checkpoint.Header header(String key) throws Exception {
        Path file = Files.createTempFile(work, "header", ".ckpt");
        store.download(key, file);
        return Checkpoint.readHeader(file);
    }

    /** The run's events on the state, progress and checkpoint topics, from the beginning. */
    private static List<Event> events(String runId, Duration wait) {
        String bootstrap = TestInfrastructure.get().kafkaBootstrapServers();
        List<Event> out = new java.util.ArrayList<>();
        for (String topic : List.of(Topics.TRAINING_STATE, Topics.TRAINING_PROGRESS, Topics.CHECKPOINTS)) {
            try (TopicProbe probe = new TopicProbe(bootstrap, topic)) {
                for (ConsumerRecord<String, String> r : probe.readFor(wait)) {
                    if (runId.equals(r.key())) {
                        out.add(EventCodec.decode(r.value()).payload());
                    }
                }
            }
        }
        return out;
    }
}
