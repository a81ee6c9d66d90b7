package io.softcifar.contracts.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The wire format of every event type is pinned by a hand-written file in {@code golden/<type>.json}: a change that
 * breaks producers or consumers of another version fails here first.
 */
class GoldenEventsTest {

    static Stream<String> types() {
        return EventTypes.all().stream();
    }

    @Test
    void everyEventTypeHasAnExampleAndAGoldenFile() {
        assertThat(Examples.all().keySet()).containsExactlyInAnyOrderElementsOf(EventTypes.all());
        for (String type : EventTypes.all()) {
            assertThat(GoldenEventsTest.class.getResource("/golden/" + type + ".json"))
                    .as(type)
                    .isNotNull();
        }
    }

    @ParameterizedTest
    @MethodSource("types")
    void encodingTheExampleGivesTheGoldenJson(String type) throws IOException {
        String encoded = EventCodec.encode(Examples.all().get(type));

        assertThat(EventCodec.json().readTree(encoded)).isEqualTo(golden(type));
    }

    @ParameterizedTest
    @MethodSource("types")
    void decodingTheGoldenJsonGivesTheExample(String type) throws IOException {
        EventEnvelope decoded = EventCodec.decode(goldenText(type));

        assertThat(decoded).isEqualTo(Examples.all().get(type));
    }

    @ParameterizedTest
    @MethodSource("types")
    void unknownFieldsAreIgnoredAtEveryLevel(String type) throws IOException {
        ObjectNode tree = (ObjectNode) golden(type);
        tree.put("producedBy", "a newer service");
        tree.withObjectProperty("correlation").put("traceId", "abc");
        ObjectNode payload = (ObjectNode) tree.get("payload");
        payload.put("addedInAFutureVersion", 42);
        payload.putObject("nested").put("x", 1);

        EventEnvelope decoded = EventCodec.decode(tree.toString());

        assertThat(decoded).isEqualTo(Examples.all().get(type));
    }

    @ParameterizedTest
    @MethodSource("types")
    void encodeThenDecodeIsTheIdentity(String type) {
        EventEnvelope example = Examples.all().get(type);

        assertThat(EventCodec.decode(EventCodec.encode(example))).isEqualTo(example);
    }

    private static JsonNode golden(String type) throws IOException {
        return EventCodec.json().readTree(goldenText(type));
    }

    static String goldenText(String type) throws IOException {
        try (InputStream in = GoldenEventsTest.class.getResourceAsStream("/golden/" + type + ".json")) {
            assertThat(in).as("golden/" + type + ".json").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
