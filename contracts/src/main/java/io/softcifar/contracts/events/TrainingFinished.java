package io.softcifar.contracts.events;

import io.softcifar.contracts.Nullable;

/**
 * A run completed (all epochs, or stopped early); the terminal record of the run on the training-state topic. The
 * evaluator evaluates {@code bestCheckpointKey}.
 *
 * @param runId             the run
 * @param bestEpoch         epoch of the lowest validation loss
 * @param bestValLoss       that loss
 * @param bestValAccuracy   validation accuracy at that epoch, fraction in [0, 1]
 * @param epochsRun         epochs actually trained
 * @param trainSeconds      wall time of training, excluding queueing
 * @param bestCheckpointKey object key of the best checkpoint
 * @param fencingToken the publishing lease's fencing token ({@link Fenced}); absent in older events
 * @param provenance   what trained the run (code, libraries, device, resolved configuration, dataset manifest);
 *                     absent in older events
 */
public record TrainingFinished(
        String runId,
        int bestEpoch,
        double bestValLoss,
        double bestValAccuracy,
        int epochsRun,
        double trainSeconds,
        String bestCheckpointKey,
        @Nullable Long fencingToken,
        @Nullable Provenance provenance)
        implements Event, RunEvent, Fenced {
    public static final String TYPE = "training.finished";

    @Override
    public TrainingFinished withFencingToken(long token) {
        return new TrainingFinished(
                runId,
                bestEpoch,
                bestValLoss,
                bestValAccuracy,
                epochsRun,
                trainSeconds,
                bestCheckpointKey,
                token,
                provenance);
    }
}
