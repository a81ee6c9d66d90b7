package io.softcifar.contracts.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventCodecTest {

    private static final String PROGRESS_TYPE = TrainingProgress.TYPE;

    @Test
    void ofFillsIdTimeTypeAndVersion() {
        Clock clock = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
        UUID id = UUID.fromString("123e4567-e89b-42d3-a456-426614174000");

        EventEnvelope envelope = EventEnvelope.of(new EvaluationFailed("r1", "boom"), Correlation.NONE, clock, id);

        assertThat(envelope.eventId()).isEqualTo("123e4567-e89b-42d3-a456-426614174000");
        assertThat(envelope.type()).isEqualTo("evaluation.failed");
        assertThat(envelope.schemaVersion()).isEqualTo(1);
        assertThat(envelope.time()).isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));
        assertThat(envelope.payloadAs(EvaluationFailed.class)).contains(new EvaluationFailed("r1", "boom"));
        assertThat(envelope.payloadAs(TrainingFailed.class)).isEmpty();
    }

    @Test
    void ofWithoutClockUsesARandomUuidAndNow() {
        Instant before = Instant.now();
        EventEnvelope envelope = EventEnvelope.of(new EvaluationFailed("r1", "boom"), null);

        assertThat(UUID.fromString(envelope.eventId()).version()).isEqualTo(4);
        assertThat(envelope.time()).isBetween(before, Instant.now());
        assertThat(envelope.correlation()).isEqualTo(Correlation.NONE);
    }

    @Test
    void timeIsAnIsoStringAndNullsAreLeftOut() throws IOException {
        EventEnvelope envelope = EventEnvelope.of(
                new TrainingCancelRequested("r1", null),
                Correlation.NONE,
                Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC),
                new UUID(0, 1));

        ObjectNode tree = (ObjectNode) EventCodec.json().readTree(EventCodec.encode(envelope));

        assertThat(tree.get("time").textValue()).isEqualTo("2026-01-02T03:04:05Z");
        assertThat(tree.get("payload").has("reason")).isFalse();
        assertThat(tree.get("correlation").isEmpty()).isTrue();
    }

    @Test
    void mapEntriesAreWrittenInKeyOrder() {
        EvaluationCompleted payload = new EvaluationCompleted(
                "r", "d", Map.of("test/nll", 1.0, "ood/svhn_auroc", 0.5, "test/accuracy", 0.25), "k", List.of());

        String json = EventCodec.toJson(payload);

        assertThat(json).contains("{\"ood/svhn_auroc\":0.5,\"test/accuracy\":0.25,\"test/nll\":1.0}");
    }

    @Test
    void garbageIsNotJson() {
        assertThatThrownBy(() -> EventCodec.decode("garbage"))
                .isInstanceOf(JsonDecodingException.class)
                .hasMessageStartingWith("not JSON: ")
                .hasMessageContaining("line 1")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> EventCodec.decode("")).hasMessage("not JSON: the input is empty");
        assertThatThrownBy(() -> EventCodec.decode("{\"a\":1} trailing"))
                .isInstanceOf(JsonDecodingException.class)
                .hasMessageStartingWith("not JSON: ");
        assertThatThrownBy(() -> EventCodec.decode("[1,2]"))
                .isInstanceOf(JsonDecodingException.class)
                .hasMessage("not an event: expected a JSON object, got array");
    }

    @Test
    void unknownTypeIsNamed() throws IOException {
        ObjectNode tree = golden(PROGRESS_TYPE);
        tree.put("type", "x");

        assertThatThrownBy(() -> EventCodec.decode(tree.toString()))
                .isInstanceOf(JsonDecodingException.class)
                .hasMessage("event type 'x' is unknown");
    }

    @Test
    void missingEnvelopeFieldsAreNamed() throws IOException {
        for (String field : List.of("eventId", "type", "schemaVersion", "time", "payload")) {
            ObjectNode tree = golden(PROGRESS_TYPE);
            tree.remove(field);

            assertThatThrownBy(() -> EventCodec.decode(tree.toString()))
                    .isInstanceOf(JsonDecodingException.class)
                    .hasMessage("envelope: missing field " + field);
        }
    }

    @Test
    void missingPayloadFieldIsNamedEvenForPrimitives() throws IOException {
        ObjectNode tree = golden(PROGRESS_TYPE);
        ((ObjectNode) tree.get("payload")).remove("runId");
        assertThatThrownBy(() -> EventCodec.decode(tree.toString()))
                .isInstanceOf(JsonDecodingException.class)
                .hasMessage("training.progress payload: missing field runId");

        ObjectNode noEpoch = golden(PROGRESS_TYPE);
        ((ObjectNode) noEpoch.get("payload")).putNull("epoch");
        assertThatThrownBy(() -> EventCodec.decode(noEpoch.toString()))
                .hasMessage("training.progress payload: missing field epoch");
    }

    @Test
    void missingNestedFieldIsNamedWithItsPath() throws IOException {
        ObjectNode tree = golden(EvaluationCompleted.TYPE);
        ((ObjectNode) tree.get("payload").get("reliability").get(1)).remove("count");

        assertThatThrownBy(() -> EventCodec.decode(tree.toString()))
                .hasMessage("evaluation.completed payload: missing field reliability[1].count");

        ObjectNode ready = golden(DatasetReady.TYPE);
        ((ObjectNode) ready.get("payload").get("summary").get("splits")).putNull("train");
        assertThatThrownBy(() -> EventCodec.decode(ready.toString()))
                .hasMessage("dataset.ready payload: missing field summary.splits.train");
    }

    @Test
    void optionalPayloadFieldsMayBeMissing() throws IOException {
        ObjectNode tree = golden(TrainingCancelled.TYPE);
        ((ObjectNode) tree.get("payload")).remove("reason");
        tree.remove("correlation");

        EventEnvelope decoded = EventCodec.decode(tree.toString());

        assertThat(decoded.payload()).isEqualTo(new TrainingCancelled(Examples.RUN, 40, null));
        assertThat(decoded.correlation()).isEqualTo(Correlation.NONE);
    }

    @Test
    void newerSchemaVersionIsRefused() throws IOException {
        ObjectNode tree = golden(PROGRESS_TYPE);
        tree.put("schemaVersion", 3);

        assertThatThrownBy(() -> EventCodec.decode(tree.toString()))
                .isInstanceOf(JsonDecodingException.class)
                .hasMessage("event 00000000-0000-4000-8000-000000000007 (training.progress): schemaVersion 3 is "
                        + "newer than the supported 2; update this service");
    }

    @Test
    void wrongValueTypesAreNamed() throws IOException {
        ObjectNode tree = golden(PROGRESS_TYPE);
        ((ObjectNode) tree.get("payload")).put("epoch", "twelve");
        assertThatThrownBy(() -> EventCodec.decode(tree.toString()))
                .isInstanceOf(JsonDecodingException.class)
                .hasMessageStartingWith("training.progress payload: field epoch: ")
                .hasMessageContaining("twelve")
                .hasMessageNotContaining("\n");

        ObjectNode badTime = golden(PROGRESS_TYPE);
        badTime.put("time", "yesterday");
        assertThatThrownBy(() -> EventCodec.decode(badTime.toString()))
                .isInstanceOf(JsonDecodingException.class)
                .hasMessageStartingWith("envelope: field time: ")
                .hasMessageContaining("yesterday");

        ObjectNode badVersion = golden(PROGRESS_TYPE);
        badVersion.put("schemaVersion", "one");
        assertThatThrownBy(() -> EventCodec.decode(badVersion.toString()))
                .hasMessage("envelope: schemaVersion must be an integer, got \"one\"");

        ObjectNode payloadNotObject = golden(PROGRESS_TYPE);
        payloadNotObject.put("payload", 3);
        assertThatThrownBy(() -> EventCodec.decode(payloadNotObject.toString()))
                .hasMessage("training.progress payload: expected a JSON object, got 3");
    }

    @Test
    void constructorRulesBecomeDecodingErrors() throws IOException {
        ObjectNode tree = golden(CheckpointPublished.TYPE);
        ((ObjectNode) tree.get("payload")).put("kind", "latest");
        assertThatThrownBy(() -> EventCodec.decode(tree.toString()))
                .isInstanceOf(JsonDecodingException.class)
                .hasMessage("checkpoint.published payload: kind: must be epoch or best, got 'latest'");

        ObjectNode metrics = golden(EvaluationCompleted.TYPE);
        ((ObjectNode) metrics.get("payload").get("metrics")).put("accuracy", 0.5);
        assertThatThrownBy(() -> EventCodec.decode(metrics.toString()))
                .hasMessage("evaluation.completed payload: metrics: name 'accuracy' is not split/metric "
                        + "(e.g. test/accuracy, ood/svhn_auroc)");
    }

    @Test
    void encodingRefusesAPayloadWithoutARequiredField() {
        EventEnvelope envelope = EventEnvelope.of(new EvaluationFailed("r1", null), Correlation.NONE);

        assertThatThrownBy(() -> EventCodec.encode(envelope))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot encode evaluation.failed: payload: missing field reason");
    }

    @Test
    void envelopeTypeMustMatchThePayload() {
        assertThatThrownBy(() -> new EventEnvelope(
                        "id", "training.failed", 1, Instant.EPOCH, Correlation.NONE, new EvaluationFailed("r", "x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("type 'training.failed' does not match the payload, a evaluation.failed");
    }

    @Test
    void plainRecordsRoundTripAndReportMissingFields() {
        ReliabilityBin bin = new ReliabilityBin(0.25, 0.5, 3, 0.375, 0.5);
        assertThat(EventCodec.fromJson(EventCodec.toJson(bin), ReliabilityBin.class))
                .isEqualTo(bin);

        assertThatThrownBy(() -> EventCodec.fromJson("{\"lower\":0.0}", ReliabilityBin.class))
                .isInstanceOf(JsonDecodingException.class)
                .hasMessage("ReliabilityBin: missing field upper");
        assertThatThrownBy(() -> EventCodec.fromJson("[]", ReliabilityBin.class))
                .hasMessage("not a ReliabilityBin: expected a JSON object, got array");
    }

    @Test
    void canonicalJsonSortsKeysAtEveryLevelAndDropsNulls() throws IOException {
        String a = EventCodec.toCanonicalJson(
                EventCodec.json().readTree("{\"b\":{\"y\":1,\"x\":[{\"q\":1,\"p\":2}]},\"a\":null,\"c\":0.5}"));
        String b = EventCodec.toCanonicalJson(
                EventCodec.json().readTree("{\"c\":0.5,\"b\":{\"x\":[{\"p\":2,\"q\":1}],\"y\":1}}"));

        assertThat(a).isEqualTo(b).isEqualTo("{\"b\":{\"x\":[{\"p\":2,\"q\":1}],\"y\":1},\"c\":0.5}");
    }

    @Test
    void registryKnowsEveryPermittedEvent() {
        assertThat(EventTypes.all())
                .hasSize(Event.class.getPermittedSubclasses().length)
                .contains(
                        "dataset.requested",
                        "dataset.state",
                        "dataset.ready",
                        "dataset.failed",
                        "training.requested",
                        "training.state",
                        "training.progress",
                        "checkpoint.published",
                        "training.finished",
                        "training.failed",
                        "training.cancel_requested",
                        "training.cancelled",
                        "evaluation.completed",
                        "evaluation.failed",
                        "study.submitted");
        assertThat(EventTypes.classOf("training.progress")).contains(TrainingProgress.class);
        assertThat(EventTypes.classOf("nope")).isEmpty();
    }

    @Test
    void stateTopicsFoldToStatuses() {
        assertThat(RunState.statusOf(new TrainingFinished("r", 1, 0.5, 0.5, 1, 1.0, "k", null, null)))
                .isEqualTo(RunStatus.FINISHED);
        assertThat(RunState.statusOf(new TrainingCancelled("r", 1, null))).isEqualTo(RunStatus.CANCELLED);
        assertThat(RunState.statusOf(new TrainingProgress("r", 1, 2, 0, null, 0, 0, 0, 0, 0, null)))
                .isNull();
        assertThat(RunStatus.FAILED.isTerminal()).isTrue();
        assertThat(RunStatus.RUNNING.isTerminal()).isFalse();
        assertThat(DatasetState.statusOf(new DatasetFailed(null, "q", "x", null, null)))
                .isEqualTo(DatasetStatus.FAILED);
    }

    private static ObjectNode golden(String type) throws IOException {
        return (ObjectNode) EventCodec.json().readTree(GoldenEventsTest.goldenText(type));
    }
}
