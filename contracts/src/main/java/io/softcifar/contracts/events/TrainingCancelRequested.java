package io.softcifar.contracts.events;

import io.softcifar.contracts.Nullable;

/**
 * Someone asks the trainer to stop a run (queued or running); answered by {@link TrainingCancelled}, or ignored if
 * the run already ended.
 *
 * @param runId  the run
 * @param reason why, for the record
 */
public record TrainingCancelRequested(
        String runId, @Nullable String reason) implements Event, RunEvent {
    public static final String TYPE = "training.cancel_requested";
}
