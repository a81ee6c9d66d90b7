package io.softcifar.contracts.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A study (a grid of runs over seeds) was accepted; the study's record on the compacted studies topic, so the results
 * service can rebuild its list of studies from Kafka alone.
 *
 * @param studyId    the study
 * @param name       a human name
 * @param definition the study definition as submitted (owned by the results service; kept verbatim)
 * @param runIds     the runs it requested, in grid order
 */
public record StudySubmitted(String studyId, String name, JsonNode definition, List<String> runIds) implements Event {
    public static final String TYPE = "study.submitted";

    public StudySubmitted {
        runIds = runIds == null ? null : List.copyOf(runIds);
        definition = definition == null ? null : definition.deepCopy();
    }
}
