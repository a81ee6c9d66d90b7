package io.softcifar.contracts.events;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.softcifar.contracts.dataset.DatasetSummary;
import io.softcifar.contracts.spec.DatasetSpec;
import io.softcifar.contracts.spec.FieldError;
import io.softcifar.contracts.spec.RunSpec;
import io.softcifar.contracts.spec.SourceRef;
import io.softcifar.contracts.spec.Sources;
import io.softcifar.contracts.spec.SplitRatios;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One fixed example envelope per event type, the Java side of the hand-written files in {@code golden/}. Values are
 * chosen to be exact in binary and decimal where it matters, so the JSON text and the record agree without rounding.
 */
final class Examples {

    static final Instant TIME = Instant.parse("2026-11-28T10:15:30.250Z");
    static final String RUN = "run-7f3a";
    static final String DATASET = "ds-3c1f9a2b";
    static final String STUDY = "study-42";

    private Examples() {}

    /** Type name → example envelope. */
    static Map<String, EventEnvelope> all() {
        Map<String, EventEnvelope> examples = new LinkedHashMap<>();
        put(
                examples,
                "00000000-0000-4000-8000-000000000001",
                new Correlation(null, null, null),
                new DatasetRequested(
                        "req-1",
                        new DatasetSpec(
                                "cifar10h-split",
                                new Sources(
                                        "/data/cifar10h",
                                        false,
                                        null,
                                        null,
                                        SourceRef.ofUrlSha256(
                                                "https://mirror.example.org/cifar10h-probs.npy",
                                                "436ae98620e00073f9d08585ac870573b588853e7af9f54eb1647408114af77d"),
                                        null,
                                        null,
                                        null),
                                new SplitRatios(0.8, 0.05, 0.15),
                                List.of(0L, 1L, 2L),
                                List.of("soft", "hard"),
                                null,
                                List.of("svhn"),
                                null)));
        put(
                examples,
                "00000000-0000-4000-8000-000000000002",
                Correlation.ofDataset(DATASET),
                new DatasetState(DATASET, DatasetStatus.IMPORTING, null, null));
        put(
                examples,
                "00000000-0000-4000-8000-000000000003",
                Correlation.ofDataset(DATASET),
                new DatasetReady(
                        DATASET,
                        "datasets/ds-3c1f9a2b/manifest.json",
                        new DatasetSummary(
                                10000,
                                List.of(1001, 996, 1003, 998, 1000, 1002, 999, 997, 1004, 1000),
                                0.1545,
                                List.of(0L, 1L, 2L),
                                Map.of("train", 8000, "validation", 500, "test", 1500))));
        put(
                examples,
                "00000000-0000-4000-8000-000000000004",
                Correlation.NONE,
                new DatasetFailed(
                        null,
                        "req-2",
                        "splitRatios.test: must be 0 for protocol peterson",
                        "splitRatios.test",
                        List.of(new FieldError("splitRatios.test", "must be 0 for protocol peterson"))));
        put(
                examples,
                "00000000-0000-4000-8000-000000000005",
                Correlation.ofRun(STUDY, RUN, DATASET),
                new TrainingRequested(
                        RUN,
                        STUDY,
                        RunSpec.builder(DATASET, "sngp", "hard")
                                .seed(3L)
                                .mixing("cutmix", 0.2, 0.15)
                                .epochs(230)
                                .build()));
        put(
                examples,
                "00000000-0000-4000-8000-000000000006",
                Correlation.ofRun(STUDY, RUN, DATASET),
                new RunState(RUN, RunStatus.RUNNING, 12, Instant.parse("2026-11-28T10:15:29Z"), null));
        put(
                examples,
                "00000000-0000-4000-8000-000000000007",
                Correlation.ofRun(STUDY, RUN, DATASET),
                new TrainingProgress(RUN, 12, 230, 0.8125, 0.703125, 0.6875, 0.75, 0.05, 1536.5, 5400.0, null));
        put(
                examples,
                "00000000-0000-4000-8000-000000000008",
                Correlation.ofRun(STUDY, RUN, DATASET),
                new CheckpointPublished(
                        RUN,
                        12,
                        "best",
                        false,
                        "runs/run-7f3a/checkpoints/best.ckpt",
                        "9b36b4550349af56c79083356312eb4af856cc5fd3caf1f669d40b9d0bbb69ff",
                        1103872L));
        put(
                examples,
                "00000000-0000-4000-8000-000000000009",
                Correlation.ofRun(STUDY, RUN, DATASET),
                new TrainingFinished(
                        RUN, 187, 0.5625, 0.84375, 230, 7204.5, "runs/run-7f3a/checkpoints/best.ckpt", null, null));
        put(
                examples,
                "00000000-0000-4000-8000-00000000000a",
                Correlation.ofRun(STUDY, RUN, DATASET),
                new TrainingFailed(RUN, "dataset ds-3c1f9a2b has no seed 7 (it was built for 0, 1, 2)"));
        put(
                examples,
                "00000000-0000-4000-8000-00000000000b",
                Correlation.ofRun(STUDY, RUN, DATASET),
                new TrainingCancelRequested(RUN, "study withdrawn"));
        put(
                examples,
                "00000000-0000-4000-8000-00000000000c",
                Correlation.ofRun(STUDY, RUN, DATASET),
                new TrainingCancelled(RUN, 40, "study withdrawn"));
        put(
                examples,
                "00000000-0000-4000-8000-00000000000d",
                Correlation.ofRun(STUDY, RUN, DATASET),
                new EvaluationCompleted(
                        RUN,
                        DATASET,
                        Map.of(
                                "test/accuracy",
                                0.8125,
                                "test/ece",
                                0.0625,
                                "ood/svhn_auroc",
                                0.75,
                                "fgsm/0.005_decrease",
                                0.375),
                        "runs/run-7f3a/evaluation/dump.json",
                        List.of(
                                new ReliabilityBin(0.0, 0.5, 2, 0.4375, 0.5),
                                new ReliabilityBin(0.5, 1.0, 6, 0.875, 0.8333333333333334))));
        put(
                examples,
                "00000000-0000-4000-8000-00000000000e",
                Correlation.ofRun(STUDY, RUN, DATASET),
                new EvaluationFailed(RUN, "checkpoint runs/run-7f3a/checkpoints/best.ckpt is missing"));
        ObjectNode definition = JsonNodeFactory.instance.objectNode();
        definition.putObject("grid").putArray("methods").add("basic").add("sngp");
        definition.putArray("seeds").add(0).add(1);
        put(
                examples,
                "00000000-0000-4000-8000-00000000000f",
                new Correlation(STUDY, null, DATASET),
                new StudySubmitted(STUDY, "soft vs hard, basic and SNGP", definition, List.of("run-1", "run-2")));
        return examples;
    }

    private static void put(Map<String, EventEnvelope> examples, String id, Correlation correlation, Event payload) {
        String type = EventTypes.typeOf(payload);
        EventEnvelope envelope =
                new EventEnvelope(id, type, EventTypes.schemaVersionOf(type), TIME, correlation, payload);
        examples.put(envelope.type(), envelope);
    }
}
