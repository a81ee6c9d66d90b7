package io.softcifar.contracts.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Per-type schema versions: {@code training.progress} is at version 2 (it added {@code trainAccuracy}); every other
 * type is at 1. The version-1 golden file ({@code golden/v1/}), as producers wrote it before, still decodes.
 */
class SchemaVersionsTest {

    @Test
    void trainingProgressIsAtVersionTwoAndEveryOtherTypeAtOne() {
        for (String type : EventTypes.all()) {
            assertThat(EventTypes.schemaVersionOf(type)).as(type).isEqualTo(type.equals("training.progress") ? 2 : 1);
        }
        assertThat(Examples.all().get(TrainingProgress.TYPE).schemaVersion()).isEqualTo(2);
    }

    @Test
    void aVersionOneProgressEventDecodesWithoutTrainingAccuracy() throws IOException {
        EventEnvelope decoded = EventCodec.decode(text("/golden/v1/training.progress.json"));

        assertThat(decoded.schemaVersion()).isEqualTo(1);
        assertThat(decoded.payload())
                .isEqualTo(new TrainingProgress(
                        "run-7f3a", 12, 230, 0.8125, null, 0.6875, 0.75, 0.05, 1536.5, 5400.0, null));
    }

    @Test
    void aVersionTwoProgressEventCarriesTrainingAccuracy() throws IOException {
        EventEnvelope decoded = EventCodec.decode(text("/golden/training.progress.json"));

        assertThat(decoded.schemaVersion()).isEqualTo(2);
        assertThat(((TrainingProgress) decoded.payload()).trainAccuracy()).isEqualTo(0.703125);
    }

    @Test
    void aVersionTwoOfATypeStillAtOneIsRefused() throws IOException {
        ObjectNode tree = (ObjectNode) EventCodec.json().readTree(text("/golden/training.state.json"));
        tree.put("schemaVersion", 2);

        assertThatThrownBy(() -> EventCodec.decode(tree.toString()))
                .isInstanceOf(JsonDecodingException.class)
                .hasMessageContaining("(training.state): schemaVersion 2 is newer than the supported 1");
    }

    private static String text(String resource) throws IOException {
        try (InputStream in = SchemaVersionsTest.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
