package io.softcifar.contracts.events;

import io.softcifar.contracts.Nullable;

/**
 * A run was stopped on request; the terminal record of the run on the training-state topic. Its checkpoints stay.
 *
 * @param runId   the run
 * @param atEpoch epochs completed when it stopped (0 if it never started)
 * @param reason  the request's reason
 * @param fencingToken the publishing lease's fencing token ({@link Fenced}); absent in older events
 */
public record TrainingCancelled(
        String runId,
        int atEpoch,
        @Nullable String reason,
        @Nullable Long fencingToken) implements Event, RunEvent, Fenced {
    public static final String TYPE = "training.cancelled";

    public TrainingCancelled(String runId, int atEpoch, @Nullable String reason) {
        this(runId, atEpoch, reason, null);
    }

    @Override
    public TrainingCancelled withFencingToken(long token) {
        return new TrainingCancelled(runId, atEpoch, reason, token);
    }
}
