package io.softcifar.contracts.topics;

import static io.softcifar.contracts.topics.Service.CLI;
import static io.softcifar.contracts.topics.Service.DATASET;
import static io.softcifar.contracts.topics.Service.EVALUATOR;
import static io.softcifar.contracts.topics.Service.RESULTS;
import static io.softcifar.contracts.topics.Service.TRAINER;

import io.softcifar.contracts.events.CheckpointPublished;
import io.softcifar.contracts.events.DatasetFailed;
import io.softcifar.contracts.events.DatasetReady;
import io.softcifar.contracts.events.DatasetRequested;
import io.softcifar.contracts.events.DatasetState;
import io.softcifar.contracts.events.EvaluationCompleted;
import io.softcifar.contracts.events.EvaluationFailed;
import io.softcifar.contracts.events.RunState;
import io.softcifar.contracts.events.StudySubmitted;
import io.softcifar.contracts.events.TrainingCancelRequested;
import io.softcifar.contracts.events.TrainingCancelled;
import io.softcifar.contracts.events.TrainingFailed;
import io.softcifar.contracts.events.TrainingFinished;
import io.softcifar.contracts.events.TrainingProgress;
import io.softcifar.contracts.events.TrainingRequested;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every Kafka topic of the pipeline, in one place. Requests and happenings are deleting streams; anything a service
 * must be able to rebuild after a restart (dataset, run, evaluation and study state) is a compacted topic keyed by
 * that thing's id, whose latest record per key is the current state. Every consumed topic has a dead-letter topic
 * {@code <name>.dlq} for messages its consumers cannot decode or process.
 *
 * <p>All run-keyed topics have the same partition count, so a run's records land on the same partition number
 * everywhere.
 */
public final class Topics {

    public static final String DATASET_REQUESTS = "softcifar.dataset.requests";
    public static final String DATASET_STATE = "softcifar.dataset.state";
    public static final String TRAINING_REQUESTS = "softcifar.training.requests";
    public static final String TRAINING_CONTROL = "softcifar.training.control";
    public static final String TRAINING_PROGRESS = "softcifar.training.progress";
    public static final String TRAINING_STATE = "softcifar.training.state";
    public static final String CHECKPOINTS = "softcifar.checkpoints";
    public static final String EVALUATION_RESULTS = "softcifar.evaluation.results";
    public static final String STUDIES = "softcifar.studies";

    /** Partitions of every topic keyed by run id: the most trainers that can work in parallel. */
    public static final int RUN_PARTITIONS = 12;

    public static final int DEFAULT_PARTITIONS = 3;
    public static final long WEEK_MS = Duration.ofDays(7).toMillis();
    /** Training requests wait behind long runs: a 150-run grid can queue for weeks. */
    public static final long MONTH_MS = Duration.ofDays(30).toMillis();

    private static final Map<String, TopicSpec> PRIMARY = new LinkedHashMap<>();
    private static final Map<String, TopicSpec> ALL = new LinkedHashMap<>();

    static {
        add(deleting(
                DATASET_REQUESTS,
                DEFAULT_PARTITIONS,
                WEEK_MS,
                "request id (DatasetRequested.requestId)",
                List.of(DatasetRequested.TYPE),
                Set.of(RESULTS, CLI),
                Set.of(DATASET)));
        add(compacted(
                DATASET_STATE,
                DEFAULT_PARTITIONS,
                "dataset id; a request rejected before it had a dataset id is keyed by its request id",
                List.of(DatasetState.TYPE, DatasetReady.TYPE, DatasetFailed.TYPE),
                Set.of(DATASET),
                Set.of(TRAINER, RESULTS)));
        add(deleting(
                TRAINING_REQUESTS,
                RUN_PARTITIONS,
                MONTH_MS,
                "run id",
                List.of(TrainingRequested.TYPE),
                Set.of(RESULTS, CLI),
                Set.of(TRAINER)));
        add(deleting(
                TRAINING_CONTROL,
                RUN_PARTITIONS,
                WEEK_MS,
                "run id; every trainer instance reads all partitions and acts on the runs it holds",
                List.of(TrainingCancelRequested.TYPE),
                Set.of(RESULTS, CLI),
                Set.of(TRAINER)));
        add(deleting(
                TRAINING_PROGRESS,
                RUN_PARTITIONS,
                WEEK_MS,
                "run id (keeps a run's epochs in order)",
                List.of(TrainingProgress.TYPE),
                Set.of(TRAINER),
                Set.of(RESULTS)));
        add(compacted(
                TRAINING_STATE,
                RUN_PARTITIONS,
                "run id; RunState while live, then exactly one terminal event (finished, failed, cancelled) last",
                List.of(RunState.TYPE, TrainingFinished.TYPE, TrainingFailed.TYPE, TrainingCancelled.TYPE),
                Set.of(TRAINER),
                Set.of(EVALUATOR, RESULTS)));
        add(deleting(
                CHECKPOINTS,
                RUN_PARTITIONS,
                WEEK_MS,
                "run id (the objects themselves stay in the bucket)",
                List.of(CheckpointPublished.TYPE),
                Set.of(TRAINER),
                Set.of(EVALUATOR, RESULTS)));
        add(compacted(
                EVALUATION_RESULTS,
                RUN_PARTITIONS,
                "run id; the latest evaluation of the run",
                List.of(EvaluationCompleted.TYPE, EvaluationFailed.TYPE),
                Set.of(EVALUATOR),
                Set.of(RESULTS)));
        add(compacted(
                STUDIES,
                DEFAULT_PARTITIONS,
                "study id",
                List.of(StudySubmitted.TYPE),
                Set.of(RESULTS),
                Set.of(RESULTS)));
    }

    private Topics() {}

    /** The primary topics, without dead-letter topics, in pipeline order. */
    public static List<TopicSpec> primary() {
        return List.copyOf(PRIMARY.values());
    }

    /** Every topic to create: the primary ones, each followed by its dead-letter topic if it is consumed. */
    public static List<TopicSpec> all() {
        return List.copyOf(ALL.values());
    }

    public static Optional<TopicSpec> byName(String name) {
        return Optional.ofNullable(ALL.get(name));
    }

    /** The name of a topic's dead-letter topic, {@code <name>.dlq} (its spec: {@code byName(deadLetterOf(name))}). */
    public static String deadLetterOf(String topicName) {
        return topicName + TopicSpec.DEAD_LETTER_SUFFIX;
    }

    /**
     * Where a dead letter goes: one partition, kept a month for inspection and replay, written by the topic's
     * consumers, carrying whatever the topic carries (or garbage).
     */
    private static TopicSpec deadLetter(TopicSpec topic) {
        return new TopicSpec(
                deadLetterOf(topic.name()),
                1,
                topic.replication(),
                CleanupPolicy.DELETE,
                MONTH_MS,
                "the key of the failed record",
                topic.eventTypes(),
                topic.consumers(),
                Set.of());
    }

    private static TopicSpec deleting(
            String name,
            int partitions,
            long retentionMs,
            String key,
            List<String> types,
            Set<Service> producers,
            Set<Service> consumers) {
        return new TopicSpec(name, partitions, 1, CleanupPolicy.DELETE, retentionMs, key, types, producers, consumers);
    }

    private static TopicSpec compacted(
            String name,
            int partitions,
            String key,
            List<String> types,
            Set<Service> producers,
            Set<Service> consumers) {
        return new TopicSpec(
                name,
                partitions,
                1,
                CleanupPolicy.COMPACT,
                TopicSpec.RETENTION_FOREVER,
                key,
                types,
                producers,
                consumers);
    }

    private static void add(TopicSpec topic) {
        PRIMARY.put(topic.name(), topic);
        ALL.put(topic.name(), topic);
        if (!topic.consumers().isEmpty()) {
            TopicSpec dlq = deadLetter(topic);
            ALL.put(dlq.name(), dlq);
        }
    }
}
