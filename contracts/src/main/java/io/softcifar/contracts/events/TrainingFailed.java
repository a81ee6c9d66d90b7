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
 */
public record TrainingFailed(String runId, String reason, @Nullable List<FieldError> errors) implements Event {
    public static final String TYPE = "training.failed";

    public TrainingFailed {
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    public TrainingFailed(String runId, String reason) {
        this(runId, reason, List.of());
    }
}
