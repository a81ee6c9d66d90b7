package io.softcifar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** A run's line in {@code ./softcifar status}: the watchdog's recoveries are shown when there were any. */
class RunLineTest {

    private static JsonNode run(String extra) throws Exception {
        return new ObjectMapper()
                .readTree("{\"runId\":\"r1\",\"label\":\"basic, hard\",\"seed\":0,"
                        + "\"status\":\"REQUESTED\",\"epoch\":1,\"epochs\":3,\"evaluated\":false" + extra + "}");
    }

    @Test
    void recoveriesAreShownWhenThereWereAny() throws Exception {
        assertThat(StudyCommands.runLine(run(",\"recoveries\":2"))).endsWith("epoch 1/3, recovered 2x");
        assertThat(StudyCommands.runLine(run(",\"recoveries\":0"))).endsWith("epoch 1/3");
        // an older results-service without the field
        assertThat(StudyCommands.runLine(run(""))).endsWith("epoch 1/3");
    }
}
