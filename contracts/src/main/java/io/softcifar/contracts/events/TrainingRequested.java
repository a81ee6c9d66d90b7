package io.softcifar.contracts.events;

import io.softcifar.contracts.Nullable;
import io.softcifar.contracts.spec.RunSpec;

/**
 * A run should be trained. The trainer validates the spec and answers on the training-state topic.
 *
 * @param runId   chosen by the requester; keys every later event of the run
 * @param studyId the study it belongs to, if any
 * @param spec    the run (null fields = protocol defaults)
 */
public record TrainingRequested(String runId, @Nullable String studyId, RunSpec spec) implements Event, RunEvent {
    public static final String TYPE = "training.requested";
}
