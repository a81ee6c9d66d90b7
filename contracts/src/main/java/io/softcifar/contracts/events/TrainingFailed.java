package io.softcifar.contracts.events;

import io.softcifar.contracts.Nullable;
import io.softcifar.contracts.spec.FieldError;
import java.util.List;

/**
 * A run could not be trained or crashed; the terminal record of the run on the training-state topic.
 *
 * @param runId  the run
 * @param reason one line a user can act on
 * @param errors every spec problem when the run spec was invalid; empty otherwise
 * @param fencingToken the publishing lease's fencing token ({@link Fenced}); absent in older events
 */
public record TrainingFailed(
        String runId,
        String reason,
        @Nullable List<FieldError> errors,
        @Nullable Long fencingToken) implements Event, RunEvent, Fenced {
    public static final String TYPE = "training.failed";

    public TrainingFailed {
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    public TrainingFailed(String runId, String reason) {
        this(runId, reason, List.of());
    }

    public TrainingFailed(String runId, String reason, @Nullable List<FieldError> errors) {
        this(runId, reason, errors, null);
    }

    @Override
    public TrainingFailed withFencingToken(long token) {
        return new TrainingFailed(runId, reason, errors, token);
    }
}
