package io.softcifar.contracts.events;

import io.softcifar.contracts.Nullable;

/**
 * A run was stopped on request; the terminal record of the run on the training-state topic. Its checkpoints stay.
 *
 * @param runId   the run
 * @param atEpoch epochs completed when it stopped (0 if it never started)
 * @param reason  the request's reason
 */
public record TrainingCancelled(String runId, int atEpoch, @Nullable String reason) implements Event {
    public static final String TYPE = "training.cancelled";
}
